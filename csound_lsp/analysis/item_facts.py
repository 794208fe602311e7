"""What one top-level instrument or UDO contributes, kept in its item entry (`syntax.items`) with
offsets relative to its start.

Two slots per item: its skeleton facts (names, UDO signature), which depend on its bytes alone, and
its analysis (findings and the facts the document-wide checks merge), which also depends on a few
document-wide facts. An analysis records exactly which of those it read (the UDO signatures of the
words it contains, the global-scope definitions of the variables it leaves undefined) and the context
it was made in, so a change elsewhere only invalidates the items that can see it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from typing import Any

from tree_sitter import Node, QueryCursor

from csound_lsp.analysis import registry, structure_checks
from csound_lsp.analysis.findings import Finding
from csound_lsp.catalog import Catalog
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import item_model
from csound_lsp.syntax.items import Slot
from csound_lsp.syntax.languages import query_for
from csound_lsp.syntax.model import (
    DocumentModel,
    Instrument,
    InstrumentName,
    Ref,
    RelativeNames,
    Scope,
    ScopeKind,
    Udo,
    is_global_name,
    names_at,
)
from csound_lsp.syntax.model_builder import ModelBuilder

ITEM_TYPES = ("instrument_definition", "udo_definition")
_WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
_ARRAY_DECLARATIONS = "(array_declaration name: (identifier) @name)"


#: The reach of macros (`macro_reach`) as a hashable table: (name, words or None) sorted by name.
MacroTable = tuple[tuple[str, frozenset[str] | None], ...]


@dataclass(frozen=True)
class Context:
    """The document-wide facts item checks read."""

    udos: dict[str, tuple[str, str]]
    #: The UDO names the builder reads `MyUdo kIn` with (top-level UDOs only, as `ModelBuilder` does).
    udo_names: frozenset[str]
    global_names: frozenset[str]
    includes_unresolved: bool
    report_unused: bool
    #: The Csound major version that compiles the document (what `analysis.dialect` reports).
    engine: int = 6
    #: The reach of the macros defined at the document's top level (`macro_reach`), by name.
    macros: MacroTable = ()
    #: Global variables declared as arrays anywhere in the document.
    global_arrays: frozenset[str] = frozenset()


@dataclass
class ItemResult:
    """One item's findings and facts, with byte offsets relative to the item's start."""

    findings: list[Finding]
    pfields: int | None
    global_defs: set[str]
    global_uses: dict[str, list[Ref]]
    tables_defined: set[float]
    tables_used: list[tuple[float, int, int]]
    macro_uses: list[Ref]
    has_macros: bool
    #: Variables the item reads but does not set (locals and globals): their findings depend on the
    #: document's global definitions and global arrays.
    undefined_names: frozenset[str]
    #: An unknown opcode's did-you-mean reads every UDO name.
    reads_all_udo_names: bool
    #: What the registry's document checks read from the item (`registry.item_facts`), by check.
    check_facts: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def rest(self) -> list[tuple[Any, ...]]:
        """Each finding's fields after its two offsets (`Analysis.findings_at` builds moved copies)."""
        return [tuple(getattr(f, n) for n in _REST) for f in self.findings]

    @property
    def has_facts(self) -> bool:
        """Whether the item adds anything to the document-wide facts beyond its p-fields."""
        return bool(
            self.global_defs
            or self.global_uses
            or self.tables_defined
            or self.tables_used
            or self.has_macros
            or self.check_facts
        )


@dataclass
class ItemFacts:
    """An item's skeleton facts, from its bytes alone."""

    is_udo: bool
    #: Instruments: (text, number, start, end) per name.
    names: RelativeNames
    #: UDOs: the name node's text, None without a name node.
    udo_name: str | None
    udo: Udo | None
    words: frozenset[str]
    #: Global variables the item declares as arrays (`gkNotes[] init 8`): an item that only uses
    #: `gkNotes` types it as an array too, as the whole-document model does.
    global_arrays: frozenset[str] = frozenset()
    #: The names moved to a start offset, reused while the item does not move.
    moved: tuple[int, list[InstrumentName]] = (-1, [])

    def names_at(self, base: int) -> list[InstrumentName]:
        if self.moved[0] != base:
            self.moved = (base, names_at(self.names, base))
        return self.moved[1]


