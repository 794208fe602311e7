"""The blind musicians' vocabulary in retrieval: chunk keyword text, description matching, vectors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from csound_lsp.catalog.descriptions import descriptions, vocabulary
from csound_lsp.retrieval import RetrievalEngine, Sources
from csound_lsp.retrieval.chunks import MAX_WORDED, Chunk, opcode_words
from csound_lsp.retrieval.describe import DescriptionIndex
from csound_lsp.retrieval.opcodes import load_opcode_names
from csound_lsp.retrieval.static import MODEL_DIR, DescriptionSpace, StaticEmbedder, default_embedder
from csound_lsp.retrieval.tokenize import Tokenizer
from tests.retrieval_fixtures import OPCODES, write_corpus


def test_keyword_text_carries_the_words_for_the_main_opcodes() -> None:
    chunk = Chunk(
        "/x/f.csd", 1, 4, "instrument", "aF moogladder aIn, 800, 0.3", "Filter", ("moogladder", "outs")
    )
    assert "muffle" in chunk.indexed_text() and "In other words: " in chunk.indexed_text()
    # The embedding sees the header and the code only (the words changed nothing there).
    assert "muffle" not in chunk.embedding_text()
    scene = Chunk("/x/f.csd", 1, 2, "header", "giF ftgen 0, 0, 8, 10, 1", "", ("moogladder",))
    assert "muffle" not in scene.indexed_text()
    # Sound-changing opcodes first, plumbing left out, at most MAX_WORDED opcodes worded.
    words = opcode_words(["outs", "init", "moogladder"])
    assert words.startswith(vocabulary()["moogladder"][0])
    many = sorted(name for name in vocabulary() if descriptions()[name].category == "filters")
    worded = [name for name in many[:20] if vocabulary()[name][0] in opcode_words(many[:20]).split("; ")]
    assert len(worded) <= MAX_WORDED


def test_a_word_only_the_vocabulary_knows_finds_the_chunk(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    engine = RetrievalEngine(
        Sources(corpus_dir=str(corpus), include_manual=False),
        embedder=None,
        cache_dir=tmp_path / "c",
        opcodes=OPCODES,
        describe=False,
    )
    engine.build()
    # "harp" is neither in these files nor in any description: only pluck's vocabulary has it.
    assert "harp" not in descriptions()["pluck"].text and "harp" in vocabulary()["pluck"]
    hits = engine.search("sounds like a harp", mode="bm25").hits
    assert hits and "pluck" in hits[0].chunk.opcodes
    assert "foscili" in engine.search("glassy tone", mode="bm25").hits[0].chunk.opcodes


def test_description_matching_meets_the_vocabulary_by_words_and_embeddings() -> None:
    embedder = default_embedder()
    assert embedder is not None and embedder.descriptions is not None
    tokenizer = Tokenizer(load_opcode_names())
    texts = {name: descriptions()[name].text for name in ("moogladder", "pluck", "wgbow", "foscili")}
    plain = DescriptionIndex(texts, tokenizer, embedder)
    worded = DescriptionIndex(texts, tokenizer, embedder, vocabulary=vocabulary())
    # Words: "muffle" is in no description, only in moogladder's phrases.
    assert plain.match("muffle it", dense=False) == []
    assert worded.match("muffle it", dense=False)[0].opcode == "moogladder"
    # Embeddings: the shipped teacher vectors of the phrases, one row per distinct phrase.
    assert worded.phrase_vectors is not None and len(worded.phrases) == len(set(worded.phrases))
    space = embedder.descriptions
    row = worded.phrases.index("muffle")
    shipped = space.phrase_vector("muffle")
    assert shipped is not None
    assert np.allclose(worded.phrase_vectors[row], shipped / np.linalg.norm(shipped), atol=1e-3)
    assert worded.match("sounds like a harp", lexical=False)[0].opcode == "pluck"


def test_a_phrase_without_a_shipped_vector_is_mapped_from_its_static_one() -> None:
    embedder = default_embedder()
    assert embedder is not None
    texts = {"pluck": descriptions()["pluck"].text, "moogladder": descriptions()["moogladder"].text}
    index = DescriptionIndex(
        texts, Tokenizer(load_opcode_names()), embedder, vocabulary={"pluck": ["a twangy zither"]}
    )
    assert index.phrase_vectors is not None
    assert abs(float(np.linalg.norm(index.phrase_vectors[0])) - 1.0) < 1e-3
    assert index.match("twangy zither", lexical=False)[0].opcode == "pluck"


def test_shipped_phrase_vectors_cover_the_vocabulary() -> None:
    embedder = default_embedder()
    assert embedder is not None and embedder.descriptions is not None
    phrases = {phrase for found in vocabulary().values() for phrase in found}
    missing = sorted(p for p in phrases if embedder.descriptions.phrase_vector(p) is None)
    assert missing == [], "run scripts/extend_static_model.py --vocabulary-only"


def test_damaged_phrase_vectors_leave_static_matching(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(MODEL_DIR, folder)
    meta = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
    (folder / "vocabulary.json").write_text(json.dumps({"phrases": meta["phrases"][1:]}), encoding="utf-8")
    with pytest.raises(ValueError):
        DescriptionSpace(folder)
    assert StaticEmbedder(folder).descriptions is None
