/**
 * Shared definition of the Csound grammars.
 *
 * defineGrammar(dialect) returns the grammar for one dialect:
 *   'csd' -> language `csound`,     root `csd_document` (a whole .csd file)
 *   'orc' -> language `csound_orc`, root `orchestra`    (.orc/.udo/.inc)
 *   'sco' -> language `csound_sco`, root `score`        (.sco)
 *
 * Statements end at a newline (or the end of input); `\` at the end of a line
 * continues it. Whether a bare word at the start of a statement is an opcode
 * is decided by the external scanner from Csound's list of opcode names.
 */

/* eslint-disable no-undef */

// Operator precedence, lowest first, as Csound 6.18 evaluates it (checked by
// running csound on probe expressions): `#` binds tighter than `^`, and
// `||`/`&&` share one level.
const PREC = {
  ternary: 1,
  logical: 2,
  compare: 3,
  bitor: 4,
  bitand: 5,
  shift: 6,
  additive: 7,
  multiplicative: 8,
  power: 9,
  xor: 10,
  unary: 11,
  postfix: 12,
};


const IDENT = /[A-Za-z_][A-Za-z0-9_]*/;

// A known opcode may have a comma before its first argument (`out, a1`).
function opcodeAndArguments($) {
  return choice(
    seq(field('opcode', $.opcode_name), optional(seq(optional(','), field('arguments', $.argument_list)))),
    seq(field('opcode', $.identifier), optional(field('arguments', $.argument_list))),
  );
}

function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)));
}

