"""Retrieval of Csound examples: grammar-aware chunks, BM25 + FAISS hybrid search, a persistent index.

Usage (the server runs `build` in a background thread and passes the query's vector to `search`)::

    engine = RetrievalEngine(Sources(workspace=(root,)), embedder=embedder)
    engine.load()                                # serve what is on disk, at once
    report = engine.build(progress=on_progress)  # in a background thread; incremental
    result = engine.search("stereo ping pong delay", top=5, query_vector=vector)
    result.mode   # "hybrid", or "bm25" when no embedding was available (result.notice says why)

Without an `embedder` argument the engine uses the built-in static model (numpy only, shipped in
csound_lsp/data/static_model), so search is hybrid in every install; `embedder=None` is keyword only.
"""

from csound_lsp.retrieval.chunks import Chunk, FileInfo, chunk_file
from csound_lsp.retrieval.dense import (
    BackendEmbedder,
    DenseIndex,
    Embedder,
    EmbeddingUnavailable,
    HashingEmbedder,
)
from csound_lsp.retrieval.engine import DEFAULT_EMBEDDER, RetrievalEngine, SearchMode
from csound_lsp.retrieval.fusion import FusionSettings
from csound_lsp.retrieval.results import Cancelled, Hit, IndexReport, Progress, ProgressCallback, SearchResult
from csound_lsp.retrieval.sources import Sources
from csound_lsp.retrieval.static import StaticEmbedder, default_embedder
from csound_lsp.retrieval.store import IndexCorrupt, default_cache_dir
from csound_lsp.retrieval.tokenize import Tokenizer

__all__ = [
    "DEFAULT_EMBEDDER",
    "BackendEmbedder",
    "Cancelled",
    "Chunk",
    "DenseIndex",
    "Embedder",
    "EmbeddingUnavailable",
    "FileInfo",
    "FusionSettings",
    "HashingEmbedder",
    "Hit",
    "IndexCorrupt",
    "IndexReport",
    "Progress",
    "ProgressCallback",
    "RetrievalEngine",
    "SearchMode",
    "SearchResult",
    "Sources",
    "StaticEmbedder",
    "Tokenizer",
    "chunk_file",
    "default_cache_dir",
    "default_embedder",
]
