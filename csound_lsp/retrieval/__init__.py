"""Retrieval of Csound examples: grammar-aware chunks, BM25 + FAISS hybrid search, a persistent index.

Usage (the server runs `build` in a background thread and passes the query's vector to `search`)::

    engine = RetrievalEngine(Sources(workspace=(root,)), embedder=embedder)
    engine.load()                                # serve what is on disk, at once
    report = engine.build(progress=on_progress)  # in a background thread; incremental
    result = engine.search("stereo ping pong delay", top=5, query_vector=vector)
    result.mode   # "hybrid", or "bm25" when no embedding was available (result.notice says why)
"""

from csound_lsp.retrieval.chunks import Chunk, FileInfo, chunk_file
from csound_lsp.retrieval.dense import (
    BackendEmbedder,
    DenseIndex,
    Embedder,
    EmbeddingUnavailable,
    HashingEmbedder,
)
from csound_lsp.retrieval.engine import (
    Cancelled,
    Hit,
    IndexReport,
    Progress,
    ProgressCallback,
    RetrievalEngine,
    SearchMode,
    SearchResult,
)
from csound_lsp.retrieval.fusion import FusionSettings
from csound_lsp.retrieval.sources import Sources
from csound_lsp.retrieval.store import IndexCorrupt, default_cache_dir
from csound_lsp.retrieval.tokenize import Tokenizer

__all__ = [
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
    "Tokenizer",
    "chunk_file",
    "default_cache_dir",
]
