"""An edited document answers what a fresh open of its text answers: random adversarial edits through
the server's incremental path (`Document.edited`), every feature compared after every edit, over
every committed Csound file; plus the minimal cases found by hand, and the catalog and thread cases
where a cache could outlive what it read."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest
from lsprotocol import types

from csound_lsp.analysis.incremental import document_findings
from csound_lsp.catalog.opcodes import Catalog, Opcode, Overload, default_catalog, use_catalog
from csound_lsp.features import folding, navigation, semantic_tokens, symbols
from csound_lsp.features.convert import diagnostic
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.store import DocumentStore
from tests.differential import (
    FEATURES,
    Edit,
    Report,
    apply_to,
    compare,
    csound_files,
    fuzz_file,
    read,
    token_problems,
)

FILES = csound_files()

#: Broken text inside `instr 1` (an unclosed call, stray braces) above a healthy `instr 2`.
BROKEN_ORC = """sr = 48000
ksmps = 32
0dbfs = 1

instr 1
  aSig oscili 0.5, 440 ((
  kEnv linseg 0, 1, 1 }}
  outs aSig, aSig
endin

instr 2
  kCount = 0
  aNoise rand 0.1
  outs aNoise, aNoise
endin
"""

#: A statement three lines above a comment line: deleting from the statement's end to the comment
#: joins them.
JOIN_ORC = """instr 1
  aSig oscili 0.5, 440
  kEnv linseg 0, 1, 1
  aOut = aSig * kEnv
; the output stage, scaled by the envelope above
  outs aOut, aOut
