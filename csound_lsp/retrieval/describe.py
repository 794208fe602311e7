"""Matching a request against what opcodes do, then boosting the chunks that use those opcodes.

Users describe a sound ("a filter that screams when the resonance is high"); our one-line
descriptions of every opcode say the same in similar words. The query is ranked against the
descriptions (BM25 and, where the built-in static model is present, embeddings), the two rankings
are fused, and the chunks calling the best opcodes become one more ranking for the RRF fusion in
`fusion.fuse`. Within that ranking, chunks that call several of the matched opcodes come first,
then chunks with fewer opcodes (where the matched one is the point of the example).

Each opcode is also matched through its phrases in data/opcode_vocabulary.json ("muffle", "cut the
highs" for a low-pass), written blind by someone who saw only our descriptions: by words, and by
embedding, where an opcode is as close to the request as its description or its nearest phrase.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from csound_lsp import environment
from csound_lsp.catalog.manual_text import manual_texts
from csound_lsp.retrieval.dense import Embedder, Matrix, normalise
from csound_lsp.retrieval.lexical import Bm25Index
from csound_lsp.retrieval.static import DescriptionSpace
from csound_lsp.retrieval.tokenize import Tokenizer

log = logging.getLogger(__name__)

#: How many matched opcodes take part, and the RRF constant of the opcode ranking.
TOP_OPCODES = 3
OPCODE_K = 2
#: Description matches below this fraction of the best BM25 score (or this far below the best
#: cosine) do not count.
LEXICAL_FLOOR = 0.5
DENSE_MARGIN = 0.06
#: How far down each opcode's chunk list the ranking reads, in multiples of the fusion depth.
HEAD_FACTOR = 10


@dataclass(frozen=True, slots=True)
class OpcodeMatch:
    opcode: str
    rank: int
    score: float


class DescriptionIndex:
    """Our opcode descriptions, searchable by words and (optionally) by a static embedding."""

    def __init__(
        self,
        texts: Mapping[str, str],
        tokenizer: Tokenizer,
        embedder: Embedder | None = None,
        extra: Mapping[str, str] | None = None,
        vocabulary: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        """`texts` are our descriptions; `extra` more words per opcode (the manual's) for BM25 only;
        `vocabulary` musicians' phrases per opcode, matched by words and, one by one, by embedding
        (an opcode scores its best phrase or its description, whichever is closer)."""
        self.names = sorted(texts)
        extra = extra or {}
        vocabulary = vocabulary or {}
        documents = [
            f"{name} {texts[name]} {' . '.join(vocabulary.get(name, ()))} {extra.get(name, '')}"
            for name in self.names
        ]
        self.tokenizer = tokenizer
        self.bm25 = Bm25Index([tokenizer.tokenize(d) for d in documents])
        self.embedder = embedder
        self.vectors: Matrix | None = None
        self.mean: Matrix | None = None
        #: The distinct vocabulary phrases and their vectors; pair_phrase[j] is a phrase of the
        #: opcode pair_opcode[j] (a phrase may belong to several opcodes).
        self.phrases: list[str] = sorted({p for name in self.names for p in vocabulary.get(name, ())})
        self.phrase_vectors: Matrix | None = None
        phrase_row = {phrase: row for row, phrase in enumerate(self.phrases)}
        pairs = [(phrase_row[p], i) for i, name in enumerate(self.names) for p in vocabulary.get(name, ())]
        self.pair_phrase = np.array([p for p, _ in pairs], dtype=np.int64)
        self.pair_opcode = np.array([o for _, o in pairs], dtype=np.int64)
        self.space: DescriptionSpace | None = getattr(embedder, "descriptions", None)
        if embedder is None or not documents:
            return
        self.phrase_vectors = self._phrase_matrix(embedder) if self.phrases else None
        ours = [texts[name] for name in self.names]
        if self.space is not None:
            # The teacher's own vectors of our descriptions; one that changed since the model was
            # made is mapped from its static vector instead.
            space = self.space
            stale = [i for i, name in enumerate(self.names) if space.vector(name, ours[i]) is None]
            rows = np.zeros((len(self.names), space.vectors.shape[1]), dtype=np.float32)
            for i, name in enumerate(self.names):
                found = space.vector(name, ours[i])
                if found is not None:
                    rows[i] = found
            if stale:
                rows[stale] = space.to_teacher(embedder.embed([ours[i] for i in stale], "document"))
            self.vectors = normalise(rows)
            return
        raw = embedder.embed(ours, "document")
        # Centred: static embeddings share a common direction that makes some texts hubs.
        self.mean = raw.mean(axis=0, keepdims=True)
        self.vectors = normalise(raw - self.mean)
        if self.phrase_vectors is not None:
            self.phrase_vectors = normalise(self.phrase_vectors - self.mean)

    def _phrase_matrix(self, embedder: Embedder) -> Matrix:
        """The teacher's vectors of the phrases where shipped, else mapped (or plain) static ones."""
        space = self.space
        if space is None:
            return embedder.embed(self.phrases, "document")
        found = [space.phrase_vector(phrase) for phrase in self.phrases]
        rows = np.zeros((len(self.phrases), space.vectors.shape[1]), dtype=np.float32)
        for i, vector in enumerate(found):
            if vector is not None:
                rows[i] = vector
        stale = [i for i, vector in enumerate(found) if vector is None]
        if stale:
            rows[stale] = space.to_teacher(embedder.embed([self.phrases[i] for i in stale], "document"))
        return normalise(rows)

    def _query_vector(self, query: str) -> Matrix:
        assert self.embedder is not None
        raw = self.embedder.embed([query], "query")
        if self.space is not None:
            mapped: Matrix = self.space.to_teacher(raw)[0]
            return mapped
        assert self.mean is not None
        centred: Matrix = normalise(raw - self.mean)[0]
        return centred

    def match(self, query: str, *, lexical: bool = True, dense: bool = True) -> list[OpcodeMatch]:
        """The best opcodes for a query, fused from the word and the embedding rankings."""
        scores: dict[int, float] = {}
        if lexical:
            hits = self.bm25.top(self.tokenizer.tokenize(query), 20)
            if hits:
                best = hits[0][1]
                kept = [i for i, s in hits if s >= LEXICAL_FLOOR * best]
                for rank, index in enumerate(kept, start=1):
                    scores[index] = scores.get(index, 0.0) + 1.0 / (OPCODE_K + rank)
        if dense and self.vectors is not None and self.embedder is not None:
            vector = self._query_vector(query)
            # einsum, not `@`: a BLAS matrix-vector product wakes its thread pool, which costs
            # milliseconds on a busy machine for a product that takes 0.1 ms in one thread.
            similarity = np.einsum("ij,j->i", self.vectors, vector)
            if self.phrase_vectors is not None:
                # An opcode is as close as its description or its nearest phrase.
                phrase_similarity = np.einsum("ij,j->i", self.phrase_vectors, vector)
                np.maximum.at(similarity, self.pair_opcode, phrase_similarity[self.pair_phrase])
            order = np.argsort(-similarity)[:20]
            best_similarity = float(similarity[order[0]]) if len(order) else 0.0
            kept_dense = [int(i) for i in order if similarity[i] >= best_similarity - DENSE_MARGIN]
            for rank, index in enumerate(kept_dense, start=1):
                scores[index] = scores.get(index, 0.0) + 1.0 / (OPCODE_K + rank)
        ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:TOP_OPCODES]
        return [OpcodeMatch(self.names[i], rank, s) for rank, (i, s) in enumerate(ordered, start=1)]


