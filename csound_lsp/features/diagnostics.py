"""Diagnostics per open document: static findings on every change (incremental, cached per
instrument) merged with the real Csound's verdict, so a problem is never reported twice.

Diagnostics are kept in LSP's JSON form, ready to send: converting a finding to an lsprotocol object
and that to JSON costs more than finding it. An item's findings are converted once per analysis and
kept in its item entry with lines relative to the item's first line; a version only moves them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lsprotocol.converters import get_converter

from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.analysis.incremental import VersionFindings, document_findings
from csound_lsp.analysis.item_facts import ItemResult
from csound_lsp.features import convert
from csound_lsp.settings import DiagnosticsSettings
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.items import Slot

#: A diagnostic as LSP's JSON (what `publishDiagnostics` carries).
Json = dict[str, Any]

#: An item's findings in JSON, lines relative to its first line, with the analysis they came from.
_CONVERTED: Slot[tuple[ItemResult, list[Json]]] = Slot("diagnostics, converted")
_CONVERTER = get_converter()


@dataclass
class DocumentDiagnostics:
    """What is known about one document: its static findings and Csound's findings for a version."""

    static: list[Finding] = field(default_factory=list)
    #: `static` in LSP's JSON form, for the version they were found in.
    static_json: list[Json] = field(default_factory=list)
    csound: list[Finding] = field(default_factory=list)
    csound_version: int | None = None


class DiagnosticsManager:
    def __init__(self) -> None:
        self._documents: dict[str, DocumentDiagnostics] = {}

    def state(self, uri: str) -> DocumentDiagnostics:
        return self._documents.setdefault(uri, DocumentDiagnostics())

    def forget(self, uri: str) -> None:
        self._documents.pop(uri, None)

    def update_static(self, document: Document, settings: DiagnosticsSettings) -> None:
        """The static findings of a version, computed here (the server computes them on a worker
        thread and hands them over with `set_static`)."""
        findings = (
            document_findings(document, report_unused=settings.unused_variables) if settings.static else []
        )
        self.set_static(document, findings, static_diagnostics(document, VersionFindings(findings, {})))

    def set_static(self, document: Document, findings: list[Finding], converted: list[Json]) -> None:
        state = self.state(document.uri)
        state.static = findings
        state.static_json = converted

    def set_csound(self, document: Document, findings: list[Finding], version: int | None) -> None:
        state = self.state(document.uri)
        state.csound = findings
        state.csound_version = version

    def lsp_diagnostics(self, document: Document) -> list[Json]:
        """What to publish for a version, in LSP's JSON form."""
        state = self.state(document.uri)
        csound = state.csound if state.csound_version == document.version else []
        if not csound:
            return state.static_json
        return [diagnostic_json(document, f) for f in merge_findings(state.static, csound)]


def diagnostic_json(document: Document, finding: Finding) -> Json:
    found: Json = _CONVERTER.unstructure(convert.diagnostic(document, finding))
    return found


def static_diagnostics(document: Document, found: VersionFindings) -> list[Json]:
    """Static findings in LSP's JSON form, an item's from its entry when its analysis is unchanged."""
    converted: list[Json] = []
    for finding in found.findings:
        origin = found.origin.get(id(finding))
        if origin is None:
            converted.append(diagnostic_json(document, finding))
            continue
        row = origin.row
        kept = origin.entry.get(_CONVERTED)
        if kept is None or kept[0] is not origin.analysis.result:
            relative = [
                _moved(diagnostic_json(document, f), -row) for f in origin.analysis.findings_at(origin.base)
            ]
            kept = (origin.analysis.result, relative)
            origin.entry.put(_CONVERTED, kept)
        converted.append(_moved(kept[1][origin.index], row) if row else kept[1][origin.index])
    return converted


def _moved(diagnostic: Json, lines: int) -> Json:
    span = diagnostic["range"]
    start, end = span["start"], span["end"]
    return {
        **diagnostic,
        "range": {
            "start": {"line": start["line"] + lines, "character": start["character"]},
            "end": {"line": end["line"] + lines, "character": end["character"]},
        },
    }


def merge_findings(static: list[Finding], csound: list[Finding]) -> list[Finding]:
    """Ours first; Csound's message is kept only where none of our errors covers its line.

    Csound names a line (and only its first error); ours carry ranges and readable words. When
    both point at the same line the user sees ours, once. Csound's findings span their whole line.
    """
    if not csound:
        return static
    errors = [(f.start_byte, f.end_byte) for f in static if f.severity == Severity.ERROR]
    merged = list(static)
    for finding in csound:
        if any(start <= finding.end_byte and finding.start_byte <= end for start, end in errors):
            continue
        merged.append(finding)
    merged.sort(key=lambda f: (f.start_byte, f.end_byte, f.code))
    return merged
