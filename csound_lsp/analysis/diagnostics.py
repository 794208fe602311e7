"""Static diagnostics: every analysis that runs on each change, combined in one call."""

from __future__ import annotations

from csound_lsp.analysis import registry
from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.analysis.syntax_errors import syntax_errors
from csound_lsp.catalog import Catalog
from csound_lsp.catalog.versions import catalog_for, current_major
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import full_model
from csound_lsp.syntax.model import DocumentModel

#: Past this many syntax errors the tree is too broken for the semantic checks to say anything useful.
SEMANTIC_LIMIT = 50
#: Past this size only syntax is checked, so a huge generated file stays responsive.
SEMANTIC_MAX_BYTES = 2 * 1024 * 1024


def too_large(source: bytes) -> Finding | None:
    if len(source) <= SEMANTIC_MAX_BYTES:
        return None
    end = source.find(b"\n")
    return Finding(
        0,
        end if end != -1 else 0,
        Severity.INFORMATION,
        "large-file",
        f"file is {len(source) // (1024 * 1024)} MB: only syntax is checked above "
        f"{SEMANTIC_MAX_BYTES // (1024 * 1024)} MB",
    )


def semantic_findings(
    model: DocumentModel,
    catalog: Catalog,
    *,
    includes_unresolved: bool = False,
    report_unused: bool = True,
    engine: int = 6,
    origin: str = "",
) -> list[Finding]:
    """Every check in the registry (`analysis.registry.CHECKS`) on the whole model; `origin` is the
    document's URI (checks that read its included files look beside it)."""
    return registry.whole_document_findings(
        registry.ItemInput(
            model,
            catalog,
            includes_unresolved=includes_unresolved,
            report_unused=report_unused,
            engine=engine,
            origin=origin,
        )
    )


def static_findings(
    document: Document,
    catalog: Catalog | None = None,
    *,
    includes_unresolved: bool | None = None,
    report_unused: bool = True,
    engine: int | None = None,
) -> list[Finding]:
    """All static findings for a document, sorted by position.

    `includes_unresolved` says whether some `#include` could not be read; when None, any include
    counts as unresolved (callers that resolve includes pass the real answer). `engine` is the Csound
    major version that compiles the document (None: the server's `csound.engine`, 6 until set); it
    picks the catalog (`catalog_for`) and what `analysis.dialect` reports.
    """
    major = current_major() if engine is None else engine
    findings = syntax_errors(document.tree, document.source)
    large = too_large(document.source)
    if large is not None:
        findings.append(large)
    elif len(findings) <= SEMANTIC_LIMIT:
        model = full_model(document)
        unresolved = bool(model.includes) if includes_unresolved is None else includes_unresolved
        semantic = semantic_findings(
            model,
            catalog or catalog_for(major),
            includes_unresolved=unresolved,
            report_unused=report_unused,
            engine=major,
            origin=document.uri,
        )
        findings += drop_inside_syntax_errors(semantic, findings)
    findings.sort(key=lambda f: (f.start_byte, f.end_byte, f.code))
    return findings


def drop_inside_syntax_errors(semantic: list[Finding], syntax: list[Finding]) -> list[Finding]:
    """Drops semantic findings inside a syntax error's line: one problem, one message."""
    if not syntax:
        return semantic
    spans = [(f.start_byte, f.end_byte) for f in syntax if f.code in ("syntax-error", "score-syntax")]
    return [f for f in semantic if not any(s <= f.start_byte <= e for s, e in spans)]
