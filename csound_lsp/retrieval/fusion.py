"""Reciprocal Rank Fusion of the keyword and the embedding rankings, with floors and opcode boosts.

RRF (score = sum of weight / (k + rank)) needs no score calibration between BM25 and cosine, which
have unrelated scales. Floors keep the weak tail of each list out: a chunk that matched one rare word
or sits far down the embedding ranking should not be lifted by fusion alone. An opcode named in the
query counts as one more ranking in which every chunk that calls it is first, because a user who
types `pluck` wants code that calls `pluck`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

RRF_K = 60


@dataclass(frozen=True, slots=True)
class FusionSettings:
    k: int = RRF_K
    #: How many of each ranking take part.
    depth: int = 50
    #: BM25 hits scoring below this fraction of the best BM25 score are dropped.
    lexical_floor: float = 0.15
    #: Dense hits below this cosine similarity are dropped...
    dense_floor: float = 0.0
    #: ...and so are those more than this far below the best similarity.
    dense_margin: float = 1.0
    lexical_weight: float = 1.0
    dense_weight: float = 1.0
    #: The built-in static model is weaker than a neural one: its ranking counts for less (tuned on
    #: the dev halves of bench/retrieval_musicians.json and bench/retrieval_blind.json).
    static_dense_weight: float = 0.2
    opcode_weight: float = 1.0
    #: Weight of the ranking of chunks calling the opcodes whose descriptions match the query.
    description_weight: float = 0.3
    #: Whether that ranking may bring in chunks no other ranking found (else it only re-orders).
    description_adds: bool = False


@dataclass(frozen=True, slots=True)
class Fused:
    index: int
    score: float
    lexical_rank: int | None
    dense_rank: int | None
    opcode_matches: int


def floor_lexical(hits: Sequence[tuple[int, float]], settings: FusionSettings) -> list[tuple[int, float]]:
    if not hits:
        return []
    best = hits[0][1]
    return [(i, s) for i, s in hits[: settings.depth] if s > 0 and s >= settings.lexical_floor * best]


def floor_dense(hits: Sequence[tuple[int, float]], settings: FusionSettings) -> list[tuple[int, float]]:
    if not hits:
        return []
    best = hits[0][1]
    return [
        (i, s)
        for i, s in hits[: settings.depth]
        if s >= settings.dense_floor and s >= best - settings.dense_margin
    ]


def fuse(
    lexical: Sequence[tuple[int, float]],
    dense: Sequence[tuple[int, float]],
    opcode_matches: Mapping[int, int],
    settings: FusionSettings = FusionSettings(),
    described: Sequence[tuple[int, float]] = (),
) -> list[Fused]:
    """Fused ranking, best first; inputs are (chunk index, score) best first, already floored."""
    scores: dict[int, float] = {}
    lexical_rank: dict[int, int] = {}
    dense_rank: dict[int, int] = {}
    for rank, (index, _) in enumerate(lexical, start=1):
        lexical_rank[index] = rank
        scores[index] = scores.get(index, 0.0) + settings.lexical_weight / (settings.k + rank)
    for rank, (index, _) in enumerate(dense, start=1):
        dense_rank[index] = rank
        scores[index] = scores.get(index, 0.0) + settings.dense_weight / (settings.k + rank)
    for rank, (index, _) in enumerate(described, start=1):
        if settings.description_adds or index in scores:
            scores[index] = scores.get(index, 0.0) + settings.description_weight / (settings.k + rank)
    for index, matches in opcode_matches.items():
        if index in scores:
            scores[index] += settings.opcode_weight * matches / (settings.k + 1)
    fused = [
        Fused(i, s, lexical_rank.get(i), dense_rank.get(i), opcode_matches.get(i, 0))
        for i, s in scores.items()
    ]
    # Ties (common with few lists) go to the better keyword rank, then the better dense rank.
    fused.sort(key=lambda f: (-f.score, f.lexical_rank or 1 << 30, f.dense_rank or 1 << 30, f.index))
    return fused
