"""The one list of static checks that every caller runs: the editor, `csound-lsp check`, quick fixes, AI.

A check is per item or whole-document. An item check reads a model of some instruments and UDOs and
the global statements around them: the whole document once (`static_findings`), or each instrument or
UDO on its own plus the global statements (the incremental path, cached per item). A document check
runs once on a `DocumentInput`: the whole model and the facts read from it, or the incremental
skeleton (instrument and UDO bodies left out) and the same facts merged from the cached items. Each
call is guarded: a check that raises is logged and skipped, and the others still report. (An item
check that raises on one instrument only loses that instrument's findings in the incremental path,
and all of its findings in the whole-document run, which calls it once.)

Adding a diagnostic is one function and one line in `CHECKS`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from csound_lsp.analysis import (
    amplitudes,
    conditionals,
    dialect,
    include_checks,
    opcode_checks,
    program_checks,
    structure_checks,
    variable_checks,
)
from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.catalog import Catalog
from csound_lsp.syntax.model import DocumentModel, Ref

log = logging.getLogger(__name__)

CheckScope = Literal["item", "document"]


@dataclass(frozen=True)
class ItemInput:
    """What an item check reads: a model and the analysis options."""

    model: DocumentModel
    catalog: Catalog
    includes_unresolved: bool
    report_unused: bool
    #: Global-scope variables defined outside this model (an item analysed on its own).
    also_defined: frozenset[str] = frozenset()
    #: The Csound major version that compiles the document (`catalog.versions.current_major`).
    engine: int = 6
    #: The document's URI, where checks that read beside it (included files) look; "" for none.
    origin: str = ""
    #: For an item analysed on its own, the document's macro table (`macro_reach.document_reach` of
    #: the skeleton); None where the model is the whole document or the skeleton.
    outside_macros: Mapping[str, frozenset[str] | None] | None = None


@dataclass
class DocumentInput:
    """What a document check reads: the document's model (whole, or without item bodies) and the facts
    the item bodies contribute, so a check never needs the bodies themselves."""

    model: DocumentModel
    catalog: Catalog
    includes_unresolved: bool
    report_unused: bool
    #: The highest p-field each instrument reads, by its start byte; None: read from `model`.
    pfields: dict[int, int] | None
    tables_defined: set[float]
    tables_used: list[tuple[float, int, int]]
    #: Macro uses inside item bodies that `model` leaves out (the whole model: none).
    extra_macro_uses: list[Ref]
    any_macros: bool
    global_defs: set[str]
    #: Uses of the plain global variables defined nowhere (not in `global_defs`), sorted by position.
    global_uses: dict[str, list[Ref]]
    #: Per check with a `facts` function: what it read from each part (the whole model: one).
    facts: dict[str, list[Any]] = field(default_factory=dict)
    #: The Csound major version that compiles the document.
    engine: int = 6
    #: The document's URI, where checks that read beside it (included files) look; "" for none.
    origin: str = ""

    @classmethod
    def of_model(
        cls,
        model: DocumentModel,
        catalog: Catalog,
        *,
        includes_unresolved: bool,
        report_unused: bool,
        engine: int = 6,
        origin: str = "",
    ) -> DocumentInput:
        """The facts of a whole-document model, read from the model itself."""
        defined, used = structure_checks.table_facts(model)
        variables = model.global_scope.variables
        defs = {n for n, v in variables.items() if v.definitions}
        return cls(
            model,
            catalog,
            includes_unresolved,
            report_unused,
            pfields=None,
            tables_defined=defined,
            tables_used=used,
            extra_macro_uses=[],
            any_macros=bool(model.macro_uses),
            global_defs=defs,
            global_uses={n: uses for n, uses in plain_global_uses(model).items() if n not in defs},
            facts={name: [fact] for name, fact in item_facts(model).items()},
            engine=engine,
            origin=origin,
        )


def plain_global_uses(model: DocumentModel) -> dict[str, list[Ref]]:
    """Uses of the plain global variables (`gkX`, not `gkKey$VOICE`) in a model's global scope."""
    return {
        n: list(v.uses)
        for n, v in model.global_scope.variables.items()
        if v.is_global and "$" not in n and variable_checks.plain_variable(n, v.rate, v.declared_type)
    }


@dataclass(frozen=True)
class Check:
    """One diagnostic check.

    A document check that needs what item bodies say gives `facts`: a function of a model returning
    offset-free facts (falsy: nothing to say). It runs on each item's model and on the rest of the
    document (the incremental path caches it with the item), or once on the whole model; the check
    reads the list in `DocumentInput.facts[name]`. `supersedes` names codes of earlier document
    findings it replaces where both cover the same range (one problem, one message).
    """

    name: str
    scope: CheckScope
    run: Callable[[Any], list[Finding]]
    supersedes: tuple[str, ...] = ()
    facts: Callable[[DocumentModel], Any] | None = None


