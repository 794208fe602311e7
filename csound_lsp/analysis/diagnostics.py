"""Static diagnostics: every analysis that runs on each change, combined in one call."""

from __future__ import annotations

from csound_lsp.analysis.findings import Finding
from csound_lsp.analysis.syntax_errors import syntax_errors
from csound_lsp.syntax.document import Document


def static_findings(document: Document) -> list[Finding]:
    """All static findings for a document, sorted by position."""
    findings = syntax_errors(document.tree, document.source)
    findings.sort(key=lambda f: (f.start_byte, f.end_byte, f.code))
    return findings