@dataclass
class Analysis:
    """An item's analysis and the catalog and context it was made (or last found still valid) in."""

    catalog: Catalog
    context: Context
    result: ItemResult
    #: The findings moved to a start offset, reused while the item does not move.
    moved: tuple[int, list[Finding]] = (-1, [])

    def findings_at(self, base: int) -> list[Finding]:
        found = self.moved
        if found[0] != base:
            # positional construction from the fields kept aside: `dataclasses.replace` costs several
            # times as much, for every finding of every item below a keystroke
            rest = self.result.rest
            found = self.moved = (
                base,
                [
                    Finding(f.start_byte + base, f.end_byte + base, *more)
                    for f, more in zip(self.result.findings, rest, strict=True)
                ],
            )
        return found[1]


#: `Finding`'s fields after its two offsets, in order (`findings_at` builds moved copies from them).
_REST = tuple(f.name for f in fields(Finding))[2:]
assert tuple(f.name for f in fields(Finding))[:2] == ("start_byte", "end_byte")

#: The item entry slots this module fills.
FACTS: Slot[ItemFacts] = Slot("item facts")
ANALYSIS: Slot[Analysis] = Slot("item analysis")


def item_facts(source: bytes, root: Node, item: Node) -> ItemFacts:
    """Skeleton facts of one item, offsets relative to its start."""
    base = item.start_byte
    builder = ModelBuilder(source, root, skip_bodies=True)
    words = frozenset(w.decode() for w in _WORD.findall(source, item.start_byte, item.end_byte))
    if item.type == "instrument_definition":
        builder.on_instrument_definition(item, builder.global_scope)
        names = [
            (n.text, n.number, n.ref.start_byte - base, n.ref.end_byte - base)
            for n in builder.model.instruments[0].names
        ]
        return ItemFacts(False, names, None, None, words, _global_arrays(source, root, item))
    name_node = item.child_by_field_name("name")
    builder.on_udo_definition(item, builder.global_scope)
    udo = next(iter(builder.model.udos.values()), None)
    if udo is not None:
        udo = replace(udo, ref=_moved(udo.ref, -base), doc="", parameters=list(udo.parameters))
    name = builder.text(name_node) if name_node is not None else None
    return ItemFacts(True, [], name, udo, words, _global_arrays(source, root, item))


def _global_arrays(source: bytes, root: Node, item: Node) -> frozenset[str]:
    if b"[" not in source[item.start_byte : item.end_byte]:
        return frozenset()
    captured = QueryCursor(query_for(root, _ARRAY_DECLARATIONS)).captures(item).get("name", [])
    names = {source[n.start_byte : n.end_byte].decode("utf-8", "replace") for n in captured}
    return frozenset(n for n in names if is_global_name(n))


class SkeletonBuilder(ModelBuilder):
    """A skip-bodies `ModelBuilder` that takes instruments and UDOs from their cached facts.

    `entry_for` gives an item's facts (from its entry). Every item the walk meets, top-level or
    inside an ERROR node, lands in `placed`, in document order, for its own analysis. The skeleton's
    instruments and UDOs share one empty scope and stay out of `scopes`: the document-wide checks
    read their names and signatures only.
    """

    def __init__(
        self,
        source: bytes,
        root: Node,
        entry_for: Callable[[Node], ItemFacts],
        udo_names: set[str],
    ) -> None:
        super().__init__(source, root, skip_bodies=True)
        self.entry_for = entry_for
        self.udo_names = udo_names
        self.placed: list[tuple[Node, ItemFacts]] = []
        self.placeholder = Scope(ScopeKind.INSTRUMENT, "", 0, 0, None)

    def collect_udo_names(self) -> set[str]:
        return self.udo_names

    def visit_children(self, node: Node, scope: Scope) -> None:
        # Most children of a long orchestra are items: skip the generic dispatch for them.
        for child in node.named_children:
            kind = child.type
            if kind == "instrument_definition":
                self.on_instrument_definition(child, scope)
            elif kind == "udo_definition":
                self.on_udo_definition(child, scope)
            else:
                self.visit(child, scope)

    def on_instrument_definition(self, node: Node, scope: Scope) -> None:
        entry = self.entry_for(node)
        self.placed.append((node, entry))
        names = entry.names_at(node.start_byte)
        self.model.instruments.append(Instrument(names, node, self.placeholder))

    def on_udo_definition(self, node: Node, scope: Scope) -> None:
        entry = self.entry_for(node)
        self.placed.append((node, entry))
        udo = entry.udo
        if udo is not None and udo.name not in self.model.udos:
            ref = _moved(udo.ref, node.start_byte)
            self.model.udos[udo.name] = replace(udo, ref=ref, node=node, scope=self.placeholder)


