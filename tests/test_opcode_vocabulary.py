"""The shipped musicians' vocabulary per opcode and its checks."""

from __future__ import annotations

import json
from pathlib import Path

from csound_lsp.catalog.descriptions import VOCABULARY_JSON, validate_vocabulary, vocabulary
from csound_lsp.retrieval.opcodes import load_opcode_names


def test_shipped_vocabulary_passes_its_checks() -> None:
    known = load_opcode_names()
    assert validate_vocabulary(known) == []
    found = vocabulary()
    assert len(found) > 1200
    assert "muffle" in found["moogladder"]
    assert json.loads(VOCABULARY_JSON.read_text(encoding="utf-8"))["about"].startswith("Written blind")


def test_checks_reject_unknown_opcodes_and_long_or_capitalised_phrases(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.json"
    entries = {
        "moogladder": ["warm lowpass", "Muffle", "a phrase of far too many words for anyone to type"],
        "notAnOpcode": ["some filter"],
        "tone": ["cut the highs", "cut the highs"],
        "butterhp": [],
        "reverb2": [" padded "],
    }
    path.write_text(json.dumps({"about": "test", "opcodes": entries}), encoding="utf-8")
    problems = "\n".join(validate_vocabulary(load_opcode_names(), path))
    assert "notAnOpcode: not an opcode" in problems
    assert "'Muffle' is not plain lower-case words" in problems
    assert "longer than a short phrase" in problems
    assert "tone: a phrase is listed twice" in problems
    assert "butterhp: no phrases" in problems
    assert "' padded ' is not plain" in problems
    assert "warm lowpass" not in problems
