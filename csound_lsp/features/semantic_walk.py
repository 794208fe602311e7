"""Semantic tokens: what each word of a Csound file *is*, for editors to colour (the walk).

The tree says where tokens are; the model says what an identifier means (a variable and its rate, a
global, a label, a UDO, an instrument, a macro), which a TextMate grammar cannot know. Standard token
types are used wherever one fits, so any theme colours them; Csound's rates are extra modifiers
(`aRate`, `kRate`, `iRate`, `string`, `fsig`) and globals carry both `global` and `static`.

This module is the walk and the encoding; `semantic_cache` (per item) and `semantic_tokens` (the
requests, per document) sit above it, so neither has to import the other's caller.
"""

from __future__ import annotations

from collections.abc import Callable

from lsprotocol import types
from tree_sitter import Node, TreeCursor

from csound_lsp.catalog.opcodes import default_catalog
from csound_lsp.features.name_keys import instrument_key
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import full_model
from csound_lsp.syntax.model import HEADER_NAMES, DocumentModel, is_global_name

TOKEN_TYPES = [
    "keyword", "function", "variable", "parameter", "macro", "label", "class", "number", "string",
    "comment", "operator", "type", "namespace",
]  # fmt: skip
TOKEN_MODIFIERS = [
    "declaration", "readonly", "static", "defaultLibrary", "global", "aRate", "kRate", "iRate", "string",
    "fsig", "wsig", "boolean", "array",
]  # fmt: skip
LEGEND = types.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=TOKEN_MODIFIERS)

_T = {name: index for index, name in enumerate(TOKEN_TYPES)}
_M = {name: 1 << index for index, name in enumerate(TOKEN_MODIFIERS)}
(
    KEYWORD,
    FUNCTION,
    VARIABLE,
    PARAMETER,
    MACRO,
    LABEL,
    CLASS,
    NUMBER,
    STRING,
    COMMENT,
    OPERATOR,
    TYPE,
    NAMESPACE,
) = range(len(TOKEN_TYPES))
_RATE_MODIFIER = {
    "a": "aRate",
    "k": "kRate",
    "i": "iRate",
    "S": "string",
    "f": "fsig",
    "w": "wsig",
    "b": "boolean",
}

_OPERATORS = frozenset(
    [
        "!",
        "!=",
        "#",
        "%",
        "&",
        "&&",
        "*",
        "*=",
        "+",
        "+=",
        "-",
        "-=",
        "/",
        "/=",
        "<",
        "<<",
        "<=",
        "=",
        "==",
        ">",
        ">=",
        ">>",
        "?",
        "@",
        "@@",
        "^",
        "|",
        "||",
        "~",
    ]
)
_LEAF_TYPES = {
    "comment": COMMENT,
    "string": STRING,
    "multiline_string": STRING,
    "raw_string": STRING,
    "include_path": STRING,
    "number": NUMBER,
    "opcode_name": FUNCTION,
    "statement_kind": KEYWORD,
    "tag_name": NAMESPACE,
    "udo_types": TYPE,
    "type_name": TYPE,
    "carry": OPERATOR,
    "ramp": OPERATOR,
    "infinity": KEYWORD,
    "np_reference": PARAMETER,
    "option_flag": PARAMETER,
}
#: Nodes whose insides are opaque text: no tokens inside them.
_OPAQUE = frozenset({"macro_body", "raw_text", "macro_arguments", "attribute_value", "outside_text"})
_DIRECTIVES = frozenset(
    {"define_directive", "undef_directive", "include_directive", "ifdef_directive", "ifndef_directive",
     "else_directive", "end_directive"}
)  # fmt: skip


#: The nodes whose tokens are cached one by one (`semantic_cache`).
ITEM_TYPES = frozenset({"instrument_definition", "udo_definition"})

#: One token in absolute coordinates: (line, start column, length in client units, type, modifiers).
Token = tuple[int, int, int, int, int]


def variable_bits(name: str, rate: str | None, is_array: bool) -> int:
    bits = _M.get(_RATE_MODIFIER.get(rate or "", ""), 0)
    if is_global_name(name):
        bits |= _M["global"] | _M["static"]
    if is_array:
        bits |= _M["array"]
    return bits


