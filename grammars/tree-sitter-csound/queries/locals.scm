; Scopes: each instrument and each UDO is its own scope; the orchestra (or the
; instruments section of a .csd) is the global scope. Csound variables whose
; names start with `g` are global wherever they are written; editors that
; support it can treat those as globals.

(instrument_definition) @local.scope
(udo_definition) @local.scope

; Definitions: outputs of opcode statements, left sides of assignments,
; UDO parameters, labels and macros.
(opcode_statement output: (identifier) @local.definition.var)
(opcode_statement output: (typed_identifier name: (identifier) @local.definition.var))
(opcode_statement output: (array_declaration name: (identifier) @local.definition.var))
(assignment left: (identifier) @local.definition.var)
(assignment left: (typed_identifier name: (identifier) @local.definition.var))
(assignment left: (array_declaration name: (identifier) @local.definition.var))
(for_loop index: (identifier) @local.definition.var)
(for_loop value: (identifier) @local.definition.var)
(for_loop (typed_identifier name: (identifier) @local.definition.var))
(parameter_list (identifier) @local.definition.parameter)
(parameter_list (typed_identifier name: (identifier) @local.definition.parameter))
(label_statement label: (identifier) @local.definition.label)
(udo_definition name: (identifier) @local.definition.function)
(define_directive name: (identifier) @local.definition.macro)

; References.
(identifier) @local.reference
