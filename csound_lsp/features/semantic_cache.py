"""Semantic tokens at keystroke cost: each instrument and UDO's tokens kept in its item entry.

A keystroke changes one instrument or UDO, yet a full request walks every node of the document. So the
tokens of each instrument and UDO definition are kept in its item entry (`syntax.items`: keyed by
its bytes from the start of its first line, which fixes its columns), with lines relative to its first
line and already in LSP's relative encoding: an item that only moved is reused as is, and the answer
is the concatenation of the items' encodings with the first token of each re-based. Only the global
statements (header, score, macros) are walked on every version, and they are short.

What an item's tokens read from the rest of the document is recorded as a symbol and resolved on
every version: the rate and array-ness of the globals it names (decided where the global first appears),
whether a name without a rate letter is a global made above it, whether an opcode of Csound's is
shadowed by a UDO, and whether its UDO or macro definitions are the first of their name. When a
resolution changes, that item alone is walked again. The result equals `semantic_walk.reference_tokens`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from csound_lsp.catalog.opcodes import default_catalog
from csound_lsp.features import semantic_walk as st
from csound_lsp.features.name_keys import instrument_key
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import item_model
from csound_lsp.syntax.items import Slot
from csound_lsp.syntax.model import HEADER_NAMES, DocumentModel, Scope, Variable, rate_of
from csound_lsp.syntax.model_builder import ModelBuilder

_WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
_DECLARATION = st._M["declaration"]
_LIBRARY = st._M["defaultLibrary"]
_PARAMETER_BITS = st._M["iRate"]
_HEADER_BITS = st._M["readonly"] | st._M["defaultLibrary"]

#: A token type and modifiers, or a symbol resolved per version (see `_resolve`):
#: ("g", name, declaration): a global-scope variable;
#: ("r", name, declaration, local bits): a name without a rate letter (a global's if one was made above);
#: ("c", name): a call of one of Csound's opcodes (a UDO of that name shadows it);
#: ("u", name, start) / ("m", name, start): a UDO / macro definition, a declaration if the first.
Class = tuple[int, int]
Symbol = tuple[str, str, int, int] | tuple[str, str, int] | tuple[str, str]


@dataclass
class _Item:
    """One cached instrument or UDO: offsets relative to its start, lines to its first line."""

    words: frozenset[str]
    #: The file's UDO names among `words`: `MyUdo kIn` reads as a call only for those.
    udo_seen: frozenset[str]
    template: dict[int, Class | Symbol]
    symbols: list[Symbol]
    #: Global-scope variables it names: rate where it made them, whether it made them arrays.
    globals_: dict[str, tuple[str | None, bool]]
    #: Names without a rate letter it declares as arrays (a global's, if the name is one above).
    rateless_arrays: frozenset[str]
    udo_defs: list[tuple[str, int]]
    macro_defs: list[tuple[str, int]]
    #: The catalog its template read (which calls are Csound's opcodes).
    catalog: object
    #: Its tokens as last computed, replaced whole (another thread may be reading the last one).
    rendered: _Rendered | None = None


@dataclass(frozen=True)
class _Rendered:
    """An item's tokens for one resolution of its symbols."""

    #: The resolutions its tokens were computed with.
    resolved: tuple[Class | None, ...]
    tokens: list[st.Token]
    #: `tokens` encoded, the first token's five integers left out (they depend on what precedes).
    rest: list[int]


@dataclass
class _Facts:
    """Document-wide facts the symbols resolve against."""

    #: name -> (position of the chunk that made it, its rate there).
    rates: dict[str, tuple[int, str | None]]
    arrays: set[str]
    #: Names without a rate letter made global by a global statement, and where.
    rateless: dict[str, int]
    udos: dict[str, int]
    macros: dict[str, tuple[int, int]]


@dataclass
class Result:
    """A version's tokens, encoded; `tokens()` gives them absolute."""

    data: list[int]

    def tokens(self) -> list[st.Token]:
        return st.decode(self.data)


_TOKENS: Slot[_Item] = Slot("semantic tokens")


