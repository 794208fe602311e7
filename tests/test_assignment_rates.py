"""`iw = aSig` in a body that also holds broken text: Csound 6.18 has no i = a, and the check must
find every assignment of the body, whatever order tree-sitter's query hands them over in (the
capture list of a body with an error was not in document order, and varied from run to run, so
an assignment after an erroneous one was sometimes skipped)."""

from __future__ import annotations

from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.incremental import IncrementalDiagnostics
from csound_lsp.syntax.document import Document

BODY = """instr 1
  kLevel = 0.5
  kLevel = kLevel * 0.1
  iPeak = aTone  poscil kLevel, 440
  kRest = kLevel * 2
  outs aTone, aTone
endin
"""


def test_i_from_a_is_found_beside_broken_text_every_time() -> None:
    for _ in range(40):
        for findings in (
            static_findings(Document("file:///rates.orc", BODY, 1)),
            IncrementalDiagnostics().findings(Document("file:///rates.orc", BODY, 1)),
        ):
            mismatches = [f for f in findings if f.code == "rate-mismatch"]
            assert [BODY.encode()[f.start_byte : f.end_byte] for f in mismatches] == [b"aTone"]