# -- the checks ---------------------------------------------------------------------------------------


def _opcodes(run: ItemInput) -> list[Finding]:
    return opcode_checks.opcode_findings(run.model, run.catalog, includes_unresolved=run.includes_unresolved)


def _variables(run: ItemInput) -> list[Finding]:
    # Globals never assigned are a document check: their uses and definitions span items.
    return variable_checks.variable_findings(
        run.model,
        includes_unresolved=run.includes_unresolved,
        report_unused=run.report_unused,
        check_globals=False,
        also_defined=run.also_defined,
        outside_macros=run.outside_macros,
    )


def _envelopes(run: ItemInput) -> list[Finding]:
    return structure_checks.envelope_findings(run.model)


def _unfinished(run: ItemInput) -> list[Finding]:
    return structure_checks.unfinished_findings(run.model)


def _dialect(run: ItemInput) -> list[Finding]:
    return dialect.dialect_findings(run.model, run.engine)


def _instruments(doc: DocumentInput) -> list[Finding]:
    return structure_checks.instrument_findings(doc.model)


def _undefined_globals(doc: DocumentInput) -> list[Finding]:
    macro_refs = [*doc.model.macro_uses, *doc.extra_macro_uses]
    if doc.any_macros and variable_checks.macros_may_define(doc.model.source, macro_refs):
        return []
    elsewhere: frozenset[str] = frozenset()
    if doc.includes_unresolved:
        included = _included(doc)
        if included is None:
            return []
        elsewhere = included.globals
    found: list[Finding] = []
    for name, uses in doc.global_uses.items():
        if name not in doc.global_defs and name not in elsewhere and uses:
            found += variable_checks.undefined_global(name, uses)
    return found


def _score(doc: DocumentInput) -> list[Finding]:
    if doc.any_macros:
        return []
    return structure_checks.score_findings(
        doc.model, includes_unresolved=doc.includes_unresolved, pfields=doc.pfields
    )


def _score_statements(doc: DocumentInput) -> list[Finding]:
    return structure_checks.score_statement_findings(doc.model)


def _tables(doc: DocumentInput) -> list[Finding]:
    if doc.any_macros or doc.includes_unresolved:
        return []
    return structure_checks.missing_tables(doc.model, doc.tables_defined, doc.tables_used)


def _header(doc: DocumentInput) -> list[Finding]:
    return structure_checks.header_findings(doc.model)


def _options(doc: DocumentInput) -> list[Finding]:
    return structure_checks.option_findings(doc.model)


def _includes(doc: DocumentInput) -> list[Finding]:
    return structure_checks.include_findings(doc.model)


def _csd_start(doc: DocumentInput) -> list[Finding]:
    return structure_checks.csd_start_findings(doc.model)


def _included_files(doc: DocumentInput) -> list[Finding]:
    """Errors inside the files the document `#include`s, on the `#include` line."""
    return include_checks.include_findings(doc.origin, doc.model, _alone(doc.catalog))


def _macros(doc: DocumentInput) -> list[Finding]:
    elsewhere: frozenset[str] = frozenset()
    if doc.includes_unresolved:
        included = _included(doc)
        if included is None:
            return []
        elsewhere = included.macros
    return structure_checks.macro_findings(
        doc.model, includes_unresolved=False, extra_uses=doc.extra_macro_uses, defined_elsewhere=elsewhere
    )


def _unknown_opcodes_with_includes(doc: DocumentInput) -> list[Finding]:
    """Unknown opcodes of a document with includes (the item check leaves them to this one)."""
    if not doc.includes_unresolved:
        return []
    facts = doc.facts.get("unknown-opcodes-with-includes", [])
    return program_checks.unknown_opcode_findings(doc.model, doc.catalog, facts, _included(doc))


def _included(doc: DocumentInput) -> include_checks.Definitions | None:
    """What the document's includes define, where every one of them was read."""
    return include_checks.included_definitions(doc.origin, doc.model, _alone(doc.catalog))


def _alone(catalog: Catalog) -> include_checks.Analyse:
    """Every check on an included file's model, out of its context: definitions in the including
    file are unknown, so checks that need them stay quiet (as for a document with unread includes)."""

    def analyse(model: DocumentModel) -> list[Finding]:
        return whole_document_findings(
            ItemInput(model, catalog, includes_unresolved=True, report_unused=False)
        )

    return analyse