class _GlobalPass(ModelBuilder):
    """The global statements only: instruments and UDOs are collected, not visited."""

    def __init__(self, source: bytes, root: Node) -> None:
        super().__init__(source, root, skip_bodies=True)
        self.items: list[Node] = []

    def visit_children(self, node: Node, scope: Scope) -> None:
        for child in node.named_children:
            kind = child.type
            if kind in st.ITEM_TYPES:
                self.items.append(child)
            else:
                self.visit(child, scope)

    def on_instrument_definition(self, node: Node, scope: Scope) -> None:
        self.items.append(node)

    def on_udo_definition(self, node: Node, scope: Scope) -> None:
        self.items.append(node)


def document_tokens(document: Document) -> Result:
    """The whole document's tokens, each instrument and UDO from the cache unless its bytes changed."""
    # Lone carriage returns need no detour: the parser reads them as newlines, so tree rows are lines
    # (and an item's key, from the last `\n` before it, holds at least its first line).
    source = document.source
    root = document.tree.root_node
    globals_pass = _GlobalPass(source, root)
    udo_names = globals_pass.udo_names = globals_pass.collect_udo_names()
    globals_pass.visit_children(root, globals_pass.global_scope)
    model = globals_pass.model
    placed: list[tuple[Node, int, _Item]] = []
    emit = st.Emitter(document)
    catalog = default_catalog()
    for node in globals_pass.items:
        entry = document.items.entry(source, node)
        item = entry.get(_TOKENS)
        if item is None or item.catalog is not catalog or (udo_names & item.words) != item.udo_seen:
            item = _new_item(document, node, udo_names)
            entry.put(_TOKENS, item)
        placed.append((node, node.start_byte, item))
    facts = _facts(model, placed)
    table = _global_table(model, facts)

    data: list[int] = []
    previous = [0, 0]
    pending = iter(placed)

    def flush() -> None:
        emit.tokens.sort()
        line, start = previous
        extend = data.extend
        for t_line, t_start, length, kind, bits in emit.tokens:
            delta = t_line - line
            extend((delta, t_start - start if delta == 0 else t_start, length, kind, bits))
            line, start = t_line, t_start
        previous[0], previous[1] = line, start
        emit.tokens = []

    def on_item(node: Node) -> None:
        flush()
        placed_node, base, item = next(pending, (None, 0, None))
        if placed_node is None or item is None or placed_node.id != node.id:
            raise _Unmatched
        resolved = tuple(_resolve(symbol, base, facts) for symbol in item.symbols)
        rendered = item.rendered
        if rendered is None or resolved != rendered.resolved:
            rendered = item.rendered = _walk_item(emit, source, node, item, resolved)
        if not rendered.tokens:
            return
        row = node.start_point.row
        first_line, first_start, length, kind, bits = rendered.tokens[0]
        line = row + first_line
        delta = line - previous[0]
        data.extend((delta, first_start - previous[1] if delta == 0 else first_start, length, kind, bits))
        data.extend(rendered.rest)
        last = rendered.tokens[-1]
        previous[0], previous[1] = row + last[0], last[1]

    try:
        st.walk_nodes(root.walk(), table, source, emit.add, on_item=on_item)
    except _Unmatched:
        return Result(st.encode(st.reference_tokens(document)))
    if next(pending, None) is not None:
        return Result(st.encode(st.reference_tokens(document)))
    flush()
    return Result(data)


class _Unmatched(Exception):
    """The token walk met an item the model walk did not (odd error recovery): no shortcut then."""


def _new_item(document: Document, node: Node, udo_names: set[str]) -> _Item:
    base = node.start_byte
    words = frozenset(w.decode() for w in _WORD.findall(document.source, base, node.end_byte))
    model = item_model(document, node, udo_names & words)
    template, symbols = _template(model, base)
    scopes = [model.global_scope, *model.scopes]
    return _Item(
        words,
        frozenset(udo_names & words),
        template,
        symbols,
        {n: (v.rate, v.is_array) for n, v in model.global_scope.variables.items()},
        frozenset(
            n for s in model.scopes for n, v in s.variables.items() if v.is_array and rate_of(n) is None
        )
        if len(scopes) > 1
        else frozenset(),
        [(name, udo.ref.start_byte - base) for name, udo in model.udos.items()],
        [(name, macro.ref.start_byte - base) for name, macro in model.macros.items()],
        default_catalog(),
    )


