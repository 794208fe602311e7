"""The AI code actions at a range: a range the document no longer has (the editor asked about an
older version) gets an answer, never an exception."""

from __future__ import annotations

from lsprotocol import types

from csound_lsp.features.ai_actions import EXPLAIN_KIND, ai_action_provider
from csound_lsp.settings import Settings
from csound_lsp.syntax.document import Document

ORC = "instr 1\n  aSig oscili 0.5, 440\n  outs aSig, aSig\nendin\n"


def _params(line: int, character: int) -> types.CodeActionParams:
    where = types.Position(line=line, character=character)
    return types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri="file:///a.orc"),
        range=types.Range(start=where, end=where),
        context=types.CodeActionContext(diagnostics=[]),
    )


def test_explain_is_offered_on_an_opcode_line() -> None:
    actions = ai_action_provider(Document("file:///a.orc", ORC, 1), _params(1, 8), Settings())
    assert any(a.kind == EXPLAIN_KIND for a in actions)


def test_a_range_past_the_last_line_is_answered() -> None:
    document = Document("file:///a.orc", ORC, 1)
    for line in (4, 40, 4000):
        assert isinstance(ai_action_provider(document, _params(line, 3), Settings()), list)
