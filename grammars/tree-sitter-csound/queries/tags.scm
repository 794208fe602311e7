(instrument_definition name: (identifier) @name) @definition.class
(instrument_definition name: (number) @name) @definition.class
(instrument_definition name: (plus_name (identifier) @name)) @definition.class
(udo_definition name: (identifier) @name) @definition.function
(declare_definition name: (identifier) @name) @definition.function
(struct_definition name: (identifier) @name) @definition.class
(define_directive name: (identifier) @name) @definition.macro
(label_statement label: (identifier) @name) @definition.label

(opcode_statement opcode: (identifier) @name) @reference.call
(call_expression function: (identifier) @name) @reference.call
