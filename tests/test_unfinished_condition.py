"""An `if` typed before its `then` stays one line's problem, even in a 5,000-line orchestra."""

from __future__ import annotations

import sys

from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.incremental import document_findings
from csound_lsp.syntax.document import Document, Position, Span
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from _orchestra import orchestra


def test_unfinished_if_and_while_are_reported_on_their_line() -> None:
    text = "instr 1\n  kRms = 1\n  if kRms > 0.1\n  a1 = 1\n  out a1\nendin\nwhile 1\n"
    document = Document("file:///x.orc", text)
    found = [f for f in static_findings(document) if f.code == "unfinished-condition"]
    assert [text[f.start_byte : f.end_byte] for f in found] == ["if kRms > 0.1", "while 1"]
    assert "'then'" in found[0].message and "'do'" in found[1].message
    assert document_findings(document) == static_findings(document)


def test_typing_an_if_in_a_long_orchestra_keeps_the_rest_parsed() -> None:
    text = orchestra(5000)
    document = Document("file:///x.orc", text)
    lines = text.split("\n")
    row = [n for n, line in enumerate(lines) if line.startswith("instr ")][80] + 2
    document = document.edited([(Span(Position(row, 0), Position(row, 0)), "\n")])  # a fresh line
    before = len(document_findings(document))
    typed = "  if kRms > 0.1"
    for column, key in enumerate(typed):
        document = document.edited([(Span(Position(row, column), Position(row, column)), key)])
        assert document.tree.root_node.type == "orchestra"
        found = document_findings(document)
        # this instrument's problems only (a bare `if` reads the next line as its condition, so that
        # line's variable counts as unassigned for a moment), never the whole file turning red
        assert len(found) <= before + 10, (typed[: column + 1], len(found))
    assert any(f.code == "unfinished-condition" for f in document_findings(document))
