"""Static diagnostics that cost a keystroke, not a whole document.

A keystroke changes one instrument or UDO. Each top-level instrument and UDO is cached by its exact
bytes (`item_facts`): its skeleton facts (names, UDO signature) and its own analysis, with findings
kept relative to its start, so an edit above it only moves them. An analysis stays cached while the
few document-wide facts it read (the signatures of the UDOs it names, the global-scope definitions of
the variables it leaves undefined, the analysis options) are unchanged. Both run the one check
registry (`analysis.registry`): its item checks per item and on the global statements, its document
checks (duplicate instruments, the score against the orchestra, tables, macros, globals, header,
options, amplitudes) on a skeleton model: the global statements visited from the tree, the
instruments and UDOs taken from their cached facts, plus the facts each cached analysis contributes.
The result equals `static_findings`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from tree_sitter import Node

from csound_lsp.analysis import registry, structure_checks
from csound_lsp.analysis.diagnostics import SEMANTIC_LIMIT, drop_inside_syntax_errors, too_large
from csound_lsp.analysis.findings import Finding
from csound_lsp.analysis.item_facts import (
    Context,
    ItemEntry,
    SkeletonBuilder,
    analyse_item,
    context_change,
    item_entry,
    still_valid,
)
from csound_lsp.analysis.syntax_errors import syntax_errors
from csound_lsp.catalog import Catalog
from csound_lsp.catalog.versions import catalog_for, current_major
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.model import Ref, is_global_name
from csound_lsp.syntax.model_builder import orchestra_containers


@dataclass
class IncrementalDiagnostics:
    """Per-document cache; keep one per open document."""

    catalog: Catalog | None = None
    #: The global variables (`g` and a rate) the last full analysis saw assigned anywhere.
    assigned_globals: frozenset[str] = frozenset()
    _cache: dict[bytes, ItemEntry] = field(default_factory=dict)
    _context: Context | None = None
    #: The catalog the cached analyses read (the installed Csound's merges in after start-up).
    _catalog: Catalog | None = None

    def findings(
        self,
        document: Document,
        *,
        includes_unresolved: bool | None = None,
        report_unused: bool = True,
    ) -> list[Finding]:
        engine = current_major()
        catalog = self.catalog or catalog_for(engine)
        if catalog is not self._catalog:
            self._cache, self._context, self._catalog = {}, None, catalog
        source = document.source
        findings = syntax_errors(document.tree, source)
        large = too_large(source)
        if large is not None:
            findings.append(large)
        if large is not None or len(findings) > SEMANTIC_LIMIT:
            return sorted(findings, key=lambda f: (f.start_byte, f.end_byte, f.code))
        root = document.tree.root_node
        fresh: dict[bytes, ItemEntry] = {}

        def entry_for(item: Node) -> ItemEntry:
            key = source[item.start_byte : item.end_byte]
            entry = fresh.get(key) or self._cache.get(key)
            if entry is None or entry.is_udo != (item.type == "udo_definition"):
                entry = item_entry(source, root, item)
            fresh[key] = entry
            return entry

        udo_names = {name for item in _top_level_udos(root) if (name := entry_for(item).udo_name) is not None}
        builder = SkeletonBuilder(source, root, entry_for, udo_names)
        skeleton = builder.build()
        placed = builder.placed
        unresolved = bool(skeleton.includes) if includes_unresolved is None else includes_unresolved
        global_vars = skeleton.global_scope.variables
        context = Context(
            {u.name: (u.output_types, u.input_types) for u in skeleton.udos.values()},
            frozenset(udo_names),
            frozenset(n for n, v in global_vars.items() if v.definitions),
            unresolved,
            report_unused,
            engine,
        )
        previous = self._context
        if previous is not None and previous != context:
            change = context_change(previous, context)
            for entry in fresh.values():
                if entry.result is not None and not still_valid(entry, change):
                    entry.result = None
                    entry.last_base = -1
        self._cache = fresh
        self._context = context

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
        for item, entry in placed:
            result = entry.result
            if result is None:
                result = entry.result = analyse_item(source, root, item, skeleton, context, catalog)
            base = item.start_byte
            if result.findings:
                semantic.extend(entry.findings_at(base))
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

        self.assigned_globals = frozenset(n for n in global_defs if is_global_name(n))
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
        return findings


def _moved(ref: Ref, base: int) -> Ref:
    return Ref(ref.name, ref.start_byte + base, ref.end_byte + base)


def _start(ref: Ref) -> int:
    return ref.start_byte


def _top_level_udos(root: Node) -> list[Node]:
    """The UDOs where `ModelBuilder.collect_udo_names` looks for UDO names (not inside ERROR nodes)."""
    containers = orchestra_containers(root)
    return [c for container in containers for c in container.named_children if c.type == "udo_definition"]


@dataclass
class _Shared:
    analysis: IncrementalDiagnostics = field(default_factory=IncrementalDiagnostics)
    source: bytes | None = None
    report_unused: bool = True
    findings: list[Finding] = field(default_factory=list)
    catalog: Catalog | None = None


_SHARED: WeakKeyDictionary[Document, _Shared] = WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()


def document_findings(document: Document, *, report_unused: bool | None = None) -> list[Finding]:
    """The static findings of an open document's current text.

    Published diagnostics and quick fixes (asked for at every cursor move) share one incremental
    analysis per document and its result per text, so a keystroke is analysed once. With
    `report_unused=None` the findings are those last asked for (the diagnostics settings).
    """
    with _SHARED_LOCK:
        shared = _SHARED.get(document)
        if shared is None:
            shared = _SHARED[document] = _Shared()
        wanted = shared.report_unused if report_unused is None else report_unused
        catalog = catalog_for(current_major())
        if (
            shared.source is not document.source
            or wanted != shared.report_unused
            or shared.catalog is not catalog
        ):
            shared.findings = shared.analysis.findings(document, report_unused=wanted)
            shared.source = document.source
            shared.report_unused = wanted
            shared.catalog = catalog
        return shared.findings


def assigned_globals(document: Document) -> frozenset[str]:
    """The global variables assigned anywhere in the document, as its last analysis saw them (at most
    a keystroke old: diagnostics analyse each text once, completion need not wait for it)."""
    with _SHARED_LOCK:
        shared = _SHARED.get(document)
        return shared.analysis.assigned_globals if shared is not None else frozenset()
