"""Which Csound a document is written for, and what the engine that compiles it will not read.

One grammar reads Csound 6 and Csound 7 alike; the model marks the constructs only one of them
reads (`DialectMark`). A document's dialect is 7 when the engine is Csound 7 or when the document
uses Csound 7 syntax (typed names, new-style UDOs, `struct` ...), else 6. The diagnostics measure the
document against the engine that will compile it (`csound.engine`):

- engine 6, Csound 7 syntax: one error at the first Csound 7 construct of each instrument, UDO or
  stretch of global code (Csound 6 stops at the first one too), saying how many more follow;
- engine 7, a Csound 6 leniency Csound 7 rejects: one error on each (each needs its own edit);
- engine 7, an opcode Csound 7.0's list does not have (removed, or a plugin that build lacks).

Nothing else is reported for these constructs: the grammar reads them all, so there is no cascade
of syntax errors, and the analysis types them (`name:k`, loop variables, struct members).
"""

from __future__ import annotations

from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.catalog.versions import version_diff
from csound_lsp.syntax.model import DialectMark, DocumentModel, OpcodeCall


def document_dialect(model: DocumentModel, engine: int) -> int:
    """The Csound major version the document is written for (6 or 7)."""
    if engine >= 7 or any(mark.major == 7 for mark in model.dialect_marks):
        return 7
    return 6


def dialect_findings(model: DocumentModel, engine: int) -> list[Finding]:
    """The constructs the engine (6 or 7) cannot compile, one finding each as described above."""
    if engine >= 7:
        removed = version_diff().removed
        missing = [c for c in model.calls() if c.name in removed and c.name not in model.udos]
        return [_csound6_only(mark) for mark in model.dialect_marks if mark.major == 6] + [
            _not_in_csound7(call) for call in missing
        ]
    by_scope: dict[int, list[DialectMark]] = {}
    for mark in model.dialect_marks:
        if mark.major == 7:
            by_scope.setdefault(model.scope_at(mark.start_byte).start_byte, []).append(mark)
    findings: list[Finding] = []
    for marks in by_scope.values():
        marks.sort(key=lambda m: (m.start_byte, m.end_byte))
        first = marks[0]
        more = len({(m.start_byte, m.end_byte) for m in marks}) - 1
        message = (
            f"{_capital(first.what)} is Csound 7 syntax: the engine that compiles this document is "
            "Csound 6, which cannot read it (set csound.engine to 7 to compile with Csound 7)"
        )
        if more:
            message += f"; {more} more Csound 7 construct{'s' if more > 1 else ''} below here"
        findings.append(Finding(first.start_byte, first.end_byte, Severity.ERROR, "csound7-syntax", message))
    return findings


def _csound6_only(mark: DialectMark) -> Finding:
    return Finding(
        mark.start_byte,
        mark.end_byte,
        Severity.ERROR,
        "csound6-only",
        f"{_capital(mark.what)}: Csound 6 accepts this, Csound 7 (the engine that compiles this "
        "document) rejects it",
    )


def _not_in_csound7(call: OpcodeCall) -> Finding:
    return Finding(
        call.ref.start_byte,
        call.ref.end_byte,
        Severity.ERROR,
        "not-in-csound7",
        f"'{call.name}' is not in Csound 7.0's opcode list: Csound 7 (the engine that compiles this "
        "document) rejects it, unless a plugin library adds it",
        data={"name": call.name},
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
