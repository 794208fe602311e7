"""Static diagnostics that cost a keystroke, not a whole document.

A keystroke changes one instrument or UDO. Each instrument and UDO keeps, in its item entry of the
document version (`syntax.items`, reused by later versions while its bytes are the same), its
skeleton facts (names, UDO signature) and its own analysis (`item_facts`), with findings kept relative
to its start, so an edit above it only moves them. An analysis stays valid while the few
document-wide facts it read (the signatures of the UDOs it names, the global-scope definitions of the
variables it leaves undefined, the analysis options) are unchanged. Both run the one check
registry (`analysis.registry`): its item checks per item and on the global statements, its document
checks (duplicate instruments, the score against the orchestra, tables, macros, globals, header,
options, amplitudes) on a skeleton model: the global statements visited from the tree, the
instruments and UDOs taken from their cached facts, plus the facts each cached analysis contributes.
The result equals `static_findings`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tree_sitter import Node

from csound_lsp.analysis import macro_reach, registry, structure_checks
from csound_lsp.analysis.diagnostics import SEMANTIC_LIMIT, drop_inside_syntax_errors, too_large
from csound_lsp.analysis.findings import Finding
from csound_lsp.analysis.item_facts import (
    ANALYSIS,
    FACTS,
    Analysis,
    Context,
    ContextChange,
    ItemFacts,
    MacroTable,
    SkeletonBuilder,
    analyse_item,
    context_change,
    item_facts,
    still_valid,
)
from csound_lsp.analysis.syntax_errors import syntax_errors
from csound_lsp.catalog import Catalog
from csound_lsp.catalog.versions import catalog_for, current_major
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.items import ItemEntry, ItemTable, Slot
from csound_lsp.syntax.model import DocumentModel, Ref, is_global_name
from csound_lsp.syntax.model_builder import orchestra_containers


class Cancelled(Exception):
    """A newer version arrived while this one was being analysed: its findings would not be read."""


#: The global variables (`g` and a rate) the last analysis saw assigned anywhere (carried forward).
_ASSIGNED: Slot[frozenset[str]] = Slot("assigned globals")
#: The `report_unused` option the diagnostics last asked for (carried forward).
_WANTED: Slot[bool] = Slot("report unused")
_FINDINGS: Slot[VersionFindings] = Slot("static findings")


@dataclass(frozen=True)
class Origin:
    """Where an item's finding came from: its entry, the analysis, its index there, the item's start
    and its line."""

    entry: ItemEntry
    analysis: Analysis
    index: int
    base: int
    row: int


@dataclass(frozen=True)
class VersionFindings:
    """A version's static findings, and for those an item's analysis made, where they came from (by
    the identity of the finding), so what is derived from them can be kept per item too."""

    findings: list[Finding]
    origin: dict[int, Origin]


class IncrementalDiagnostics:
    """Static findings from the item entries of each document version.

    The entries travel with the versions of a document, so one instance serves every document; an
    instance also hands its last document's entries to a text made apart from it (the AI's candidates,
    each a new `Document` differing from the open one in one place)."""

    def __init__(self, catalog: Catalog | None = None) -> None:
        self.catalog = catalog
        #: The global variables (`g` and a rate) the last analysis saw assigned anywhere.
        self.assigned_globals: frozenset[str] = frozenset()
        self._carrier: ItemTable | None = None

    def findings(
        self,
        document: Document,
        *,
        includes_unresolved: bool | None = None,
        report_unused: bool = True,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[Finding]:
        """The findings of one version; `cancelled` is asked between items (`Cancelled` if true)."""
        if self._carrier is not None:
            document.items.inherit(self._carrier)
        found = _analyse(
            document,
            self.catalog or catalog_for(current_major()),
            includes_unresolved=includes_unresolved,
            report_unused=report_unused,
            cancelled=cancelled,
        ).findings
        self.assigned_globals = document.items.carried(_ASSIGNED) or frozenset()
        self._carrier = ItemTable(document.items)
        return found


def _analyse(
    document: Document,
    catalog: Catalog,
    *,
    includes_unresolved: bool | None,
    report_unused: bool,
    cancelled: Callable[[], bool] | None,
) -> VersionFindings:
    source = document.source
    findings = syntax_errors(document.tree, source)
    large = too_large(source)
    if large is not None:
        findings.append(large)
    if large is not None or len(findings) > SEMANTIC_LIMIT:
        # what a fresh open of this text knows of its globals: none (not the version before's)
        document.items.carry(_ASSIGNED, frozenset())
        return VersionFindings(sorted(findings, key=lambda f: (f.start_byte, f.end_byte, f.code)), {})
    root = document.tree.root_node
    items = document.items
    entries: dict[int, ItemEntry] = {}

    def entry_for(item: Node) -> ItemFacts:
        entry = entries.get(item.id)
        if entry is None:
            entry = entries[item.id] = items.entry(source, item)
        facts = entry.get(FACTS)
        if facts is None:
            facts = item_facts(source, root, item)
            entry.put(FACTS, facts)
        return facts

    udo_names = {name for item in _top_level_udos(root) if (name := entry_for(item).udo_name) is not None}
    builder = SkeletonBuilder(source, root, entry_for, udo_names)
    skeleton = builder.build()
    items.mark_complete()
    placed = builder.placed
    unresolved = bool(skeleton.includes) if includes_unresolved is None else includes_unresolved
    global_vars = skeleton.global_scope.variables
    engine = current_major()
    context = Context(
        {u.name: (u.output_types, u.input_types) for u in skeleton.udos.values()},
        frozenset(udo_names),
        frozenset(n for n, v in global_vars.items() if v.definitions),
        unresolved,
        report_unused,
        engine,
        _macro_table(skeleton),
        frozenset(n for n, v in global_vars.items() if v.is_array).union(
            *(facts.global_arrays for _, facts in placed)
        ),
    )
    changes: dict[int, ContextChange] = {}

    def valid(facts: ItemFacts, analysis: Analysis | None) -> Analysis | None:
        if analysis is None or analysis.catalog is not catalog:
            return None
        if analysis.context == context:
            return analysis
        change = changes.get(id(analysis.context))
        if change is None:
            change = changes[id(analysis.context)] = context_change(analysis.context, context)
        if not still_valid(facts, analysis.result, change):
            return None
        return Analysis(catalog, context, analysis.result, analysis.moved)

    semantic: list[Finding] = []
    pfields: dict[int, int] = {}
    global_defs = set(context.global_names)
    global_uses: dict[str, list[tuple[int, list[Ref]]]] = {
        n: [(0, uses)] for n, uses in registry.plain_global_uses(skeleton).items()
    }
    tables_defined, skeleton_tables = structure_checks.table_facts(skeleton)
    tables_used: list[tuple[int, list[tuple[float, int, int]]]] = [(0, skeleton_tables)]
    macro_uses: list[Ref] = []
    any_macros = bool(skeleton.macro_uses)
    check_facts = {name: [fact] for name, fact in registry.item_facts(skeleton).items()}
    origin: dict[int, Origin] = {}
    for item, facts in placed:
        item_entry = entries.get(item.id) or items.entry(source, item)
        analysis = valid(facts, item_entry.get(ANALYSIS))
        if analysis is None:
            if cancelled is not None and cancelled():
                raise Cancelled
            result = analyse_item(document, item, skeleton, context, catalog)
            analysis = Analysis(catalog, context, result)
        if analysis is not item_entry.get(ANALYSIS):
            item_entry.put(ANALYSIS, analysis)
        result = analysis.result
        base = item.start_byte
        if result.findings:
            moved = analysis.findings_at(base)
            semantic.extend(moved)
            row = item.start_point.row  # the tree's rows are the line index's lines (`parse_view`)
            for index, finding in enumerate(moved):
                origin[id(finding)] = Origin(item_entry, analysis, index, base, row)
        if result.pfields is not None:
            pfields[base] = result.pfields
        if not result.has_facts:
            continue
        global_defs |= result.global_defs
        for name, uses in result.global_uses.items():
            global_uses.setdefault(name, []).append((base, uses))
        tables_defined |= result.tables_defined
        if result.tables_used:
            tables_used.append((base, result.tables_used))
        if result.has_macros:
            any_macros = True
            macro_uses.extend(_moved(r, base) for r in result.macro_uses)
        for name, fact in result.check_facts.items():
            check_facts.setdefault(name, []).append(fact)

    items.carry(_ASSIGNED, frozenset(n for n in global_defs if is_global_name(n)))
    semantic += registry.item_findings(
        registry.ItemInput(
            skeleton, catalog, includes_unresolved=unresolved, report_unused=report_unused, engine=engine
        )
    )
    semantic += registry.document_findings(
        registry.DocumentInput(
            skeleton,
            catalog,
            unresolved,
            report_unused,
            pfields=pfields,
            tables_defined=tables_defined,
            tables_used=[
                (n, s + base, e + base)
                for base, used in tables_used
                for n, s, e in used
                if n not in tables_defined
            ],
            extra_macro_uses=macro_uses,
            any_macros=any_macros,
            global_defs=global_defs,
            global_uses={
                name: sorted((_moved(r, base) for base, uses in chunks for r in uses), key=_start)
                for name, chunks in global_uses.items()
                if name not in global_defs
            },
            facts=check_facts,
            engine=engine,
            origin=document.uri,
        )
    )
    findings += drop_inside_syntax_errors(semantic, findings)
    findings.sort(key=lambda f: (f.start_byte, f.end_byte, f.code))
    return VersionFindings(findings, origin)


def _macro_table(skeleton: DocumentModel) -> MacroTable:
    """The reach of the macros the skeleton defines, for the items' variable checks: what the whole
    document's model gives (`macro_reach.document_reach`), as a hashable table."""
    if not skeleton.macros:
        return ()
    return tuple(sorted(macro_reach.document_reach(skeleton).items()))


