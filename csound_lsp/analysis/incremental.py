"""Static diagnostics that cost a keystroke, not a whole document.

A keystroke changes one instrument or UDO. Each top-level instrument and UDO is analysed on its own
and cached by its exact bytes (and by the few document-wide facts its checks read: the UDO
signatures and the analysis options); its findings are kept relative to its start, so an edit above
it only moves them. Document-wide checks (duplicate instruments, the score against the orchestra,
tables, macros, globals, header, options) run on a skeleton model that holds instruments and UDOs by
name only, plus the facts each cached item contributes. The result equals `static_findings`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from tree_sitter import Node

from csound_lsp.analysis import opcode_checks, structure_checks, variable_checks
from csound_lsp.analysis.diagnostics import SEMANTIC_LIMIT, drop_inside_syntax_errors, too_large
from csound_lsp.analysis.findings import Finding
from csound_lsp.analysis.syntax_errors import syntax_errors
from csound_lsp.catalog import Catalog, default_catalog
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.model import DocumentModel, Ref
from csound_lsp.syntax.model_builder import ModelBuilder

_ITEM_TYPES = ("instrument_definition", "udo_definition")


@dataclass(frozen=True)
class _Context:
    """The document-wide facts an item's own checks depend on."""

    udos: tuple[tuple[str, str, str], ...]
    global_names: frozenset[str]
    includes_unresolved: bool
    report_unused: bool


@dataclass
class _ItemResult:
    """One item's findings and facts, with byte offsets relative to the item's start."""

    findings: list[Finding]
    pfields: int | None
    global_defs: set[str]
    global_uses: dict[str, list[Ref]]
    tables_defined: set[float]
    tables_used: list[tuple[float, int, int]]
    macro_uses: list[Ref]
    has_macros: bool


@dataclass
class IncrementalDiagnostics:
    """Per-document cache; keep one per open document."""

    catalog: Catalog | None = None
    _cache: dict[tuple[bytes, _Context], _ItemResult] = field(default_factory=dict)

    def findings(
        self,
        document: Document,
        *,
        includes_unresolved: bool | None = None,
        report_unused: bool = True,
    ) -> list[Finding]:
        catalog = self.catalog or default_catalog()
        source = document.source
        findings = syntax_errors(document.tree, source)
        large = too_large(source)
        if large is not None:
            findings.append(large)
        if large is not None or len(findings) > SEMANTIC_LIMIT:
            return sorted(findings, key=lambda f: (f.start_byte, f.end_byte, f.code))
        root = document.tree.root_node
        skeleton = ModelBuilder(source, root, skip_bodies=True).build()
        unresolved = bool(skeleton.includes) if includes_unresolved is None else includes_unresolved
        context = _Context(
            tuple(sorted((u.name, u.output_types, u.input_types) for u in skeleton.udos.values())),
            frozenset(n for n, v in skeleton.global_scope.variables.items() if v.definitions),
            unresolved,
            report_unused,
        )
        fresh: dict[tuple[bytes, _Context], _ItemResult] = {}
        items = list(_top_level_items(root))
        semantic: list[Finding] = []
        pfields: dict[int, int] = {}
        global_defs = {n for n, v in skeleton.global_scope.variables.items() if v.definitions}
        global_uses = {
            n: list(v.uses)
            for n, v in skeleton.global_scope.variables.items()
            if v.is_global and variable_checks.plain_variable(n, v.rate, v.declared_type)
        }
        tables_defined, tables_used = structure_checks.table_facts(skeleton)
        macro_uses: list[Ref] = []
        any_macros = bool(skeleton.macro_uses)
        for item in items:
            key = (source[item.start_byte : item.end_byte], context)
            result = self._cache.get(key) or fresh.get(key)
            if result is None:
                result = _analyse_item(source, root, item, skeleton, context, catalog)
            fresh[key] = result
            base = item.start_byte
            semantic.extend(
                replace(f, start_byte=f.start_byte + base, end_byte=f.end_byte + base)
                for f in result.findings
            )
            if result.pfields is not None:
                pfields[base] = result.pfields
            global_defs |= result.global_defs
            for name, uses in result.global_uses.items():
                global_uses.setdefault(name, []).extend(_moved(r, base) for r in uses)
            tables_defined |= result.tables_defined
            tables_used.extend((n, s + base, e + base) for n, s, e in result.tables_used)
            macro_uses.extend(_moved(r, base) for r in result.macro_uses)
            any_macros = any_macros or result.has_macros
        self._cache = fresh

        semantic += opcode_checks.opcode_findings(skeleton, catalog, includes_unresolved=unresolved)
        semantic += variable_checks.variable_findings(
            skeleton, includes_unresolved=unresolved, report_unused=report_unused, check_globals=False
        )
        if not (any_macros or unresolved):
            for name, uses in global_uses.items():
                if name not in global_defs and uses:
                    semantic += variable_checks.undefined_global(
                        name, sorted(uses, key=lambda r: r.start_byte)
                    )
        semantic += structure_checks.instrument_findings(skeleton)
        if not any_macros:
            semantic += structure_checks.score_findings(
                skeleton, includes_unresolved=unresolved, pfields=pfields
            )
            if not unresolved:
                semantic += structure_checks.missing_tables(skeleton, tables_defined, tables_used)
        semantic += structure_checks.envelope_findings(skeleton)
        semantic += structure_checks.header_findings(skeleton)
        semantic += structure_checks.option_findings(skeleton)
        semantic += structure_checks.include_findings(skeleton)
        semantic += structure_checks.macro_findings(
            skeleton, includes_unresolved=unresolved, extra_uses=macro_uses
        )
        findings += drop_inside_syntax_errors(semantic, findings)
        findings.sort(key=lambda f: (f.start_byte, f.end_byte, f.code))
        return findings


