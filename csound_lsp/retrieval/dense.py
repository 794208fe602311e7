"""Embeddings and the FAISS index over them.

`Embedder` is the small interface retrieval needs: texts in, one normalised float32 row per text out,
plus the model's name and dimension (both recorded in the index manifest, so a model change forces a
rebuild). `BackendEmbedder` adapts any object with the AI layer's `async embed(texts, *, model, kind)`
without importing that layer (it sits below retrieval). `HashingEmbedder` is deterministic and needs
no model: tests and benchmarks use it.

The index is exact inner product (cosine on normalised rows) while small and HNSW from
`HNSW_THRESHOLD` rows on, where a flat scan would cost more than the 10 ms budget. FAISS runs with
one thread: the server answers one query at a time and the machines are small.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import threading
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Future
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

EmbedKind = Literal["document", "query"]
Matrix = NDArray[np.float32]

HNSW_THRESHOLD = 20_000
HNSW_NEIGHBOURS = 32
HNSW_EF_SEARCH = 64
BATCH = 32


class EmbeddingUnavailable(Exception):
    """The embedding backend failed; the message says why (retrieval falls back to BM25)."""


@runtime_checkable
class Embedder(Protocol):
    @property
    def model_name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str], kind: EmbedKind) -> Matrix: ...


def normalise(matrix: NDArray[Any]) -> Matrix:
    rows = np.asarray(matrix, dtype=np.float32)
    if rows.ndim == 1:
        rows = rows.reshape(1, -1)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(rows / norms, dtype=np.float32)


class HashingEmbedder:
    """Bag of words hashed into `dimension` signed buckets: stable across runs and machines."""

    def __init__(self, dimension: int = 256) -> None:
        self._dimension = dimension

    @property
    def model_name(self) -> str:
        return f"hashing-bow-{self._dimension}"

    @property
    def dimension(self) -> int:
        return self._dimension

    def embed(self, texts: Sequence[str], kind: EmbedKind) -> Matrix:
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
                value = int.from_bytes(digest, "little")
                out[row, value % self._dimension] += 1.0 if (value >> 63) & 1 else -1.0
        return normalise(out)


AsyncEmbed = Callable[[Sequence[str], EmbedKind], Awaitable[list[list[float]]]]


class BackendEmbedder:
    """An `Embedder` over an async embedding call, usable from any thread.

    With `loop` (the server's event loop, which owns the backend's HTTP client), calls are scheduled
    onto it with `run_coroutine_threadsafe` and must not come from that loop's own thread. Without,
    a private loop in a daemon thread serves every call, so an HTTP client bound to the first loop
    it saw keeps working.
    """

    def __init__(
        self,
        embed: AsyncEmbed,
        model_name: str,
        *,
        dimension: int | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        timeout_s: float = 120.0,
    ) -> None:
        self._embed = embed
        self._model_name = model_name
        self._dimension = dimension
        self._loop = loop
        self._timeout_s = timeout_s

    @classmethod
    def for_backend(
        cls, backend: Any, model: str, *, loop: asyncio.AbstractEventLoop | None = None
    ) -> BackendEmbedder:
        """Adapts the AI layer's `Backend` (`await backend.embed(texts, model=..., kind=...)`)."""

        def call(texts: Sequence[str], kind: EmbedKind) -> Awaitable[list[list[float]]]:
            result: Awaitable[list[list[float]]] = backend.embed(list(texts), model=model, kind=kind)
            return result

        return cls(call, model, loop=loop)

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def dimension(self) -> int:
        """Known from the first answer; asked for once with a probe text when needed earlier."""
        if self._dimension is None:
            self._dimension = int(self._run(["dimension probe"], "query").shape[1])
        return self._dimension

    def embed(self, texts: Sequence[str], kind: EmbedKind) -> Matrix:
        if not texts:
            return np.zeros((0, self._dimension or 0), dtype=np.float32)
        rows = [self._run(list(texts[i : i + BATCH]), kind) for i in range(0, len(texts), BATCH)]
        return np.vstack(rows)

    def _event_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="embedder-loop", daemon=True).start()
            self._loop = loop
        return self._loop

    def _run(self, texts: list[str], kind: EmbedKind) -> Matrix:
        try:
            future: Future[list[list[float]]] = asyncio.run_coroutine_threadsafe(
                _awaited(self._embed(texts, kind)), self._event_loop()
            )
            vectors = future.result(self._timeout_s)
        except Exception as error:  # the AI layer's errors carry a user-facing message
            raise EmbeddingUnavailable(f"embeddings from {self._model_name} failed: {error}") from error
        matrix = np.asarray(vectors, dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[0] != len(texts) or matrix.shape[1] == 0:
            raise EmbeddingUnavailable(f"{self._model_name} returned malformed embeddings")
        if self._dimension is not None and matrix.shape[1] != self._dimension:
            raise EmbeddingUnavailable(
                f"{self._model_name} returned {matrix.shape[1]}-dimensional vectors, "
                f"expected {self._dimension}"
            )
        self._dimension = int(matrix.shape[1])
        return normalise(matrix)


async def _awaited(awaitable: Awaitable[list[list[float]]]) -> list[list[float]]:
    return await awaitable


class DenseIndex:
    """FAISS over normalised rows; immutable after construction, searched with one thread."""

    def __init__(self, vectors: Matrix, hnsw_threshold: int = HNSW_THRESHOLD, prebuilt: Any = None) -> None:
        import faiss

        faiss.omp_set_num_threads(1)
        self.vectors = normalise(vectors) if len(vectors) else np.zeros((0, 1), dtype=np.float32)
        self.size, self.dimension = self.vectors.shape
        self.kind = "hnsw" if self.size >= hnsw_threshold else "flat"
        if prebuilt is not None and prebuilt.ntotal == self.size and prebuilt.d == self.dimension:
            self.index = prebuilt
            return
        if self.kind == "hnsw":
            self.index = faiss.IndexHNSWFlat(self.dimension, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
            self.index.hnsw.efConstruction = 80
        else:
            self.index = faiss.IndexFlatIP(self.dimension)
        if self.size:
            self.index.add(self.vectors)
        if self.kind == "hnsw":
            self.index.hnsw.efSearch = HNSW_EF_SEARCH

    def search(self, query: Matrix, k: int) -> list[tuple[int, float]]:
        if self.size == 0 or k <= 0:
            return []
        row = normalise(query)
        if row.shape[1] != self.dimension:
            raise ValueError(f"query has {row.shape[1]} dimensions, the index {self.dimension}")
        similarities, ids = self.index.search(row, min(k, self.size))
        return [(int(i), float(s)) for i, s in zip(ids[0], similarities[0], strict=True) if i >= 0]
