"""Chunking real Csound text, with the grammar and with the line-based fallback."""

from __future__ import annotations

import pytest

from csound_lsp.retrieval.chunks import FileInfo, chunk_file
from csound_lsp.retrieval.engine import chunker_id
from tests.retrieval_fixtures import BELL, OPCODES, PLUCK


def _shape(use_grammar: bool) -> list[tuple[str, str, int, int, tuple[str, ...]]]:
    chunks = chunk_file("/x/pluck-body.csd", PLUCK, opcodes=OPCODES, use_grammar=use_grammar)
    return [(c.kind, c.name, c.start_line, c.end_line, c.opcodes) for c in chunks]


EXPECTED = [
    ("header", "header", 7, 10, ()),
    ("udo", "Body", 12, 18, ("resonz",)),
    ("instrument", "Pluck", 20, 25, ("Body", "cpsmidinn", "outs", "pluck")),
    ("score", "", 27, 31, ()),
    ("file", "x/pluck-body.csd", 1, 32, ("Body", "cpsmidinn", "outs", "pluck", "resonz")),
]


def test_chunks_follow_definitions_with_the_grammar() -> None:
    if not chunker_id().startswith("tree"):
        pytest.fail("the grammar extension is not built: run `pip install -e .`")
    assert _shape(use_grammar=True) == EXPECTED


def test_line_based_fallback_finds_the_same_chunks() -> None:
    assert _shape(use_grammar=False) == EXPECTED


def test_chunk_text_and_enriched_header() -> None:
    info = FileInfo("Plucked string", "A string into a body.", ("pluck",))
    chunks = chunk_file("/c/pluck-body.csd", PLUCK, info=info, opcodes=OPCODES)
    udo = next(c for c in chunks if c.kind == "udo")
    assert udo.text.startswith("; Body: two resonant filters")  # the comment above belongs to it
    assert udo.text.rstrip().endswith("endop")
    header = udo.header()
    assert "Title: Plucked string" in header
    assert "Tags: pluck" in header
    assert "Uses opcodes: resonz" in header
    assert udo.indexed_text().endswith(udo.text)
    score = next(c for c in chunks if c.kind == "score")
    assert "Plucked" not in score.header()  # scene-setting chunks do not borrow the file's words


def test_opcodes_come_from_code_not_comments() -> None:
    chunks = chunk_file("/c/fm-bell.csd", BELL, opcodes=OPCODES | {"mellow"})
    bell = next(c for c in chunks if c.kind == "instrument")
    assert bell.opcodes == ("expon", "foscili", "outs")


def test_broken_and_empty_input_gives_no_crash() -> None:
    assert chunk_file("/c/empty.csd", "") == []
    broken = "instr 1\n  a1 oscili 0.1,\n<<<garbage>>> \x01\ninstr 2\n"
    chunks = chunk_file("/c/broken.orc", broken, opcodes={"oscili"})
    assert chunks and all(c.start_line >= 1 and c.end_line >= c.start_line for c in chunks)


def test_long_definitions_are_windowed() -> None:
    body = "\n".join(f"  a{i} oscili 0.1, {i}" for i in range(400))
    text = f"instr Big\n{body}\nendin\n"
    chunks = chunk_file("/c/big.orc", text, opcodes={"oscili"})
    instruments = [c for c in chunks if c.kind == "instrument"]
    assert len(instruments) == 4
    assert instruments[0].start_line == 1 and instruments[-1].end_line == 402
    assert all(c.name == "Big" for c in instruments)