@dataclass(frozen=True)
class ContextChange:
    """What differs between two contexts, computed once per keystroke that changes any."""

    options: bool
    udo_set: bool
    udo_words: frozenset[str]
    global_names: frozenset[str]
    #: Macros whose reach differs.
    macro_names: frozenset[str] = frozenset()


def context_change(old: Context, new: Context) -> ContextChange:
    names = old.udos.keys() | new.udos.keys()
    changed = {n for n in names if old.udos.get(n) != new.udos.get(n)}
    return ContextChange(
        (old.includes_unresolved, old.report_unused, old.engine)
        != (new.includes_unresolved, new.report_unused, new.engine),
        old.udos.keys() != new.udos.keys(),
        frozenset(changed | (old.udo_names ^ new.udo_names)),
        (old.global_names ^ new.global_names) | (old.global_arrays ^ new.global_arrays),
        _changed_macros(old.macros, new.macros),
    )


def _changed_macros(old: MacroTable, new: MacroTable) -> frozenset[str]:
    if old == new:
        return frozenset()
    before, after = dict(old), dict(new)
    return frozenset(n for n in before.keys() | after.keys() if before.get(n, ()) != after.get(n, ()))


def still_valid(facts: ItemFacts, result: ItemResult, change: ContextChange) -> bool:
    """Whether an item's analysis holds after the change: only what it read counts."""
    return (
        not change.options
        and not (change.udo_set and result.reads_all_udo_names)
        and facts.words.isdisjoint(change.udo_words)
        and result.undefined_names.isdisjoint(change.global_names)
        and (not change.macro_names or change.macro_names.isdisjoint(r.name for r in result.macro_uses))
    )


def analyse_item(
    document: Document,
    item: Node,
    skeleton: DocumentModel,
    context: Context,
    catalog: Catalog,
) -> ItemResult:
    model = item_model(document, item, context.udo_names)
    model.udos = dict(skeleton.udos)
    model.global_arrays = context.global_arrays
    base = item.start_byte
    found = registry.item_findings(
        registry.ItemInput(
            model,
            catalog,
            includes_unresolved=context.includes_unresolved,
            report_unused=context.report_unused,
            also_defined=context.global_names,
            engine=context.engine,
            outside_macros=dict(context.macros),
        )
    )
    defined, used = structure_checks.table_facts(model)
    instrument = model.instruments[0] if model.instruments else None
    globals_ = model.global_scope.variables
    undefined = frozenset(
        v.name for s in (model.global_scope, *model.scopes) for v in s.variables.values() if not v.definitions
    )
    return ItemResult(
        findings=[replace(f, start_byte=f.start_byte - base, end_byte=f.end_byte - base) for f in found],
        pfields=structure_checks.pfields_read(instrument) if instrument is not None else None,
        global_defs={n for n, v in globals_.items() if v.definitions},
        global_uses={
            n: [_moved(r, -base) for r in uses] for n, uses in registry.plain_global_uses(model).items()
        },
        tables_defined=defined,
        tables_used=[(n, s - base, e - base) for n, s, e in used],
        macro_uses=[_moved(r, -base) for r in model.macro_uses],
        has_macros=bool(model.macro_uses),
        undefined_names=undefined,
        reads_all_udo_names=any(f.code == "unknown-opcode" for f in found),
        check_facts=registry.item_facts(model),
    )


def _moved(ref: Ref, base: int) -> Ref:
    return Ref(ref.name, ref.start_byte + base, ref.end_byte + base)