def classify(model: DocumentModel) -> dict[int, tuple[int, int]]:
    """Token type and modifiers for identifiers (and instrument numbers/strings), by start byte."""
    table: dict[int, tuple[int, int]] = {}
    scopes = [model.global_scope, *model.scopes]
    for scope in scopes:
        for variable in scope.variables.values():
            name = variable.name
            if name[:1] == "p" and name[1:].isdigit():
                kind, bits = PARAMETER, _M["iRate"]
            elif name in HEADER_NAMES:
                kind, bits = VARIABLE, _M["readonly"] | _M["defaultLibrary"]
            else:
                kind, bits = VARIABLE, variable_bits(name, variable.rate, variable.is_array)
            for ref in variable.definitions:
                table[ref.start_byte] = (kind, bits | _M["declaration"])
            for ref in variable.uses:
                table[ref.start_byte] = (kind, bits)
        for label in scope.labels.values():
            if label.definition is not None:
                table[label.definition.start_byte] = (LABEL, _M["declaration"])
            for ref in label.uses:
                table[ref.start_byte] = (LABEL, 0)
        catalog = default_catalog()
        for call in scope.calls:
            if call.name in model.udos:
                table[call.ref.start_byte] = (FUNCTION, 0)
            elif call.name in catalog:
                table[call.ref.start_byte] = (FUNCTION, _M["defaultLibrary"])
            else:  # a UDO from an included file, most likely
                table[call.ref.start_byte] = (FUNCTION, 0)
    for setting in model.header.values():
        table[setting.start_byte] = (VARIABLE, _M["readonly"] | _M["defaultLibrary"] | _M["declaration"])
    for udo in model.udos.values():
        table[udo.ref.start_byte] = (FUNCTION, _M["declaration"])
    for macro in model.macros.values():
        table[macro.ref.start_byte] = (MACRO, _M["declaration"])
    for ref in model.macro_tests:
        table[ref.start_byte] = (MACRO, 0)
    for instrument in model.instruments:
        for instrument_name in instrument.names:
            table[instrument_name.ref.start_byte] = (CLASS, _M["declaration"])
    for ref in model.instrument_refs:
        if instrument_key(ref.name, ref.start_byte) is not None:
            table[ref.start_byte] = (CLASS, 0)
    return table


