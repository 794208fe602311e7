"""Diagnostics per open document: static findings on every change (incremental, cached per
instrument) merged with the real Csound's verdict, so a problem is never reported twice."""

from __future__ import annotations

from dataclasses import dataclass, field

from lsprotocol import types

from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.analysis.incremental import document_findings
from csound_lsp.features import convert
from csound_lsp.settings import DiagnosticsSettings
from csound_lsp.syntax.document import Document


@dataclass
class DocumentDiagnostics:
    """What is known about one document: its static findings and Csound's findings for a version."""

    static: list[Finding] = field(default_factory=list)
    #: `static` in LSP's form, for the version they were found in.
    static_lsp: list[types.Diagnostic] = field(default_factory=list)
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
        self.set_static(document, findings, static_diagnostics(document, findings))

    def set_static(
        self, document: Document, findings: list[Finding], converted: list[types.Diagnostic]
    ) -> None:
        state = self.state(document.uri)
        state.static = findings
        state.static_lsp = converted

    def set_csound(self, document: Document, findings: list[Finding], version: int | None) -> None:
        state = self.state(document.uri)
        state.csound = findings
        state.csound_version = version

    def lsp_diagnostics(self, document: Document) -> list[types.Diagnostic]:
        state = self.state(document.uri)
        csound = state.csound if state.csound_version == document.version else []
        if not csound:
            return state.static_lsp
        return [convert.diagnostic(document, f) for f in merge_findings(state.static, csound)]


def static_diagnostics(document: Document, findings: list[Finding]) -> list[types.Diagnostic]:
    """Static findings in LSP's form."""
    return [convert.diagnostic(document, f) for f in findings]


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
