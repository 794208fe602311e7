"""BM25, dense and fused ranking on a small corpus, with a deterministic hashing embedder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from csound_lsp.retrieval import HashingEmbedder, RetrievalEngine, Sources
from csound_lsp.retrieval.dense import DenseIndex, EmbeddingUnavailable
from csound_lsp.retrieval.fusion import FusionSettings, floor_dense, floor_lexical, fuse
from csound_lsp.retrieval.lexical import Bm25Index
from tests.retrieval_fixtures import OPCODES, write_corpus


def _engine(tmp_path: Path, embedder: object = None) -> RetrievalEngine:
    corpus = write_corpus(tmp_path / "corpus")
    sources = Sources(corpus_dir=str(corpus), include_manual=False)
    return RetrievalEngine(sources, embedder=embedder, cache_dir=tmp_path / "cache", opcodes=OPCODES)  # type: ignore[arg-type]


def test_bm25_ranks_by_term_weight() -> None:
    index = Bm25Index([["reverb", "tail"], ["delay", "feedback"], [], ["delay", "delay", "tap"]])
    assert [i for i, _ in index.top(["delay"], 5)] == [3, 1]
    assert index.top(["nothing"], 5) == []
    assert index.top([], 5) == []
    assert Bm25Index([]).top(["delay"], 5) == []


def test_dense_index_flat_and_hnsw_agree_on_the_nearest() -> None:
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((300, 16)).astype(np.float32)
    flat = DenseIndex(vectors)
    hnsw = DenseIndex(vectors, hnsw_threshold=100)
    assert (flat.kind, hnsw.kind) == ("flat", "hnsw")
    query = vectors[42:43] + 0.01
    assert flat.search(query, 3)[0][0] == 42
    assert hnsw.search(query, 3)[0][0] == 42
    with pytest.raises(ValueError):
        flat.search(np.ones((1, 8), dtype=np.float32), 3)


def test_rrf_rewards_agreement_and_respects_floors() -> None:
    settings = FusionSettings(lexical_floor=0.5, dense_floor=0.2)
    lexical = floor_lexical([(1, 10.0), (2, 6.0), (3, 1.0)], settings)
    assert lexical == [(1, 10.0), (2, 6.0)]  # 1.0 is under half the best score
    dense = floor_dense([(2, 0.9), (4, 0.5), (5, 0.1)], settings)
    assert dense == [(2, 0.9), (4, 0.5)]
    fused = fuse(lexical, dense, {}, settings)
    assert [f.index for f in fused] == [2, 1, 4]  # in both lists beats first in one
    assert fused[0].lexical_rank == 2 and fused[0].dense_rank == 1
    assert fused[0].score == pytest.approx(1 / 62 + 1 / 61)


def test_opcode_boost_lifts_chunks_that_call_it() -> None:
    fused = fuse([(1, 5.0), (2, 4.0)], [], {2: 1})
    assert [f.index for f in fused] == [2, 1]
    assert fused[0].opcode_matches == 1


def test_keyword_search_alone_says_so(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    assert engine.search("anything").mode == "none"
    report = engine.build()
    assert report.mode == "bm25"
    assert any("keyword search only" in n for n in report.notices)
    result = engine.search("decaying modulation index bell")
    assert result.mode == "bm25"
    assert result.notice is not None and "Keyword search only" in result.notice
    assert result.hits[0].chunk.path.endswith("fm-bell.csd")
    assert "foscili" in result.hits[0].chunk.opcodes


def test_hybrid_search_finds_by_words_and_by_opcode(tmp_path: Path) -> None:
    engine = _engine(tmp_path, HashingEmbedder(128))
    report = engine.build()
    assert report.mode == "hybrid" and report.embedded == report.chunks
    result = engine.search("plucked string with a body resonance", top=3)
    assert result.mode == "hybrid" and result.notice is None
    top = result.hits[0].chunk
    assert top.path.endswith("pluck-body.csd") and top.kind in ("udo", "instrument", "file")
    echo = engine.search("feedback echo with deltapi", top=1).hits[0]
    assert "deltapi" in echo.chunk.opcodes
    assert echo.lexical_rank is not None and echo.dense_rank is not None
    dense_only = engine.search("karplus strong string into resonz filters", mode="dense", top=2)
    assert dense_only.mode == "dense" and dense_only.hits[0].lexical_rank is None


def test_results_are_deduplicated_and_spread_over_files(tmp_path: Path) -> None:
    engine = _engine(tmp_path, HashingEmbedder(128))
    engine.build()
    hits = engine.search("instr outs", top=10).hits
    for i, a in enumerate(hits):
        for b in hits[i + 1 :]:
            assert (
                a.chunk.path != b.chunk.path
                or a.chunk.end_line < b.chunk.start_line
                or (b.chunk.end_line < a.chunk.start_line)
            )
    assert max(sum(h.chunk.path == p.chunk.path for h in hits) for p in hits) <= 2


class _DeadEmbedder:
    model_name = "dead"

    @property
    def dimension(self) -> int:
        raise EmbeddingUnavailable("No AI backend at http://127.0.0.1:9")

    def embed(self, texts: object, kind: object) -> np.ndarray:
        raise EmbeddingUnavailable("No AI backend at http://127.0.0.1:9")


def test_dead_embedding_backend_falls_back_to_the_built_in_model(tmp_path: Path) -> None:
    engine = _engine(tmp_path, _DeadEmbedder())
    assert engine.static is not None
    report = engine.build()
    assert report.mode == "hybrid"
    assert any("No AI backend" in n and "built-in" in n for n in report.notices)
    assert engine.index_model == engine.static.model_name  # never stored under the dead model's name
    result = engine.search("bell")
    assert result.mode == "hybrid" and result.hits


def test_dead_embedding_backend_without_a_built_in_model_falls_back_to_keywords(tmp_path: Path) -> None:
    engine = _engine(tmp_path, _DeadEmbedder())
    engine.static = None  # a package without csound_lsp/data/static_model
    report = engine.build()
    assert report.mode == "bm25"
    assert any("No AI backend" in n for n in report.notices)
    result = engine.search("bell")
    assert result.mode == "bm25" and result.hits
