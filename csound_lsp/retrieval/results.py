"""What the retrieval engine reports: build progress and reports, search hits and results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from csound_lsp.retrieval.chunks import Chunk

Mode = Literal["hybrid", "bm25", "dense", "none"]


@dataclass(frozen=True, slots=True)
class Progress:
    """One step of a build: `phase` is scan, chunk, embed or save; `done` of `total` in that phase."""

    phase: str
    done: int
    total: int
    message: str = ""


ProgressCallback = Callable[[Progress], None]


class Cancelled(Exception):
    """The build was cancelled through its event; the stored index is left as it was."""


@dataclass(slots=True)
class IndexReport:
    files: int = 0
    changed: int = 0
    reused: int = 0
    removed: int = 0
    chunks: int = 0
    embedded: int = 0
    skipped: list[str] = field(default_factory=list)
    mode: Mode = "bm25"
    #: Messages for the user: a corrupt index rebuilt, a changed model, embeddings unavailable.
    notices: list[str] = field(default_factory=list)
    seconds: float = 0.0
    size_bytes: int = 0


@dataclass(frozen=True, slots=True)
class Hit:
    chunk: Chunk
    score: float
    lexical_rank: int | None = None
    dense_rank: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.chunk.path,
            "start_line": self.chunk.start_line,
            "end_line": self.chunk.end_line,
            "score": round(self.score, 6),
            "kind": self.chunk.kind,
            "name": self.chunk.name,
            "title": self.chunk.info.title,
            "opcodes": list(self.chunk.opcodes),
            "text": self.chunk.text,
        }


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: list[Hit]
    #: Which rankings took part: "hybrid" (keywords + embeddings), "bm25" (keywords only), "dense".
    mode: Mode
    #: Why the mode is less than hybrid, or that there is no index yet; None when all is well.
    notice: str | None = None