def chunk_ranking(
    matches: Sequence[OpcodeMatch],
    postings: Mapping[str, list[int]],
    opcode_counts: Sequence[int],
    depth: int,
) -> list[tuple[int, float]]:
    """Chunks that call the matched opcodes, best first, as (chunk index, score).

    `postings` lists each opcode's chunks fewest opcodes first; only the head of each list is read
    (a chunk far down every list would not rank anyway), so the cost does not grow with the index."""
    scores: dict[int, float] = {}
    for match in matches:
        weight = 1.0 / (OPCODE_K + match.rank)
        for index in postings.get(match.opcode.lower(), ())[: depth * HEAD_FACTOR]:
            scores[index] = scores.get(index, 0.0) + weight
    ordered = sorted(scores.items(), key=lambda item: (-item[1], opcode_counts[item[0]], item[0]))
    return ordered[:depth]


_lock = threading.Lock()
_cached: dict[tuple[int, str | None], DescriptionIndex] = {}


def description_index(tokenizer: Tokenizer, embedder: Embedder | None) -> DescriptionIndex | None:
    """Built once per tokenizer and embedder (a fraction of a second); None without descriptions."""
    key = (id(tokenizer), embedder.model_name if embedder is not None else None)
    with _lock:
        found = _cached.get(key)
        if found is not None:
            return found
        try:
            from csound_lsp.catalog.descriptions import descriptions, vocabulary

            texts = {name: d.text for name, d in descriptions().items()}
            phrases = vocabulary()
            extra: dict[str, str] = {}
            if environment.manual_descriptions():
                # The installed manual's words beside ours, when the user has it.
                extra = manual_texts(names=frozenset(texts))
        except Exception:
            log.info("no opcode descriptions: the description boost is off", exc_info=True)
            return None
        built = DescriptionIndex(texts, tokenizer, embedder, extra, phrases)
        _cached.clear()  # one engine per process in practice: keep memory flat
        _cached[key] = built
        return built


MUSICIAN_WORDS = Path(__file__).resolve().parent.parent / "data" / "musician_words.json"


@cache
def _terms(path: Path = MUSICIAN_WORDS) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))["terms"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.info("no musician vocabulary (%s): queries are not expanded", error)
        return None, {}
    terms = {str(k).lower(): str(v) for k, v in raw.items()}
    keys = sorted(terms, key=len, reverse=True)  # longer phrases win over their words
    pattern = re.compile(r"\b(" + "|".join(re.escape(k) for k in keys) + r")\b") if keys else None
    return pattern, terms


def expand_query(query: str) -> str:
    """The query plus the technical words for the musicians' words in it ("echo" -> "delay ...")."""
    pattern, terms = _terms()
    if pattern is None:
        return query
    added = [terms[m.group(1)] for m in pattern.finditer(query.lower())]
    return query + (" " + " ".join(added) if added else "")
