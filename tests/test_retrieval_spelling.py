"""Mending a request's spelling against the index's words (retrieval/spelling.py), and in search."""

from __future__ import annotations

from pathlib import Path

from csound_lsp.retrieval import RetrievalEngine, Sources
from csound_lsp.retrieval.lexical import Bm25Index
from csound_lsp.retrieval.spelling import mend
from tests.retrieval_fixtures import OPCODES, write_corpus

INDEX = {"arpeggiator": 3, "oscillator": 9, "slow": 4, "time": 20, "stretch": 2, "lowpass": 5, "render": 7}


def _mend(query: str, english: frozenset[str] = frozenset()) -> list[str]:
    return mend(query, lambda w: w in INDEX, lambda w: INDEX.get(w, 0), english)


def test_one_edit_typos_are_mended() -> None:
    assert _mend("arpegiator on a held chord") == ["arpeggiator"]
    assert _mend("a detuned oscilator") == ["oscillator"]


def test_stretched_letters_and_run_together_words() -> None:
    assert _mend("slooow it down") == ["slow"]
    assert _mend("timestretch a phrase") == ["time", "stretch"]
    assert _mend("a low pass filter") == ["lowpass"]


def test_real_words_short_words_and_stopword_joins_are_left_alone() -> None:
    assert _mend("the bender", english=frozenset({"bender"})) == []  # a word, not a typo of render
    assert _mend("oscl") == []  # too short to mend
    assert mend("at one", lambda w: w == "atone", lambda w: 1) == []  # not the opcode atone


def test_document_frequency_counts_documents_not_occurrences() -> None:
    index = Bm25Index([["delay", "delay", "echo"], ["delay"], ["reverb"]])
    assert index.document_frequency("delay") == 2
    assert index.document_frequency("echo") == 1
    assert index.document_frequency("nothing") == 0


def test_search_finds_a_misspelt_request(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    engine = RetrievalEngine(
        Sources(corpus_dir=corpus, include_manual=False),
        embedder=None,
        cache_dir=tmp_path / "c",
        opcodes=OPCODES,
    )
    engine.build()
    typed = engine.search("modulaton", mode="bm25")
    assert typed.hits and "foscili" in typed.hits[0].chunk.opcodes
    engine.mend = False
    assert engine.search("modulaton", mode="bm25").hits == []
