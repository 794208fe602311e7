"""BM25 over chunk tokens, on bm25s's sparse score matrix.

bm25s precomputes every (document, term) score into a CSC matrix, so a query costs a handful of
column sums: about 1 ms at 100k chunks, where rank-bm25 walks every document per query term in
Python (tens of milliseconds at 10k and hundreds at 100k; see bench/README.md, "Retrieval").
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

log = logging.getLogger(__name__)

# Okapi parameters; k1 a little lower than Lucene's 1.5 because chunks repeat opcode names a lot.
K1 = 1.2
B = 0.75


class Bm25Index:
    """Immutable BM25 index; `scores` and `top` are safe to call from several threads."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = K1, b: float = B) -> None:
        import bm25s

        self.size = len(documents)
        self._retriever = bm25s.BM25(k1=k1, b=b, method="lucene")
        self._vocab: dict[str, int] = {}
        self._document_counts: NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        if self.size == 0:
            return
        # An empty document would break bm25s's averages; a placeholder token matches no query.
        docs = [list(doc) if doc else ["\x00"] for doc in documents]
        scores, vocab = self._retriever.build_index_from_tokens(docs, show_progress=False)
        self._retriever.scores = scores
        self._retriever.vocab_dict = vocab
        self._vocab = vocab
        self._document_counts = np.diff(np.asarray(scores["indptr"])).astype(np.int64)

    def document_frequency(self, term: str) -> int:
        """How many documents contain `term` (0 for a term the index has never seen)."""
        index = self._vocab.get(term)
        return int(self._document_counts[index]) if index is not None else 0

    def scores(self, query_tokens: Sequence[str]) -> NDArray[np.float32]:
        """One score per document (0 where no query term occurs)."""
        ids = [self._vocab[t] for t in query_tokens if t in self._vocab]
        if not ids or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(ids), dtype=np.float32)

    def top(self, query_tokens: Sequence[str], k: int) -> list[tuple[int, float]]:
        """The best `k` (document index, score) pairs with a positive score, best first."""
        scores = self.scores(query_tokens)
        return top_k(scores, k)


def top_k(scores: NDArray[np.float32], k: int) -> list[tuple[int, float]]:
    if scores.size == 0 or k <= 0:
        return []
    k = min(k, scores.size)
    candidates = np.argpartition(-scores, k - 1)[:k]
    ordered = candidates[np.argsort(-scores[candidates], kind="stable")]
    return [(int(i), float(scores[i])) for i in ordered if scores[i] > 0]
