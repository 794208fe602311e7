; Csound highlights: one file for the csd, orc and sco languages (same node names).
; Captures follow the common Neovim / Helix / Emacs treesit conventions.

(comment) @comment
(number) @number
(infinity) @constant.builtin
[(string) (multiline_string) (raw_string)] @string

; ---- orchestra ----
[
  "instr" "endin" "opcode" "endop" "struct" "declare"
] @keyword

[
  "if" "then" "ithen" "kthen" "elseif" "else" "endif" "fi"
  "switch" "case" "default" "endsw"
] @keyword.conditional

[
  "while" "until" "do" "od" "enduntil" "for" "in" "break" "continue"
] @keyword.repeat

[
  "goto" "igoto" "kgoto"
] @keyword.return

(instrument_definition name: (identifier) @type)
(instrument_definition name: (number) @type)
(plus_name (identifier) @type)
(udo_definition name: (identifier) @function)
(declare_definition name: (identifier) @function)
(struct_definition name: (identifier) @type)
(udo_types) @type
(type (type_name) @type)

(opcode_statement opcode: (opcode_name) @function.builtin)
(opcode_statement opcode: (identifier) @function)
(call_expression function: (identifier) @function.call)
(call_expression rate: (identifier) @type)

(label_statement label: (identifier) @label)
(goto_statement label: (identifier) @label)
(if_goto_statement label: (identifier) @label)

(typed_identifier name: (identifier) @variable)
(member_access member: (identifier) @property)
(struct_definition member: (typed_identifier name: (identifier) @property))
(struct_definition member: (identifier) @property)
(parameter_list (typed_identifier name: (identifier) @variable.parameter))
(parameter_list (identifier) @variable.parameter)

((identifier) @variable.builtin
  (#match? @variable.builtin "^(sr|kr|ksmps|nchnls|nchnls_i|0dbfs|A4|p[0-9]+)$"))
((identifier) @variable.global
  (#match? @variable.global "^g"))

(binary_expression operator: _ @operator)
(unary_expression operator: _ @operator)
(assignment operator: _ @operator)
(ternary_expression ["?" ":"] @operator)

["(" ")" "[" "]"] @punctuation.bracket
["," ":"] @punctuation.delimiter

; ---- preprocessor ----
[
  (define_directive) (undef_directive) (include_directive)
  (ifdef_directive) (ifndef_directive)
] @keyword.directive
[(else_directive) (end_directive)] @keyword.directive
(define_directive name: (identifier) @constant.macro)
(undef_directive name: (identifier) @constant.macro)
(ifdef_directive name: (identifier) @constant.macro)
(ifndef_directive name: (identifier) @constant.macro)
(macro_parameters (identifier) @variable.parameter)
(macro_body) @string.special
(macro_use) @constant.macro
(include_directive path: _ @string.special.path)

; ---- score ----
(statement_kind) @keyword
(carry) @operator
(ramp) @operator
(np_reference) @variable.builtin
(score_expression ["[" "]"] @punctuation.special)
(random) @constant.builtin
(score_loop ["{" "}"] @punctuation.bracket)

; ---- csd container ----
(tag_name) @tag
(attribute_name) @attribute
(attribute_value) @string
["<" ">" "</" "/>"] @punctuation.bracket
(option_flag) @constant
(option_value) @string
(outside_text) @comment
(raw_text) @markup.raw
; what Csound's score reader skips: words among the p-fields, text after `e`
(score_word) @comment
(skipped_text) @comment
