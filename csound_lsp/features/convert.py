"""Conversions between our syntax/analysis types and lsprotocol's, in one place."""

from __future__ import annotations

from lsprotocol import types

from csound_lsp.analysis.findings import Finding
from csound_lsp.syntax.document import Document, Position, Span


def position_from_lsp(position: types.Position) -> Position:
    return Position(position.line, position.character)


def span_from_lsp(range_: types.Range) -> Span:
    return Span(position_from_lsp(range_.start), position_from_lsp(range_.end))


def to_lsp_position(position: Position) -> types.Position:
    return types.Position(line=position.line, character=position.character)


def to_lsp_range(span: Span) -> types.Range:
    return types.Range(start=to_lsp_position(span.start), end=to_lsp_position(span.end))


def byte_range(document: Document, start_byte: int, end_byte: int) -> types.Range:
    return to_lsp_range(document.index.span(start_byte, end_byte))


def diagnostic(document: Document, finding: Finding) -> types.Diagnostic:
    tags: list[types.DiagnosticTag] = []
    if finding.unnecessary:
        tags.append(types.DiagnosticTag.Unnecessary)
    if finding.deprecated:
        tags.append(types.DiagnosticTag.Deprecated)
    return types.Diagnostic(
        range=byte_range(document, finding.start_byte, finding.end_byte),
        message=finding.message,
        severity=types.DiagnosticSeverity(int(finding.severity)),
        code=finding.code,
        source=finding.source,
        tags=tags or None,
        data=finding.data or None,
    )
