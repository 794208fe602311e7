"""Semantic tokens: what each word of a Csound file *is*, for editors to colour.

The tree says where tokens are; the model says what an identifier means (a variable and its rate, a
global, a label, a UDO, an instrument, a macro), which a TextMate grammar cannot know. Standard token
types are used wherever one fits, so any theme colours them; Csound's rates are extra modifiers
(`aRate`, `kRate`, `iRate`, `string`, `fsig`) and globals carry both `global` and `static`.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from lsprotocol import types
from tree_sitter import Node, TreeCursor

from csound_lsp.catalog.opcodes import default_catalog
from csound_lsp.features.targets import instrument_key
from csound_lsp.syntax.document import Document
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
        document.tree.walk(), classify(document.model), document.source, emit.add, start_byte, end_byte
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


#: Each document's current text (a new text is a new bytes object) with its whole-document encoded
#: tokens, once asked for the token list, and the catalog they were classified with.
_CACHE: weakref.WeakKeyDictionary[Document, tuple[bytes, list[int], list[Token] | None, object]] = (
    weakref.WeakKeyDictionary()
)


def reference_tokens(document: Document) -> list[Token]:
    """The whole document's tokens from its full model in one walk: what the per-item cache equals."""
    emit = Emitter(document)
    _walk(document, emit, 0, len(document.source))
    emit.tokens.sort()
    return emit.tokens


def tokens(document: Document, start_byte: int = 0, end_byte: int | None = None) -> list[Token]:
    """Tokens overlapping the byte range (the whole document by default), in order.

    Whole-document answers come from the per-item cache (`semantic_cache`) and are kept per text, so a
    range, full and delta request for the same version of a document share one computation.
    """
    whole = start_byte <= 0 and (end_byte is None or end_byte >= len(document.source))
    if whole:
        _data, found = _whole(document, want_tokens=True)
        assert found is not None
        return found
    emit = Emitter(document)
    _walk(document, emit, start_byte, len(document.source) if end_byte is None else end_byte)
    emit.tokens.sort()
    return emit.tokens


def _whole(document: Document, *, want_tokens: bool) -> tuple[list[int], list[Token] | None]:
    from csound_lsp.features.semantic_cache import document_tokens

    source = document.source
    catalog = default_catalog()  # which calls are Csound's opcodes: the installed Csound's merge in later
    cached = _CACHE.get(document)
    if cached is None or cached[0] is not source or cached[3] is not catalog:
        computed = document_tokens(document)
        cached = (source, computed.data, computed.tokens() if want_tokens else None, catalog)
    elif want_tokens and cached[2] is None:
        cached = (source, cached[1], decode(cached[1]), catalog)
    _CACHE[document] = cached
    return cached[1], cached[2]


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


def full(document: Document) -> list[int]:
    return _whole(document, want_tokens=False)[0]


def in_range(document: Document, range_: types.Range) -> list[int]:
    from csound_lsp.features.convert import span_from_lsp

    span = span_from_lsp(range_)
    # The whole document's tokens, filtered: the same tokens a walk of the range would find (a token
    # that starts in the range comes from a node that overlaps it), without the full model. Decoded
    # only as far as the range's last line.
    data = _whole(document, want_tokens=False)[0]
    low = (span.start.line, span.start.character)
    high = (span.end.line, span.end.character)
    found: list[Token] = []
    line = start = 0
    for index in range(0, len(data), 5):
        delta_line = data[index]
        line += delta_line
        start = start + data[index + 1] if delta_line == 0 else data[index + 1]
        if line > high[0]:
            break
        if low <= (line, start) < high:
            found.append((line, start, data[index + 2], data[index + 3], data[index + 4]))
    return encode(found)


def edits(previous: list[int], current: list[int]) -> list[types.SemanticTokensEdit]:
    """One edit turning `previous` into `current`: the differing middle, on whole-token boundaries."""
    if previous == current:
        return []
    limit = min(len(previous), len(current))
    prefix = _common_prefix(previous, current, limit)
    prefix -= prefix % 5
    suffix = _common_suffix(previous, current, limit - prefix)
    suffix -= suffix % 5
    return [
        types.SemanticTokensEdit(
            start=prefix,
            delete_count=len(previous) - prefix - suffix,
            data=current[prefix : len(current) - suffix],
        )
    ]


_CHUNK = 2048


def _common_prefix(a: list[int], b: list[int], limit: int) -> int:
    """How many leading items match, compared a slice at a time (a 5,000-line file has ~250,000)."""
    at = 0
    while at + _CHUNK <= limit and a[at : at + _CHUNK] == b[at : at + _CHUNK]:
        at += _CHUNK
    while at < limit and a[at] == b[at]:
        at += 1
    return at


def _common_suffix(a: list[int], b: list[int], limit: int) -> int:
    """How many trailing items match, at most `limit`."""
    count = 0
    end_a, end_b = len(a), len(b)
    while (
        count + _CHUNK <= limit
        and a[end_a - count - _CHUNK : end_a - count] == b[end_b - count - _CHUNK : end_b - count]
    ):
        count += _CHUNK
    while count < limit and a[end_a - 1 - count] == b[end_b - 1 - count]:
        count += 1
    return count