endin
"""


def test_the_committed_files_are_many() -> None:
    assert len(FILES) >= 50


def test_random_edits_leave_no_divergence() -> None:
    """Seeded: each file takes a few edits (all features compared after each), a few files many."""
    donors = [read(p) for p in FILES]
    report = Report()
    for number, path in enumerate(FILES):
        edits = 24 if number % 25 == 0 else 3
        fuzz_file(path, read(path), donors, random.Random(f"diff:{path.name}"), edits, report)
    assert report.files == len(FILES)
    assert report.edits >= 3 * len(FILES)
    assert not report.divergences, [
        (d.path, d.edit_number, d.feature, d.what) for d in report.divergences[:5]
    ]
    assert not report.raised, [(d.path, d.edit_number, d.feature, d.what) for d in report.raised[:5]]


def _outline_names(document: Document) -> list[str]:
    return [s.name for s in symbols.document_symbols(document)]


def _equal_to_fresh(document: Document, text: str) -> None:
    report = Report()
    rng = random.Random(0)
    assert not compare(document, text, rng, report, "case", 0, probes=4), [
        (d.feature, d.what) for d in report.divergences
    ]


def test_typing_after_instr_2_below_broken_text_keeps_instr_2() -> None:
    """Type `z` at the end of the `instr 2` line, then delete it: outline, folding and highlights
    follow the text at each step (a cache keyed by bytes used to keep the `z` version's answer)."""
    document = Document("file:///broken.orc", BROKEN_ORC, 1)
    for name in FEATURES:
        FEATURES[name](document, [])
    assert _outline_names(document) == ["header", "instr 1", "instr 2"]
    end = BROKEN_ORC.index("instr 2") + len("instr 2")
    document, typed = apply_to(document, [Edit(end, end, "z", "type z")], BROKEN_ORC, 2)
    _equal_to_fresh(document, typed)
    document, back = apply_to(document, [Edit(end, end + 1, "", "delete z")], typed, 3)
    assert back == BROKEN_ORC
    _equal_to_fresh(document, back)
    assert _outline_names(document) == ["header", "instr 1", "instr 2"]
    line = BROKEN_ORC[:end].count("\n")
    assert any(r.start_line == line for r in folding.folding_ranges(document))
    at = types.Position(line=line, character=len("instr "))
    assert navigation.highlights(document, at)


def test_deleting_across_three_lines_into_a_comment_leaves_no_token_past_the_line_end() -> None:
    document = Document("file:///join.orc", JOIN_ORC, 1)
    semantic_tokens.full(document)
    start = JOIN_ORC.index("aSig * kEnv") + len("aSig")
    end = JOIN_ORC.index("; the output")
    # from inside the statement up to the comment's `;`, over the line break: the lines join
    document, joined = apply_to(document, [Edit(start, end, " ", "delete")], JOIN_ORC, 2)
    start = joined.index("oscili") + len("oscili")
    end = joined.index("aOut")
    document, joined = apply_to(document, [Edit(start, end, " ", "delete over three lines")], joined, 3)
    assert joined.count("\n") == JOIN_ORC.count("\n") - 3
    data = semantic_tokens.full(document)
    assert token_problems(document, data) == []
    _equal_to_fresh(document, joined)


def test_a_new_catalog_reclassifies_cached_items() -> None:
    """The installed Csound's opcodes merge in after start-up: cached tokens and findings follow."""
    text = "instr 1\n  aOut myplugop 0.5\n  outs aOut, aOut\nendin\ninstr 2\n  kx = 1\nendin\n"
    document = Document("file:///plugin.orc", text, 1)
    before_codes = [f.code for f in document_findings(document)]
    before_tokens = semantic_tokens.full(document)
    assert "unknown-opcode" in before_codes
    original = default_catalog()
    extra = Opcode("myplugop", (Overload("a", "k"),))
    use_catalog(Catalog({**original.opcodes, "myplugop": extra}))
    try:
        fresh = Document("file:///plugin.orc", text, 1)
        assert "unknown-opcode" not in [f.code for f in document_findings(fresh)]
        assert [f.code for f in document_findings(document)] == [f.code for f in document_findings(fresh)]
        assert semantic_tokens.full(document) == semantic_tokens.full(fresh)
        assert semantic_tokens.full(document) != before_tokens
    finally:
        use_catalog(original)
    assert [f.code for f in document_findings(document)] == before_codes


def test_the_workspace_index_thread_reads_the_saved_file_not_the_open_document(tmp_path: Path) -> None:
    """The index runs on a thread; the open document is edited on the event loop meanwhile."""
    path = tmp_path / "piece.orc"
    path.write_text("instr 1\nendin\n")
    store = DocumentStore()
    opened = store.open(path.as_uri(), "instr 1\nendin\ninstr 2\nendin\n", 1)
    index = symbols.WorkspaceIndex()
    thread = threading.Thread(target=index.index_path, args=(store, str(path)))
    thread.start()
    thread.join()
    assert [e.name for e in index.search("instr")] == ["instr 1"]
    assert store.for_path(str(path)) is opened
    assert [e.name for e in index.search("instr", [opened])] == ["instr 1", "instr 2"]


LF = (
    "sr = 48000\n\ninstr 1\n  aSig oscili 0.5, 440 ; a tone\n  outs aSig, aSig\nendin\n"
    "\ninstr 2\n  kx = 1\nendin\n"
)


@pytest.mark.parametrize("ending", ["\r", "\r\n"])
def test_old_mac_line_ends_are_line_breaks(ending: str) -> None:
    """Lone CR (and CRLF) files give the LF twin's outline, folding and tokens, position for position."""
    twin = Document("file:///twin.orc", LF, 1)
    other = Document("file:///mac.orc", LF.replace("\n", ending), 1)
    assert other.index.line_count == twin.index.line_count
    assert symbols.document_symbols(other) == symbols.document_symbols(twin)
    assert folding.folding_ranges(other) == folding.folding_ranges(twin)
    assert semantic_tokens.full(other) == semantic_tokens.full(twin)
    assert [diagnostic(other, f) for f in document_findings(other)] == [
        diagnostic(twin, f) for f in document_findings(twin)
    ]


def test_mixed_line_ends_give_no_token_past_a_line_end() -> None:
    text = "instr 1\r\n  aSig oscili 0.5, 440 ; tone\r  outs aSig, aSig\n; end\rendin\r\n"
    document = Document("file:///mixed.orc", text, 1)
    data = semantic_tokens.full(document)
    assert data and token_problems(document, data) == []
    assert [s.name for s in symbols.document_symbols(document)] == ["instr 1"]


def test_a_lone_cr_typed_and_removed_keeps_the_tree_in_step() -> None:
    """A `\\r` before an inserted `\\n` stops being lone: the parser's view of it changes too."""
    document = Document("file:///cr.orc", "instr 1\rendin\r", 1)
    tree = FEATURES["tree"]
    document, text = apply_to(document, [Edit(8, 8, "\n", "newline after a lone CR")], "instr 1\rendin\r", 2)
    assert text == "instr 1\r\nendin\r"
    assert tree(document, []) == tree(Document("file:///f.orc", text), [])
    document, text = apply_to(document, [Edit(7, 9, "\r", "back to a lone CR")], text, 3)
    assert text == "instr 1\rendin\r"
    assert tree(document, []) == tree(Document("file:///f.orc", text), [])
    assert [s.name for s in symbols.document_symbols(document)] == ["instr 1"]


#: A line that reads as an opcode `print` with no arguments, then a line starting with a comma: the
#: parser reads the second as a statement whose opcode is a MISSING name.
MISSING_ORC = (
    "sr = 48000\nksmps = 32\nprint\n, 0.5\ninstr 2\n  aSig oscili 0.5, 440\n  outs aSig, aSig\nendin\n"
)


@pytest.mark.parametrize(
    ("text", "old", "new"),
    [
        ("i\n,0", "i\n", '""'),
        (MISSING_ORC, "print\n", '"tone.wav"'),
        (MISSING_ORC, "print\n", "1"),
    ],
)
def test_a_statement_starting_with_a_missing_name_is_not_reused_after_an_error(
    text: str, old: str, new: str
) -> None:
    """Tree-sitter reuses a statement whose first token is a MISSING one and, in error recovery,
    takes that zero-width token for a real name: the reparse recovered as no fresh parse can (the
    public file pvmsg.orc, 26 edits in, diverged this way). Such statements are read again."""
    document = Document("file:///missing.orc", text, 1)
    assert "MISSING" in str(document.tree.root_node)
    start = text.index(old)
    document, edited = apply_to(document, [Edit(start, start + len(old), new, "replace")], text, 2)
    _equal_to_fresh(document, edited)
    # and back again, as an undo sends it
    document, back = apply_to(document, [Edit(start, start + len(new), old, "undo")], edited, 3)
    assert back == text
    _equal_to_fresh(document, back)


def test_globals_assigned_before_an_edit_that_stops_the_analysis_are_not_offered() -> None:
    """A paste over a global's line that leaves more syntax errors than the analysis reads past stops
    it early; the global the version before assigned must not stay offered by completion (a fresh
    open of the same text offers none). The public MultitapDelay.csd diverged this way, 61 edits in."""
    text = "gaReverb init 0\n\ninstr 1\n  aSig oscili 0.5, 440\n  outs aSig, aSig\nendin\n"
    document = Document("file:///globals.orc", text, 1)
    document_findings(document)
    position = types.Position(line=4, character=7)  # the start of `outs`
    assert ("gaReverb", types.CompletionItemKind.Variable) in FEATURES["completion"](document, [position])[0]
    broken = "".join(f"instr {number}\n  x (( }}\nendin\n" for number in range(2, 62))
    end = len("gaReverb init 0\n")
    document, edited = apply_to(document, [Edit(0, end, broken, "paste over")], text, 2)
    assert len([f for f in document_findings(document) if f.code == "syntax-error"]) > 50
    fresh = Document(document.uri, edited, 2)
    document_findings(fresh)
    moved = types.Position(line=position.line + 180 - 1, character=7)
    assert FEATURES["completion"](document, [moved]) == FEATURES["completion"](fresh, [moved])
    _equal_to_fresh(document, edited)


def test_an_unchanged_broken_instrument_read_another_way_is_analysed_again() -> None:
    """A paste into `instr 2` makes the parser read the unchanged, broken `instr 1` another way (an
    error around `mySample.wav",0`, then a member access with the error after it) with as many
    nodes: its entry, keyed by bytes and size, used to keep the first reading's findings. Where the
    parser recovered is part of the key now. (Old Mac line ends, as in the public file that showed it.)"""
    lines = [
        "sr=44100",
        "ksmps=10",
        "",
        "instr 1",
        "iamp=p4*.;1",
        "",
        'a1\tdiskin2\tmySample.wav",0',
        "a1=a1*k1",
        "out\ta1",
        "endin",
        "",
        "instr 2",
        "iamp=p4*.1",
        "k1\tlin; a line that rises over the note's length and then falls back wk1\tlinen\tiamp,.01, p3, .01",
        'a1\tdiskin2\t"my]Sample.wa',
    ]
    text = "\r\r".join(lines)
    document = Document("file:///recovered.orc", text, 1)
    FEATURES["diagnostics"](document, [])
    at = text.index("over the note")
    document, edited = apply_to(document, [Edit(at, at, "</CsoundSynthesizer>\n\n", "paste")], text, 2)
    first = next(n for n in document.tree.root_node.named_children if n.type == "instrument_definition")
    before = Document("file:///recovered.orc", text, 1).tree.root_node.named_children
    assert str(first) != str(next(n for n in before if n.type == "instrument_definition"))  # read another way
    _equal_to_fresh(document, edited)