def _moved(ref: Ref, base: int) -> Ref:
    return Ref(ref.name, ref.start_byte + base, ref.end_byte + base)


def _top_level_items(root: Node) -> list[Node]:
    containers = [root]
    for child in root.named_children:
        if child.type == "synthesizer":
            containers.extend(c for c in child.named_children if c.type == "instruments_section")
        elif child.type == "instruments_section":
            containers.append(child)
    return [c for container in containers for c in container.named_children if c.type in _ITEM_TYPES]


def _analyse_item(
    source: bytes,
    root: Node,
    item: Node,
    skeleton: DocumentModel,
    context: _Context,
    catalog: Catalog,
) -> _ItemResult:
    model = ModelBuilder(source, root).build_item(item, set(skeleton.udos))
    model.udos = dict(skeleton.udos)
    base = item.start_byte
    found = opcode_checks.opcode_findings(model, catalog, includes_unresolved=context.includes_unresolved)
    found += variable_checks.variable_findings(
        model,
        includes_unresolved=context.includes_unresolved,
        report_unused=context.report_unused,
        check_globals=False,
        also_defined=context.global_names,
    )
    found += structure_checks.envelope_findings(model)
    defined, used = structure_checks.table_facts(model)
    instrument = model.instruments[0] if model.instruments else None
    globals_ = model.global_scope.variables
    return _ItemResult(
        findings=[replace(f, start_byte=f.start_byte - base, end_byte=f.end_byte - base) for f in found],
        pfields=structure_checks.pfields_read(instrument) if instrument is not None else None,
        global_defs={n for n, v in globals_.items() if v.definitions},
        global_uses={
            n: [_moved(r, -base) for r in v.uses]
            for n, v in globals_.items()
            if v.is_global and variable_checks.plain_variable(n, v.rate, v.declared_type)
        },
        tables_defined=defined,
        tables_used=[(n, s - base, e - base) for n, s, e in used],
        macro_uses=[_moved(r, -base) for r in model.macro_uses],
        has_macros=bool(model.macro_uses),
    )