def amplitudes_without_0dbfs(doc: DocumentInput) -> list[Finding]:
    """Amplitudes sized for full scale 32768 with no `0dbfs`: a warning, since setting `0dbfs = 1`
    (what most code does today) would clip them; it replaces the information that 0dbfs is unset."""
    model = doc.model
    orchestra = next((s for s in model.sections if s.tag in ("CsInstruments", "CsOrchestra")), None)
    if orchestra is None or not model.instruments or "0dbfs" in model.header:
        return []
    scale = amplitudes.combined_scale(model, doc.facts.get("amplitudes-without-0dbfs", []))
    if not scale.sixteen_bit:
        return []
    line_end = model.source.find(b"\n", orchestra.start_byte)
    largest = f"{scale.largest:g}"
    return [
        Finding(
            orchestra.start_byte,
            line_end if line_end != -1 else orchestra.start_byte,
            Severity.WARNING,
            "amplitudes-without-0dbfs",
            f"0dbfs is not set: full scale is 32768, and these amplitudes (up to {largest}) are sized "
            "for it; set 0dbfs = 32768 to say so",
            data={"missing": "0dbfs", "largest": scale.largest},
        )
    ]


#: Every static check, in the order its findings are gathered (ties in the final sort keep it).
CHECKS: list[Check] = [
    Check("opcodes", "item", _opcodes),
    Check("variables", "item", _variables),
    Check("instruments", "document", _instruments),
    Check("undefined-globals", "document", _undefined_globals),
    Check("score", "document", _score),
    Check("score-statements", "document", _score_statements),
    Check("tables", "document", _tables),
    Check("envelopes", "item", _envelopes),
    Check("unfinished", "item", _unfinished),
    Check("dialect", "item", _dialect),
    Check("header", "document", _header),
    Check("options", "document", _options),
    Check("includes", "document", _includes),
    Check("csd-start", "document", _csd_start),
    Check("included-files", "document", _included_files),
    Check("macros", "document", _macros),
    Check(
        "unknown-opcodes-with-includes",
        "document",
        _unknown_opcodes_with_includes,
        facts=program_checks.unknown_call_facts,
    ),
    Check(
        "amplitudes-without-0dbfs",
        "document",
        amplitudes_without_0dbfs,
        supersedes=("missing-header",),
        facts=amplitudes.amplitude_facts,
    ),
]


# -- running them -------------------------------------------------------------------------------------

#: (check, exception) pairs already logged: a failing check would otherwise log at every keystroke.
_LOGGED: set[tuple[str, str]] = set()


def _guarded(check: Check, given: ItemInput | DocumentInput) -> list[Finding]:
    try:
        return list(check.run(given))
    except Exception as error:  # one broken check must not lose every other diagnostic
        _log_once(check, error)
        return []


def _log_once(check: Check, error: Exception) -> None:
    key = (check.name, f"{type(error).__name__}: {error}")
    if key not in _LOGGED:
        if len(_LOGGED) > 1000:
            _LOGGED.clear()
        _LOGGED.add(key)
        log.exception("check %r failed; its findings are left out", check.name)


def item_facts(model: DocumentModel) -> dict[str, Any]:
    """What each check with a `facts` function reads from this model (only those with something)."""
    found: dict[str, Any] = {}
    for check in CHECKS:
        if check.facts is None:
            continue
        try:
            fact = check.facts(model)
        except Exception as error:  # as for findings: the check goes without, the others do not
            _log_once(check, error)
            continue
        if fact:
            found[check.name] = fact
    return found


def item_findings(given: ItemInput, checks: list[Check] | None = None) -> list[Finding]:
    """Every item check's findings on one model (none inside an `#ifdef` branch Csound may skip)."""
    found: list[Finding] = []
    for check in CHECKS if checks is None else checks:
        if check.scope == "item":
            found += _guarded(check, given)
    return conditionals.drop_in_item_branches(given.model, found)


def document_findings(given: DocumentInput, checks: list[Check] | None = None) -> list[Finding]:
    """Every document check's findings, with superseded ones dropped."""
    found: list[Finding] = []
    for check in CHECKS if checks is None else checks:
        if check.scope != "document":
            continue
        own = _guarded(check, given)
        if own and check.supersedes:
            ranges = {(f.start_byte, f.end_byte) for f in own}
            found = [
                f for f in found if not (f.code in check.supersedes and (f.start_byte, f.end_byte) in ranges)
            ]
        found += own
    return found


def whole_document_findings(given: ItemInput) -> list[Finding]:
    """Every check on a whole-document model (what `static_findings` runs)."""
    document = DocumentInput.of_model(
        given.model,
        given.catalog,
        includes_unresolved=given.includes_unresolved,
        report_unused=given.report_unused,
        engine=given.engine,
        origin=given.origin,
    )
    return item_findings(given) + document_findings(document)