/** Rules every dialect shares: lexical pieces and the preprocessor. */
function commonRules() {
  return {
    // Statement end: the external scanner emits it for a line break (or the
    // end of input) only where a statement may end; elsewhere line breaks are
    // plain whitespace, so a statement continues after a trailing comma.
    _eol: ($) => $._newline,

    comment: (_) =>
      token(
        choice(
          seq(';', /[^\r\n]*/),
          seq('//', /[^\r\n]*/),
          seq('/*', /[^*]*\*+([^/*][^*]*\*+)*/, '/'),
        ),
      ),

    number: (_) =>
      token(
        choice(
          /0[xX][0-9A-Fa-f]+/,
          /[0-9]+\.?[0-9]*([eE][+-]?[0-9]+)?/,
          /\.[0-9]+([eE][+-]?[0-9]+)?/,
        ),
      ),

    // A `\` at the end of a line continues the string on the next one.
    string: (_) => token(seq('"', repeat(choice(/[^"\\\r\n]+/, /\\[^\r\n]/, /\\(\r\n|\r|\n)/)), '"')),


    // Csound 7: `R{raw "text"}R`, no escapes.
    raw_string: (_) => token(seq('R{', /([^}]|\}+[^}R])*/, /\}+R/)),

    // A string whose closing quote is missing ends with its line, as Csound's lexer ends it: one
    // unfinished string (what a user has while typing) must not turn the rest of the file into an error.
    unterminated_string: (_) => token(prec(-1, seq('"', repeat(choice(/[^"\\\r\n]+/, /\\[^\r\n]/))))),

    // ---- preprocessor -------------------------------------------------
    _preprocessor: ($) =>
      choice(
        $.define_directive,
        $.undef_directive,
        $.include_directive,
        $.ifdef_directive,
        $.ifndef_directive,
        $.else_directive,
        $.end_directive,
      ),

    define_directive: ($) =>
      seq(
        /#[ \t]*define/,
        field('name', $.identifier),
        optional(field('parameters', $.macro_parameters)),
        field('body', $.macro_body),
      ),

    macro_parameters: ($) =>
      seq(
        token.immediate('('),
        // Csound 6.18 also takes a separator after the last name: `#define M(a'b')`
        optional(seq($.identifier, repeat(seq(choice("'", '#'), $.identifier)), optional(choice("'", '#')))),
        ')',
      ),

    macro_body: (_) => token(seq('#', repeat(choice(/[^#\\]+/, /\\./, /\\\r?\n/)), '#')),

    undef_directive: ($) => seq(/#[ \t]*undef/, field('name', $.identifier)),

    include_directive: ($) =>
      seq(choice(/#[ \t]*include/, /#[ \t]*includestr/), field('path', choice($.string, $.include_path))),

    include_path: (_) => token(choice(seq('<', /[^>\r\n]*/, '>'), seq('|', /[^|\r\n]*/, '|'))),

    ifdef_directive: ($) => seq(/#[ \t]*ifdef/, field('name', $.identifier)),
    ifndef_directive: ($) => seq(/#[ \t]*ifndef/, field('name', $.identifier)),
    else_directive: (_) => /#[ \t]*else/,
    end_directive: (_) => token(choice(/#[ \t]*end/, /#[ \t]*endif/)),

    macro_use: ($) =>
      prec.right(
        seq(
          '$',
          field('name', alias(token.immediate(IDENT), $.identifier)),
          // `$NAME.(1)` (a terminating dot before the arguments) is read too.
          optional(token.immediate('.')),
          optional(field('arguments', $.macro_arguments)),
          optional(token.immediate('.')),
        ),
      ),

    macro_arguments: ($) =>
      seq(
        token.immediate('('),
        // an argument may be empty: `$M(a'')` (a definition ending in a separator asks for one)
        optional($.macro_argument),
        repeat(seq(choice("'", '#'), optional($.macro_argument))),
        ')',
      ),

    macro_argument: (_) => token(repeat1(choice(/[^'#()\r\n]/, seq('(', /[^'#()\r\n]*/, ')')))),
  };
}

/** Orchestra rules (instruments, UDOs, statements, expressions). */
function orchestraRules() {
  return {
    _orchestra_item: ($) =>
      choice($.instrument_definition, $.udo_definition, $.struct_definition, $.declare_definition, $._statement),

    instrument_definition: ($) =>
      seq(
        alias($._kw_instr, 'instr'),
        commaSep1(field('name', choice($.number, $.identifier, $.plus_name, $.macro_use))),
        $._eol,
        repeat($._body_item),
        alias($._kw_endin, 'endin'),
      ),

    plus_name: ($) => seq('+', $.identifier),

    _body_item: ($) => $._statement,

    // Classic `opcode name, outtypes, intypes` and Csound 7
    // `opcode name(arg:k, ...):(a, k)`.
    udo_definition: ($) =>
      seq(
        alias($._kw_opcode, 'opcode'),
        field('name', $.identifier),
        choice(
          seq(',', field('output_types', $.udo_types), ',', field('input_types', $.udo_types)),
          seq(
            field('parameters', $.parameter_list),
            optional(seq(':', field('return_types', choice($.type, $.type_list)))),
          ),
        ),
        $._eol,
        repeat($._body_item),
        alias($._kw_endop, 'endop'),
      ),

    udo_types: (_) => /[A-Za-z0-9\[\]]+/,

    parameter_list: ($) =>
      seq('(', optional(commaSep1(choice($.typed_identifier, $.identifier, $.array_declaration))), ')'),

    type_list: ($) => seq('(', optional(commaSep1($.type)), ')'),

    // Csound 7: `struct Point x:k, y:k`; a member may be untyped (`kval`, typed by its name) or an
    // array (`vals:k[]`, `kvals[]`).
    struct_definition: ($) =>
      seq(
        'struct',
        field('name', $.identifier),
        commaSep1(field('member', choice($.typed_identifier, $.identifier, $.array_declaration))),
        $._eol,
      ),

    // Csound 7: `declare name(arg:type, ...):(types)` announces a UDO defined further down.
    declare_definition: ($) =>
      seq(
        'declare',
        field('name', $.identifier),
        field('parameters', $.parameter_list),
        ':',
        field('return_types', choice($.type, $.type_list)),
        $._eol,
      ),

    typed_identifier: ($) => seq(field('name', $.identifier), ':', field('type', $.type)),

    type: ($) =>
      prec.right(seq(field('name', alias($.identifier, $.type_name)), repeat(seq(token.immediate('['), ']')))),

    _statement: ($) =>
      choice(
        $.opcode_statement,
        $.assignment,
        $.expression_statement,
        $.if_statement,
        $.if_goto_statement,
        $.unfinished_condition,
        $.goto_statement,
        $.while_loop,
        $.until_loop,
        $.for_loop,
        $.switch_statement,
        $.break_statement,
        $.continue_statement,
        $.label_statement,
        $.macro_statement,
        $._preprocessor,
      ),

    label_statement: ($) => seq(field('label', alias($._label_name, $.identifier)), ':'),

    // A macro standing for whole statements, e.g. `$SETUP` on its own line.
    macro_statement: ($) => seq($.macro_use, $._eol),

    _output: ($) => choice($.identifier, alias('0dbfs', $.identifier), $.typed_identifier, $.array_declaration, $.array_access, $.member_access),

    // `X Y` with X not a known opcode reads as output X, opcode Y (the
    // dynamic precedence), the way Csound reads `icps cpsmidi`. Csound also
    // takes a comma between the opcode and its first argument
    // (`loop_lt, i1, 1, 10, loop`, `kAmp lfo, 100, 2`).
    opcode_statement: ($) =>
      choice(
        prec.dynamic(
          1,
          seq(
            // An output named like an opcode (`kr, ki op`) only before a comma,
            // and only where `op, x, y` cannot be read (Csound itself takes a
            // known name as the opcode).
            repeat(
              seq(field('output', choice($._output, prec.dynamic(-2, alias($.opcode_name, $.identifier)))), ','),
            ),
            field('output', $._output),
            opcodeAndArguments($),
            $._eol,
          ),
        ),
        seq(opcodeAndArguments($), $._eol),
        // A UDO (a name the scanner does not know) with a comma before its
        // first argument: `MyUdo, 7 - kIndex, iCol`.
        seq(field('opcode', $.identifier), ',', field('arguments', $.argument_list), $._eol),
      ),

    argument_list: ($) => commaSep1($._expression),

    // `a, b = b, a` assigns several at once (Csound 6 reads it as one
    // statement); the dynamic precedence keeps `k1, k2 = 1` from reading as
    // an opcode `k1` whose first argument compares `k2 = 1`.
    assignment: ($) =>
      prec.dynamic(
        2,
        seq(
          commaSep1(field('left', $._output)),
          field('operator', choice('=', '+=', '-=', '*=', '/=')),
          commaSep1(field('right', $._expression)),
          $._eol,
        ),
      ),

    expression_statement: ($) => seq($.call_expression, $._eol),

    _then: (_) => choice('then', 'ithen', 'kthen'),

    if_statement: ($) =>
      seq(
        'if',
        field('condition', $._expression),
        $._then,
        $._eol,
        repeat($._body_item),
        repeat($.elseif_clause),
        optional($.else_clause),
        choice('endif', 'fi'),
      ),

    elseif_clause: ($) =>
      seq('elseif', field('condition', $._expression), $._then, $._eol, repeat($._body_item)),

    else_clause: ($) => seq('else', repeat($._body_item)),

    _goto_keyword: (_) => choice('goto', 'igoto', 'kgoto'),

    if_goto_statement: ($) =>
      seq('if', field('condition', $._expression), $._goto_keyword, field('label', $._goto_target), $._eol),

    goto_statement: ($) => seq($._goto_keyword, field('label', $._goto_target), $._eol),

    // Csound takes a keyword as a label name (`kgoto then` ... `then:`).
    _goto_target: ($) =>
      choice($.identifier, alias(choice('then', 'ithen', 'kthen', 'endif', 'fi', 'else', 'od', 'do'), $.identifier)),

    // `if kX > 1` with the line ending before `then`, a goto or `do`: what a
    // user has while typing. Csound rejects it (the analysis reports it); the
    // parser reads it as one statement so the condition ends at the line
    // break instead of running on into the lines below (which turned a whole
    // 5,000-line file into one error while an `if` was being typed).
    unfinished_condition: ($) =>
      seq(field('keyword', choice('if', 'while', 'until')), field('condition', $._expression), $._eol),

    // `enduntil` is an old spelling of `od` that Csound still reads.
    while_loop: ($) =>
      seq('while', field('condition', $._expression), 'do', $._eol, repeat($._body_item), choice('od', 'enduntil')),

    until_loop: ($) =>
      seq('until', field('condition', $._expression), 'do', $._eol, repeat($._body_item), choice('od', 'enduntil')),

    // Csound 7: `for val in arr do` / `for i, val in arr do` ... `od` (the names may be typed).
    for_loop: ($) =>
      seq(
        'for',
        optional(seq(field('index', $._loop_variable), ',')),
        field('value', $._loop_variable),
        'in',
        field('iterable', $._expression),
        'do',
        $._eol,
        repeat($._body_item),
        choice('od', 'enduntil'),
      ),

    _loop_variable: ($) => choice($.identifier, $.typed_identifier),

    // Csound 7: `switch x` then `case 1, 2` / `default` blocks, closed by `endsw`.
    switch_statement: ($) =>
      seq(
        'switch',
        field('value', $._expression),
        $._eol,
        repeat1(choice($.case_clause, $.default_clause)),
        'endsw',
      ),

    case_clause: ($) => seq('case', field('values', $.argument_list), $._eol, repeat($._body_item)),

    default_clause: ($) => seq('default', $._eol, repeat($._body_item)),

    // Csound 7: leave or go round the innermost loop.
    break_statement: ($) => seq('break', $._eol),
    continue_statement: ($) => seq('continue', $._eol),

    // ---- expressions ---------------------------------------------------
    _expression: ($) =>
      choice(
        $._primary,
        $.unary_expression,
        $.binary_expression,
        $.ternary_expression,
      ),

    _primary: ($) =>
      choice(
        $.identifier,
        alias('0dbfs', $.identifier),
        $.number,
        $.string,
        $.multiline_string,
        $.raw_string,
        $.unterminated_string,
        $.call_expression,
        $.array_access,
        $.array_slice,
        $.member_access,
        $.parenthesized_expression,
        $.array_literal,
        $.array_range,
        $.macro_use,
      ),

    parenthesized_expression: ($) => seq('(', $._expression, ')'),

    array_literal: ($) => seq('[', optional(commaSep1($._expression)), ']'),

    // Csound 7: `[1 ... 8]`, `[0 ... 1, 0.25]` (start, end and an optional step).
    array_range: ($) =>
      seq(
        '[',
        field('start', $._expression),
        '...',
        field('end', $._expression),
        optional(seq(',', field('step', $._expression))),
        ']',
      ),

    // `oscili:a(...)`, and in Csound 7 an array type: `fillarray:k[](1, 2)`.
    // A word directly followed by `(` is a call, as Csound's lexer reads it: `MyUdo i(kx), 1` calls
    // MyUdo with `i(kx)` (the scanner's `_call_name`; a word then `(` after a space is still a name
    // that may be an opcode with a parenthesised first argument).
    call_expression: ($) =>
      seq(
        field('function', choice(alias($._call_name, $.identifier), $.identifier)),
        optional(seq(':', field('rate', $.identifier), repeat(seq(token.immediate('['), ']')))),
        '(',
        optional(field('arguments', $.argument_list)),
        ')',
      ),

    array_access: ($) =>
      prec(
        PREC.postfix,
        seq(
          field('array', choice($.identifier, $.array_access, $.member_access, $.call_expression)),
          token.immediate('['),
          field('index', $._expression),
          ']',
        ),
      ),

    // Csound 7: `arr[1:3]`, `arr[0:8, 2]` (start, end and an optional step).
    array_slice: ($) =>
      prec(
        PREC.postfix,
        seq(
          field('array', $.identifier),
          token.immediate('['),
          field('start', $._expression),
          ':',
          field('end', $._expression),
          optional(seq(',', field('step', $._expression))),
          ']',
        ),
      ),

    array_declaration: ($) => seq(field('name', $.identifier), repeat1(seq(token.immediate('['), ']'))),

    member_access: ($) =>
      prec(
        PREC.postfix,
        seq(
          field('object', choice($.identifier, $.array_access, $.member_access)),
          token.immediate('.'),
          field('member', alias(token.immediate(IDENT), $.identifier)),
        ),
      ),

    unary_expression: ($) =>
      prec(PREC.unary, seq(field('operator', choice('-', '+', '!', '~')), field('operand', $._expression))),

    binary_expression: ($) => {
      const table = [
        [PREC.logical, choice('||', '&&')],
        // A single `=` also compares, as in `if p4 = 0 then`.
        [PREC.compare, choice('==', '!=', '<', '<=', '>', '>=', '=')],
        [PREC.bitor, '|'],
        [PREC.bitand, '&'],
        [PREC.shift, choice('<<', '>>')],
        [PREC.additive, choice('+', '-')],
        [PREC.multiplicative, choice('*', '/', '%')],
        [PREC.power, '^'],
        [PREC.xor, '#'],
      ];
      return choice(
        ...table.map(([level, operator]) =>
          prec.left(
            level,
            seq(field('left', $._expression), field('operator', operator), field('right', $._expression)),
          ),
        ),
      );
    },

    ternary_expression: ($) =>
      prec.right(
        PREC.ternary,
        seq(
          field('condition', $._expression),
          '?',
          field('consequence', $._expression),
          ':',
          field('alternative', $._expression),
        ),
      ),
  };
}

/** Score rules (statements, loops, p-field values). */
function scoreRules() {
  return {
    // Line breaks are whitespace in a score: a statement runs on until the
    // next statement letter, so p-fields may continue on following lines.
    _score_item: ($) => choice($.score_statement, $.score_loop, $._preprocessor, $.macro_use),

    score_statement: ($) =>
      choice(
        prec.right(seq(field('kind', alias($._score_kind, $.statement_kind)), repeat(field('field', $._score_field)))),
        // A line that starts with a letter no statement has (`u 1 2`): Csound's reader stops at it
        // ("illegal opcode"); it is a statement of its own, not more values of the line before.
        prec.right(
          seq(field('kind', alias($._score_illegal_kind, $.statement_kind)), repeat(field('field', $._score_field))),
        ),
        // `m NAME`, `n NAME` and `r COUNT NAME` name a mark or a macro.
        seq(field('kind', alias($._score_name_kind, $.statement_kind)), field('field', $.identifier)),
        // `e` ends the score: Csound ignores whatever follows it.
        prec.right(
          seq(
            field('kind', alias($._score_end_kind, $.statement_kind)),
            repeat(field('field', $._score_field)),
            optional(alias($._score_tail, $.skipped_text)),
          ),
        ),
        prec.right(
          seq(
            field('kind', alias($._score_repeat_kind, $.statement_kind)),
            field('field', $._score_field),
            optional(field('field', $.identifier)),
          ),
        ),
      ),


    // The name is the word after the count on the `{` line, whatever its letter (`{ 5 x`).
    score_loop: ($) =>
      seq(
        '{',
        field('count', choice($.number, $.macro_use, $.score_expression)),
        optional(field('name', alias($._score_loop_name, $.identifier))),
        repeat($._score_item),
        '}',
      ),

    _score_field: ($) =>
      choice(
        alias($.score_number, $.number),
        $.string,
        $.carry,
        $.ramp,
        $.np_reference,
        $.score_expression,
        $.macro_use,
        $.infinity,
        // A word among the p-fields: Csound's score reader skips it (with a
        // message at most) and reads on.
        alias($.identifier, $.score_word),
      ),

    score_number: (_) =>
      token(
        seq(
          optional(choice('-', '+')),
          choice(/[0-9]+\.?[0-9]*([eE][+-]?[0-9]+)?/, /\.[0-9]+([eE][+-]?[0-9]+)?/),
        ),
      ),

    carry: (_) => token(choice('.', '+', '!', /\^[+-][0-9]*\.?[0-9]*/)),

    ramp: (_) => choice('<', '>', '(', ')', '~'),

    np_reference: (_) => token(prec(1, /[np]p[0-9]+/)),

    score_expression: ($) => seq('[', $._score_expr, ']'),

    _score_expr: ($) =>
      choice(
        alias($.score_number, $.number),
        alias('~', $.random),
        $.macro_use,
        $.score_expression,
        alias($._score_paren, $.parenthesized_expression),
        alias($._score_unary, $.unary_expression),
        alias($._score_binary, $.binary_expression),
      ),

    _score_paren: ($) => seq('(', $._score_expr, ')'),

    _score_unary: ($) =>
      prec(4, seq(field('operator', choice('-', '+', '@', '@@')), field('operand', $._score_expr))),

    _score_binary: ($) =>
      choice(
        prec.left(1, seq(field('left', $._score_expr), field('operator', choice('+', '-')), field('right', $._score_expr))),
        prec.left(
          2,
          seq(
            field('left', $._score_expr),
            field('operator', choice('*', '/', '%', '&', '|', '#')),
            field('right', $._score_expr),
          ),
        ),
        prec.left(3, seq(field('left', $._score_expr), field('operator', '^'), field('right', $._score_expr))),
      ),
  };
}

/** CSD container rules (sections, tags, options). */
function csdRules() {
  // One hidden rule per element kind, aliased to start_tag / end_tag, so each
  // tag is a real node holding its name and attributes.
  const startTag = ($, names) =>
    seq('<', field('name', alias(choice(...names), $.tag_name)), repeat($.attribute), '>');
  const endTag = ($, names) => seq(alias($._end_tag_open, '</'), field('name', alias(choice(...names), $.tag_name)), '>');
  const SYNTH = ['CsoundSynthesizer', 'CsoundSynthesiser'];
  const ORC = ['CsInstruments', 'CsOrchestra'];
  return {
    // Csound reads a CSD line by line and skips whatever is not one of its
    // sections: free text, HTML, tags it does not know (`</p>`, `<br>`),
    // elements such as `<Cabbage>` or `<CsHtml5>`. It reads the sections it
    // meets before `<CsoundSynthesizer>` too (a misspelt `<CSoundSynthesizer>`
    // line is skipped, and the end tag then ends the file as read).
    csd_document: ($) =>
      repeat(
        choice(
          $.synthesizer,
          $.options_section,
          $.instruments_section,
          $.score_section,
          $.licence_section,
          $.file_section,
          $._outside_item,
        ),
      ),

    _outside_item: ($) => choice($.unknown_section, $.stray_tag, $.outside_text),

    // A tag Csound skips: an unknown start tag with no end tag before the next
    // section, a lone end tag, or a second `<CsoundSynthesizer>`.
    stray_tag: ($) =>
      choice(
        seq('<', field('name', alias($._stray_tag_name, $.tag_name)), repeat($.attribute), choice('>', '/>')),
        seq(alias($._end_tag_open, '</'), field('name', $.tag_name), '>'),
      ),

    synthesizer: ($) =>
      prec.right(seq(
        alias($._synthesizer_start, $.start_tag),
        repeat(
          choice(
            $.options_section,
            $.instruments_section,
            $.score_section,
            $.licence_section,
            $.file_section,
            $._outside_item,
            alias($._synthesizer_start, $.stray_tag),
          ),
        ),
        // Csound accepts a file that stops without the closing tag.
        optional(alias($._synthesizer_end, $.end_tag)),
      )),
    _synthesizer_start: ($) => startTag($, SYNTH),
    _synthesizer_end: ($) => endTag($, SYNTH),

    attribute: ($) =>
      seq(field('name', $.attribute_name), optional(seq('=', field('value', $.attribute_value)))),

    attribute_name: (_) => /[A-Za-z_:][A-Za-z0-9_:.\-]*/,

    attribute_value: (_) => choice(/"[^"]*"/, /'[^']*'/, /[^\s"'>=]+/),

    options_section: ($) =>
      seq(alias($._options_start, $.start_tag), repeat($.option), alias($._options_end, $.end_tag)),
    _options_start: ($) => startTag($, ['CsOptions']),
    _options_end: ($) => endTag($, ['CsOptions']),

    option: ($) =>
      choice(
        prec.right(
          seq(
            field('flag', $.option_flag),
            optional(
              choice(
                seq(optional(token.immediate('=')), field('value', alias($._attached_value, $.option_value))),
                field('value', choice(alias($._bare_value, $.option_value), $.string)),
              ),
            ),
          ),
        ),
        field('value', choice(alias($._bare_value, $.option_value), $.string)),
      ),

    // `-o`, `-+rtaudio`, `--sample-rate`; for short flags the rest of the
    // word (`-odac`) is the attached value.
    option_flag: (_) => token(choice(/-[A-Za-z0-9?]/, /-\+[A-Za-z0-9_\-]+/, /--[A-Za-z0-9_][A-Za-z0-9_\-]*/)),

    _attached_value: (_) => token.immediate(/[^\s=;][^\s;]*/),

    _bare_value: (_) => /[^\s\-<;"][^\s;]*/,

    instruments_section: ($) =>
      seq(
        alias($._instruments_start, $.start_tag),
        repeat($._orchestra_item),
        alias($._instruments_end, $.end_tag),
      ),
    _instruments_start: ($) => startTag($, ORC),
    _instruments_end: ($) => endTag($, ORC),

    // `<CsScore bin="prog">`: the body is input for `prog`, not Csound score.
    score_section: ($) =>
      choice(
        seq(alias($._score_start, $.start_tag), repeat($._score_item), alias($._score_end, $.end_tag)),
        seq(
          alias($._score_bin_start, $.start_tag),
          optional(alias($._score_bin_text, $.raw_text)),
          alias($._score_end, $.end_tag),
        ),
      ),
    _score_start: ($) => startTag($, ['CsScore']),
    _score_bin_start: ($) =>
      seq(
        '<',
        field('name', alias('CsScore', $.tag_name)),
        repeat($.attribute),
        alias($._bin_attribute, $.attribute),
        repeat($.attribute),
        '>',
      ),
    _bin_attribute: ($) =>
      seq(field('name', alias('bin', $.attribute_name)), '=', field('value', $.attribute_value)),
    _score_end: ($) => endTag($, ['CsScore']),

    licence_section: ($) => rawSection($, $._licence_tag_name),
    file_section: ($) => rawSection($, $._file_tag_name),
    unknown_section: ($) => rawSection($, $._unknown_tag_name),

    _raw_start_licence: ($) => rawStart($, $._licence_tag_name),
    _raw_start_file: ($) => rawStart($, $._file_tag_name),
    _raw_start_unknown: ($) => rawStart($, $._unknown_tag_name),
    _raw_end: ($) => seq(alias($._end_tag_open, '</'), field('name', $.tag_name), '>'),

    tag_name: (_) => /[A-Za-z_][A-Za-z0-9_.:\-]*/,
  };
}

function rawStart($, nameToken) {
  return seq('<', field('name', alias(nameToken, $.tag_name)), repeat($.attribute), choice('>', '/>'));
}

function rawSection($, nameToken) {
  const start = {
    _licence_tag_name: $._raw_start_licence,
    _file_tag_name: $._raw_start_file,
    _unknown_tag_name: $._raw_start_unknown,
  }[nameToken.name];
  return seq(alias(start, $.start_tag), optional($.raw_text), alias($._raw_end, $.end_tag));
}

module.exports = function defineGrammar(dialect) {
  const names = { csd: 'csound', orc: 'csound_orc', sco: 'csound_sco' };
  // Every language carries every node type (the other dialects' rules sit
  // behind a token the scanner never produces), so one set of queries
  // compiles against all three.
  const unreachable = ($, ...rules) => seq($._never, choice(...rules));
  const roots = {
    csd: {},
    orc: {
      orchestra: ($) => repeat(choice($._orchestra_item, $._other_dialects)),
      _other_dialects: ($) => unreachable($, $.synthesizer, $.unknown_section, $._score_item),
    },
    sco: {
      score: ($) => repeat(choice($._score_item, $._other_dialects)),
      _other_dialects: ($) => unreachable($, $.synthesizer, $.unknown_section, $._orchestra_item),
    },
  };
  if (!(dialect in names)) throw new Error(`unknown Csound dialect ${dialect}`);
  const csd = csdRules();
  if (dialect !== 'csd') delete csd.csd_document;
  const rules = { ...roots[dialect], ...csd, ...orchestraRules(), ...scoreRules(), ...commonRules() };

  const conflicts = ($) => [
    [$._output, $.opcode_statement],
    [$.argument_list, $.parenthesized_expression],
    [$.call_expression, $._primary],
    [$.opcode_statement, $.assignment],
    [$.opcode_statement],
  ];

  return grammar({
    name: names[dialect],
    extras: ($) => [/\s/, /\\[ \t]*(;[^\r\n]*)?(\r\n|\r|\n)/, $.comment],
    externals: ($) => [
      $.opcode_name,
      $._label_name,
      $._newline,
      $._licence_tag_name,
      $._file_tag_name,
      $._unknown_tag_name,
      $.raw_text,
      $.outside_text,
      // Score statement letters (`i1` is `i` then `1`), read by the scanner so
      // that a word such as `i1` is never read as one name.
      $._score_kind,
      $._score_name_kind,
      $._score_repeat_kind,
      // `e` (or a word starting a line with it, such as a stray `endin`), and
      // the text after it up to the end of the score, which Csound skips.
      $._score_end_kind,
      $._score_tail,
      // `z`, an infinite duration.
      $.infinity,
      // `instr`, `endin`, `opcode`, `endop`: read by the scanner wherever a
      // statement starts, even where they cannot stand, so an unfinished
      // instrument ends in an error (and a missing `endin`) rather than
      // taking the next instrument in as an opcode called `instr`.
      $._kw_instr,
      $._kw_endin,
      $._kw_opcode,
      $._kw_endop,
      $._end_tag_open,
      // The body of `<CsScore bin=...>`, up to `</CsScore`.
      $._score_bin_text,
      // An unknown tag with no end tag before the next section.
      $._stray_tag_name,
      // Every other word: keywords are reserved, so the scanner reads words.
      $.identifier,
      // `{{ ... }}`, read by the scanner: Csound 7 nests `{{ }}` inside it, Csound 6 ends at the
      // first `}}` (the scanner takes the nested reading only where it closes).
      $.multiline_string,
      // A word directly followed by `(`: a call's name (never the opcode of a statement with outputs).
      $._call_name,
      // The word after a score loop's count on its line.
      $._score_loop_name,
      // A word starting a score line with a letter no statement has.
      $._score_illegal_kind,
      // Never produced: guards the other dialects' rules (see `unreachable`).
      $._never,
      // Never used in a rule: valid only during error recovery, which tells
      // the scanner that every symbol is being offered.
      $._error_sentinel,
    ],
    conflicts,
    supertypes: ($) => [$._expression],
    rules,
  });
};