def _moved(ref: Ref, base: int) -> Ref:
    return Ref(ref.name, ref.start_byte + base, ref.end_byte + base)


def _start(ref: Ref) -> int:
    return ref.start_byte


def _top_level_udos(root: Node) -> list[Node]:
    """The UDOs where `ModelBuilder.collect_udo_names` looks for UDO names (not inside ERROR nodes)."""
    containers = orchestra_containers(root)
    return [c for container in containers for c in container.named_children if c.type == "udo_definition"]


def document_findings(document: Document, *, report_unused: bool | None = None) -> list[Finding]:
    """The static findings of a document version, computed once per version and option.

    Published diagnostics and quick fixes (asked for at every cursor move) share them. With
    `report_unused=None` the findings are those last asked for (the diagnostics settings).
    """
    items = document.items
    if report_unused is None:
        carried = items.carried(_WANTED)
        wanted = True if carried is None else carried
    else:
        wanted = report_unused
        if items.carried(_WANTED) != wanted:
            items.carry(_WANTED, wanted)
    catalog = catalog_for(current_major())
    return items.value(
        (_FINDINGS, wanted, id(catalog)),
        lambda: _analyse(document, catalog, includes_unresolved=None, report_unused=wanted, cancelled=None),
    ).findings


def analyse_version(
    document: Document, *, report_unused: bool, cancelled: Callable[[], bool] | None = None
) -> VersionFindings:
    """`document_findings` for a worker thread, with the findings' origins: raises `Cancelled` between
    items once `cancelled()`."""
    items = document.items
    if items.carried(_WANTED) != report_unused:
        items.carry(_WANTED, report_unused)
    catalog = catalog_for(current_major())
    key = (_FINDINGS, report_unused, id(catalog))
    found = items.peek(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    made = _analyse(
        document, catalog, includes_unresolved=None, report_unused=report_unused, cancelled=cancelled
    )
    return items.value(key, lambda: made)


def assigned_globals(document: Document) -> frozenset[str]:
    """The global variables assigned anywhere in the document, as its last analysis saw them (at most
    a keystroke old: diagnostics analyse each version once, completion need not wait for it)."""
    return document.items.carried(_ASSIGNED) or frozenset()
