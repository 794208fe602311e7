"""What real Csound files do that the manual does not: the installed grammar parses it, the model reads it.

Each construct here is one Csound 6.18 accepts (checked when the corpus tests were written); the
tree-sitter corpus tests pin the trees, these check the parser the server really loads and the
document model built on it.
"""

from __future__ import annotations

from tree_sitter import Node

from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import full_model
from csound_lsp.syntax.languages import FileKind
from csound_lsp.syntax.model import ScopeKind

CSD = """Notes on this piece, by A. Composer<composer@example.org>
<html><body>
<CsoundSynthesizer>
<CsoundSynthesizer>
<Cabbage>
form caption("Pad") size(300, 200)
</Cabbage>
<CsOptions>
-n
</CsOptions>
</p>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1
#define VOICE #3#
gkKey3 init 0
instr 1
kLow init 1
kHigh init 2
kLow, kHigh = kHigh, kLow
iIndex = 0
fill:
loop_lt, iIndex, 1, 4, fill
kWobble lfo, 10, 3
kGate$VOICE trigger gkKey$VOICE, 0.5, 0
prints "first half \\
second half"
aSig = 0
outs, aSig, aSig
endin
</CsInstruments>
<CsScore>
i 1 0 1 loud
c notes to myself
i 1 [1 + [2 * 0.5]] 1
e
i 1 5 1 never played
</CsScore>
</CsoundSynthesizer>
</body></html>
"""


def _nodes(node: Node, node_type: str) -> list[Node]:
    found = [node] if node.type == node_type else []
    for child in node.children:
        found.extend(_nodes(child, node_type))
    return found


def _instrument_variables(document: Document) -> dict[str, int]:
    scopes = [s for s in full_model(document).scopes if s.kind is ScopeKind.INSTRUMENT]
    assert len(scopes) == 1
    return {name: len(variable.definitions) for name, variable in scopes[0].variables.items()}


def test_real_world_csd_parses_without_error_nodes() -> None:
    document = Document("file:///piece.csd", CSD, kind=FileKind.CSD)
    assert not document.tree.root_node.has_error, str(document.tree.root_node)


def test_tags_csound_skips_are_stray_tags_not_sections() -> None:
    root = Document("file:///piece.csd", CSD, kind=FileKind.CSD).tree.root_node
    stray = [n.child_by_field_name("name") for n in _nodes(root, "stray_tag")]
    names = [n.text.decode() for n in stray if n is not None and n.text is not None]
    assert names == ["html", "body", "CsoundSynthesizer", "p", "body", "html"]
    assert [n.type for n in _nodes(root, "instruments_section")] == ["instruments_section"]


def test_multiple_assignment_defines_every_target() -> None:
    variables = _instrument_variables(Document("file:///piece.csd", CSD, kind=FileKind.CSD))
    # `init` once, then the swap: two definitions each.
    assert variables["kLow"] == 2
    assert variables["kHigh"] == 2


def test_comma_after_the_opcode_keeps_the_opcode() -> None:
    document = Document("file:///piece.csd", CSD, kind=FileKind.CSD)
    calls = [call.name for scope in full_model(document).scopes for call in scope.calls]
    assert "loop_lt" in calls and "lfo" in calls and "outs" in calls
    assert "aSig" not in calls  # `outs, aSig, aSig` is not outputs `outs, aSig` of an opcode `aSig`


def test_score_after_e_is_skipped_and_words_are_score_words() -> None:
    root = Document("file:///piece.csd", CSD, kind=FileKind.CSD).tree.root_node
    skipped = _nodes(root, "skipped_text")
    assert [n.text for n in skipped] == [b"i 1 5 1 never played"]
    words = [n.text for n in _nodes(root, "score_word")]
    assert words == [b"loud", b"notes", b"to", b"myself"]


def test_score_bin_body_is_raw_text() -> None:
    text = (
        '<CsoundSynthesizer>\n<CsScore bin="python3">\nprint("i 1 0 1")  # [ < $\n'
        "</CsScore>\n</CsoundSynthesizer>\n"
    )
    root = Document("file:///bin.csd", text, kind=FileKind.CSD).tree.root_node
    assert not root.has_error
    section = _nodes(root, "score_section")[0]
    assert [c.type for c in section.named_children] == ["start_tag", "raw_text", "end_tag"]
    assert _nodes(section, "score_statement") == []


def test_lone_carriage_returns_end_lines() -> None:
    text = "instr 1\riAmp = 0.5 ; a comment\raOut oscili iAmp, 440\rout aOut\rendin\r"
    document = Document("file:///old.orc", text, kind=FileKind.ORC)
    assert not document.tree.root_node.has_error, str(document.tree.root_node)
    assert [i.names[0].text for i in full_model(document).instruments] == ["1"]
    assert _instrument_variables(document) == {"iAmp": 1, "aOut": 1}