def _walk_item(
    emit: st.Emitter, source: bytes, node: Node, item: _Item, resolved: tuple[Class | None, ...]
) -> _Rendered:
    """The item's tokens with its symbols resolved as given, relative to its first line."""
    base = node.start_byte
    values = dict(zip(item.symbols, resolved, strict=True))
    table: dict[int, Class] = {}
    for offset, value in item.template.items():
        if isinstance(value[0], str):
            found = values[value]
            if found is not None:
                table[offset + base] = found
        else:
            table[offset + base] = value
    saved = emit.tokens
    emit.tokens = []
    st.walk_nodes(node.walk(), table, source, emit.add)
    emit.tokens.sort()
    row = node.start_point.row
    tokens = [(line - row, start, length, kind, bits) for line, start, length, kind, bits in emit.tokens]
    emit.tokens = saved
    rest: list[int] = []
    if tokens:
        line, start = tokens[0][0], tokens[0][1]
        for t_line, t_start, length, kind, bits in tokens[1:]:
            delta = t_line - line
            rest.extend((delta, t_start - start if delta == 0 else t_start, length, kind, bits))
            line, start = t_line, t_start
    return _Rendered(resolved, tokens, rest)


def _variable_class(variable: Variable) -> Class | None:
    """Classes that never depend on the rest of the document; None where they might."""
    name = variable.name
    if name[:1] == "p" and name[1:].isdigit():
        return st.PARAMETER, _PARAMETER_BITS
    if name in HEADER_NAMES:
        return st.VARIABLE, _HEADER_BITS
    return None


def _template(model: DocumentModel, base: int) -> tuple[dict[int, Class | Symbol], list[Symbol]]:
    """`semantic_walk.classify` for one item's model, relative to its start, with symbols."""
    table: dict[int, Class | Symbol] = {}
    catalog = default_catalog()
    for scope in [model.global_scope, *model.scopes]:
        is_global = scope is model.global_scope
        for variable in scope.variables.values():
            name = variable.name
            fixed = _variable_class(variable)
            plain: Class | Symbol
            declared: Class | Symbol
            if fixed is not None:
                plain, declared = fixed, (fixed[0], fixed[1] | _DECLARATION)
            elif is_global:
                plain, declared = ("g", name, 0), ("g", name, _DECLARATION)
            else:
                bits = st.variable_bits(name, variable.rate, variable.is_array)
                if rate_of(name) is None:
                    plain, declared = ("r", name, 0, bits), ("r", name, _DECLARATION, bits)
                else:
                    plain, declared = (st.VARIABLE, bits), (st.VARIABLE, bits | _DECLARATION)
            for ref in variable.definitions:
                table[ref.start_byte - base] = declared
            for ref in variable.uses:
                table[ref.start_byte - base] = plain
        for label in scope.labels.values():
            if label.definition is not None:
                table[label.definition.start_byte - base] = (st.LABEL, _DECLARATION)
            for ref in label.uses:
                table[ref.start_byte - base] = (st.LABEL, 0)
        for call in scope.calls:
            table[call.ref.start_byte - base] = ("c", call.name) if call.name in catalog else (st.FUNCTION, 0)
    for setting in model.header.values():
        table[setting.start_byte - base] = (st.VARIABLE, _HEADER_BITS | _DECLARATION)
    for udo in model.udos.values():
        table[udo.ref.start_byte - base] = ("u", udo.name, udo.ref.start_byte - base)
    for macro in model.macros.values():
        table[macro.ref.start_byte - base] = ("m", macro.name, macro.ref.start_byte - base)
    for ref in model.macro_tests:
        table[ref.start_byte - base] = (st.MACRO, 0)
    for instrument in model.instruments:
        for instrument_name in instrument.names:
            table[instrument_name.ref.start_byte - base] = (st.CLASS, _DECLARATION)
    for ref in model.instrument_refs:
        if instrument_key(ref.name, ref.start_byte) is not None:
            table[ref.start_byte - base] = (st.CLASS, 0)
    symbols = list(dict.fromkeys(v for v in table.values() if isinstance(v[0], str)))
    return table, symbols