class Emitter:
    """Collects tokens, splitting multi-line ones and converting bytes to client columns."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.source = document.source
        self.index = document.index
        self.tokens: list[Token] = []
        #: Column = byte column on ASCII lines, the common case; other lines convert.
        self.all_ascii = document.source.isascii()
        self.ascii_lines: dict[int, bool] = {}

    def add(self, start: int, end: int, row: int, column: int, kind: int, bits: int) -> None:
        if end <= start:
            return
        if self.source.find(b"\n", start, end) >= 0 or self.source.find(b"\r", start, end) >= 0:
            line_starts = self.index.line_starts
            offset = start
            line = row
            while offset < end:
                next_start = line_starts[line + 1] if line + 1 < len(line_starts) else len(self.source)
                piece_end = min(end, next_start)
                text_end = piece_end
                while text_end > offset and self.source[text_end - 1] in (10, 13):
                    text_end -= 1
                if text_end > offset:
                    self._one(offset, text_end, line, kind, bits)
                offset = piece_end
                line += 1
            return
        if self.all_ascii or self._line_ascii(row):
            self.tokens.append((row, column, end - start, kind, bits))
        else:
            self._one(start, end, row, kind, bits)

    def _line_ascii(self, row: int) -> bool:
        known = self.ascii_lines.get(row)
        if known is None:
            known = self.index.line_bytes(row).isascii()
            self.ascii_lines[row] = known
        return known

    def _one(self, start: int, end: int, row: int, kind: int, bits: int) -> None:
        first = self.index.position(start)
        last = self.index.position(end)
        if last.character > first.character:
            self.tokens.append((first.line, first.character, last.character - first.character, kind, bits))


def _walk(document: Document, emit: Emitter, start_byte: int, end_byte: int) -> None:
    walk_nodes(
        document.tree.walk(), classify(full_model(document)), document.source, emit.add, start_byte, end_byte
    )


def walk_nodes(
    cursor: TreeCursor,
    table: dict[int, tuple[int, int]],
    source: bytes,
    add: AddFn,
    start_byte: int = 0,
    end_byte: int | None = None,
    on_item: Callable[[Node], None] | None = None,
) -> None:
    """Emits the tokens of the cursor's subtree overlapping the byte range, identifiers classified by
    `table`. With `on_item`, instrument and UDO definitions are handed to it instead of walked."""
    if end_byte is None:
        end_byte = len(source)
    descend = True
    while True:
        node = cursor.node
        assert node is not None
        node_start, node_end = node.start_byte, node.end_byte
        visit_children = False
        if node_end < start_byte or node_start > end_byte:
            pass
        else:
            node_type = node.type
            if node.child_count == 0:
                row, column = node.start_point
                if node_type == "identifier":
                    kind, bits = table.get(node_start, (VARIABLE, 0))
                    add(node_start, node_end, row, column, kind, bits)
                elif node_type in _LEAF_TYPES:
                    kind, bits = table.get(node_start, (_LEAF_TYPES[node_type], 0))
                    if node_type == "opcode_name":
                        bits = _M["defaultLibrary"]
                    add(node_start, node_end, row, column, kind, bits)
                elif not node.is_named:
                    if node_type in _OPERATORS:
                        add(node_start, node_end, row, column, OPERATOR, 0)
                    elif node_type.isalpha() or node_type in ("{", "}"):
                        add(node_start, node_end, row, column, KEYWORD, 0)
                elif node_type in _DIRECTIVES:
                    _directive(node, source, add)
            elif on_item is not None and node_type in ITEM_TYPES:
                on_item(node)
            elif node_type == "macro_use":
                _macro_use(node, source, add)
            elif node_type in _DIRECTIVES:
                _directive(node, source, add)
                visit_children = True
            elif node_type in ("string", "number") or node_type in _OPAQUE:
                row, column = node.start_point
                if node_type in ("string", "number"):
                    kind, bits = table.get(node_start, (_LEAF_TYPES[node_type], 0))
                    add(node_start, node_end, row, column, kind, bits)
            else:
                visit_children = True
        if visit_children and descend and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


AddFn = Callable[[int, int, int, int, int, int], None]


def _directive(node: Node, source: bytes, add: AddFn) -> None:
    """`#define`, `#include`...: the directive word itself is not a leaf of its own."""
    first_named = node.named_children[0] if node.named_child_count else None
    end = first_named.start_byte if first_named is not None else node.end_byte
    word_end = node.start_byte
    while word_end < end and source[word_end] not in b' \t\r\n("<|':
        word_end += 1
    row, column = node.start_point
    add(node.start_byte, word_end, row, column, KEYWORD, 0)


def _macro_use(node: Node, source: bytes, add: AddFn) -> None:
    """`$NAME.` or `$NAME(args)`: the `$`, the name and a closing `.` are one macro token."""
    name = node.child_by_field_name("name")
    end = name.end_byte if name is not None else node.end_byte
    if end < len(source) and source[end : end + 1] == b"." and end < node.end_byte:
        end += 1
    row, column = node.start_point
    add(node.start_byte, end, row, column, MACRO, 0)


def walk_tokens(document: Document, start_byte: int, end_byte: int) -> list[Token]:
    """Tokens overlapping the byte range from the document's full model, in order."""
    emit = Emitter(document)
    _walk(document, emit, start_byte, end_byte)
    emit.tokens.sort()
    return emit.tokens


def reference_tokens(document: Document) -> list[Token]:
    """The whole document's tokens from its full model in one walk: what the per-item cache equals."""
    return walk_tokens(document, 0, len(document.source))


def decode(data: list[int]) -> list[Token]:
    """`encode` undone: absolute tokens from LSP's relative integers."""
    found: list[Token] = []
    line = start = 0
    for index in range(0, len(data), 5):
        delta_line, delta_start, length, kind, bits = data[index : index + 5]
        line += delta_line
        start = start + delta_start if delta_line == 0 else delta_start
        found.append((line, start, length, kind, bits))
    return found


def encode(found: list[Token]) -> list[int]:
    """LSP's relative encoding: five integers per token."""
    data: list[int] = []
    previous_line = 0
    previous_start = 0
    extend = data.extend
    for line, start, length, kind, bits in found:
        delta_line = line - previous_line
        extend((delta_line, start - previous_start if delta_line == 0 else start, length, kind, bits))
        previous_line, previous_start = line, start
    return data
