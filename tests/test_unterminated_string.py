"""A string left open while typing ends with its line: one error there, and the rest of the file intact."""

from __future__ import annotations

from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.incremental import document_findings
from csound_lsp.features.symbols import document_symbols
from csound_lsp.syntax.document import Document

OPEN = 'instr 1\n  Sx = "unfinished\n  out oscili(0.1, 440)\nendin\n\ninstr 2\n  prints "ok"\nendin\n'


def test_one_error_on_the_line_and_both_instruments_in_the_outline() -> None:
    document = Document("file:///tmp/open-string.orc", OPEN)
    assert not document.tree.root_node.has_error
    errors = [f for f in static_findings(document) if f.severity.name == "ERROR"]
    assert [(f.code, document.index.point(f.start_byte).row) for f in errors] == [("unterminated-string", 1)]
    assert [f.code for f in document_findings(document)] == [f.code for f in static_findings(document)]
    names = [symbol.name for symbol in document_symbols(document)]
    assert len(names) == 2, names


def test_quotes_in_comments_and_escaped_quotes_are_not_open_strings() -> None:
    text = 'instr 1\n  prints "a \\" b\\n"\n  Sy = "ok" ; a "quote in a comment\n  prints Sy\nendin\n'
    document = Document("file:///tmp/quotes.orc", text)
    assert not [f for f in static_findings(document) if f.code == "unterminated-string"]