def _facts(model: DocumentModel, placed: list[tuple[Node, int, _Item]]) -> _Facts:
    """Merges the global statements' facts with the items', in document order."""
    rates: dict[str, tuple[int, str | None]] = {}
    arrays: set[str] = set()
    rateless: dict[str, int] = {}
    for name, variable in model.global_scope.variables.items():
        made = min((r.start_byte for r in (*variable.definitions, *variable.uses)), default=0)
        rates[name] = (made, variable.rate)
        if variable.is_array:
            arrays.add(name)
        if rate_of(name) is None:
            rateless[name] = made
    udos: dict[str, int] = {}
    macros = {name: (m.ref.start_byte, m.ref.start_byte) for name, m in model.macros.items()}
    for _, base, item in placed:
        for name, (rate, is_array) in item.globals_.items():
            known = rates.get(name)
            if known is None or base < known[0]:
                rates[name] = (base, rate)
            if is_array:
                arrays.add(name)
        for name in item.rateless_arrays:
            if rateless.get(name, base) < base:
                arrays.add(name)
        for name, offset in item.udo_defs:
            udos.setdefault(name, base + offset)
        for name, offset in item.macro_defs:
            known_macro = macros.get(name)
            if known_macro is None or base < known_macro[0]:
                macros[name] = (base, base + offset)
    return _Facts(rates, arrays, rateless, udos, macros)


def _resolve(symbol: Symbol, base: int, facts: _Facts) -> Class | None:
    tag, name = symbol[0], symbol[1]
    if tag == "g":
        rate = facts.rates[name][1] if name in facts.rates else rate_of(name)
        return st.VARIABLE, st.variable_bits(name, rate, name in facts.arrays) | symbol[2]  # type: ignore[misc]
    if tag == "r":
        made = facts.rateless.get(name)
        if made is not None and made < base:
            rate = facts.rates[name][1]
            return st.VARIABLE, st.variable_bits(name, rate, name in facts.arrays) | symbol[2]  # type: ignore[misc]
        return st.VARIABLE, symbol[3] | symbol[2]  # type: ignore[misc]
    if tag == "c":
        return (st.FUNCTION, 0) if name in facts.udos else (st.FUNCTION, _LIBRARY)
    if tag == "u":
        return (st.FUNCTION, _DECLARATION) if facts.udos.get(name) == base + symbol[2] else None  # type: ignore[misc]
    known = facts.macros.get(name)
    return (st.MACRO, _DECLARATION) if known is not None and known[1] == base + symbol[2] else None  # type: ignore[misc]


def _global_table(model: DocumentModel, facts: _Facts) -> dict[int, Class]:
    """`semantic_walk.classify` for the global statements, with the document-wide facts."""
    table: dict[int, Class] = {}
    catalog = default_catalog()
    scope = model.global_scope
    for variable in scope.variables.values():
        name = variable.name
        fixed = _variable_class(variable)
        if fixed is None:
            rate = facts.rates[name][1]
            fixed = st.VARIABLE, st.variable_bits(name, rate, name in facts.arrays)
        for ref in variable.definitions:
            table[ref.start_byte] = (fixed[0], fixed[1] | _DECLARATION)
        for ref in variable.uses:
            table[ref.start_byte] = fixed
    for label in scope.labels.values():
        if label.definition is not None:
            table[label.definition.start_byte] = (st.LABEL, _DECLARATION)
        for ref in label.uses:
            table[ref.start_byte] = (st.LABEL, 0)
    for call in scope.calls:
        if call.name in facts.udos or call.name not in catalog:
            table[call.ref.start_byte] = (st.FUNCTION, 0)
        else:
            table[call.ref.start_byte] = (st.FUNCTION, _LIBRARY)
    for setting in model.header.values():
        table[setting.start_byte] = (st.VARIABLE, _HEADER_BITS | _DECLARATION)
    for name, macro in model.macros.items():
        if facts.macros[name][1] == macro.ref.start_byte:
            table[macro.ref.start_byte] = (st.MACRO, _DECLARATION)
    for ref in model.macro_tests:
        table[ref.start_byte] = (st.MACRO, 0)
    for ref in model.instrument_refs:
        if instrument_key(ref.name, ref.start_byte) is not None:
            table[ref.start_byte] = (st.CLASS, 0)
    return table
