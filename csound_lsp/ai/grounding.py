"""What we tell a model besides the user's code: catalog facts and retrieved examples.

Signatures come from the catalog (generated from Csound itself), descriptions from our cheat sheet,
so a model is told what an opcode really takes instead of guessing. Retrieval wraps the hybrid
engine: keyword search alone for inline completion (no round trip to the embedding model on a
keystroke), hybrid for explain / fix / generate. A missing or damaged index means no examples,
never an error.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from csound_lsp.catalog import Catalog, default_catalog
from csound_lsp.catalog.cheatsheet import cheat_entry

from .budget import estimate_tokens

if TYPE_CHECKING:
    from csound_lsp.retrieval import RetrievalEngine

    from .service import AIService

log = logging.getLogger(__name__)

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_:]*")
_COMMENT = re.compile(r";.*$|//.*$", re.M)


def opcodes_in(text: str, catalog: Catalog | None = None, *, limit: int = 12) -> list[str]:
    """Opcode names used in `text`, in order of first use, comments and strings left out."""
    catalog = catalog or default_catalog()
    code = _COMMENT.sub("", re.sub(r'"[^"\n]*"', '""', text))
    seen: list[str] = []
    for word in _WORD.findall(code):
        name = word.split(":", 1)[0]
        if name in seen or name in ("instr", "endin", "opcode", "endop", "if", "then", "else", "endif"):
            continue
        if catalog.get(name) is not None:
            seen.append(name)
            if len(seen) >= limit:
                break
    return seen


def signature_lines(names: Iterable[str], catalog: Catalog | None = None, *, overloads: int = 3) -> list[str]:
    """One line per opcode: its description (cheat sheet) and its first few signatures (catalog)."""
    catalog = catalog or default_catalog()
    lines = []
    for name in names:
        opcode = catalog.get(name)
        if opcode is None:
            continue
        forms = [o.signature(name) for o in opcode.overloads if not o.deprecated][:overloads]
        entry = cheat_entry(name)
        described = f"{name}: {entry.description}" if entry is not None else name
        if entry is not None and entry.args:
            described += " Arguments: " + ", ".join(f"{a.name} ({a.meaning})" for a in entry.args[:6])
        lines.append(f"{described} Signatures: {'; '.join(forms)}" if forms else described)
    return lines


@dataclass(frozen=True)
class Example:
    text: str
    path: str
    score: float
    name: str = ""
    start_line: int = 0
    end_line: int = 0

    @property
    def where(self) -> str:
        """`path:start-end`, as the AI log shows which chunks went into a prompt."""
        return f"{self.path}:{self.start_line}-{self.end_line}"


@dataclass
class Retrieval:
    examples: list[Example] = field(default_factory=list)
    seconds: float = 0.0
    mode: str = "none"

    @property
    def scores(self) -> list[float]:
        return [round(example.score, 4) for example in self.examples]

    @property
    def chunks(self) -> list[str]:
        """Which chunks went into the prompt (`path:start-end`), for the AI log."""
        return [example.where for example in self.examples]


class Retriever:
    """Examples for a query from the stored index; loads it lazily and once, in a thread."""

    def __init__(self, engine: RetrievalEngine | None = None, *, service: AIService | None = None) -> None:
        self._engine = engine
        self._service = service
        self._lock = threading.Lock()
        self._loaded = engine is not None and engine.ready
        self._failed = False
        #: What loading the stored index had to say (damaged, missing, another model), for the user.
        self.notice: str | None = None

    def engine(self) -> RetrievalEngine | None:
        """The engine, loaded from its stored index (blocking: call from a thread)."""
        return self._ensure()

    def _ensure(self) -> RetrievalEngine | None:
        with self._lock:
            if self._loaded or self._failed:
                return self._engine
            try:
                if self._engine is None:
                    from csound_lsp.retrieval import BackendEmbedder, RetrievalEngine

                    if self._service is not None:
                        # The backend's model; the engine falls back to its built-in one when that fails.
                        embedder = BackendEmbedder.for_backend(
                            self._service.backend, self._service.settings.models.embedding
                        )
                        self._engine = RetrievalEngine(embedder=embedder)
                    else:
                        self._engine = RetrievalEngine()  # the built-in static model
                notice = self._engine.load()
                if notice:
                    log.info("retrieval: %s", notice)
                    self.notice = notice
                self._loaded = True
            except Exception:  # no index, no faiss, a corrupt file: no examples, never a failure
                log.exception("retrieval unavailable")
                self._failed = True
            return self._engine

    async def search(
        self, query: str, *, top: int = 3, dense: bool = False, token_budget: int = 800, max_lines: int = 40
    ) -> Retrieval:
        started = time.perf_counter()
        if not query.strip():
            return Retrieval()
        engine = self._engine if self._loaded else await asyncio.to_thread(self._ensure)
        if engine is None or not engine.ready:
            return Retrieval(seconds=time.perf_counter() - started)
        vector: Any = None
        backend_model = self._service.settings.models.embedding if self._service is not None else None
        if dense and self._service is not None and engine.index_model == backend_model:
            try:
                async with asyncio.timeout(5.0):
                    vector = (await self._service.embed([query], kind="query"))[0]
            except Exception:  # keyword search is still worth having
                vector = None
        try:
            # Without the backend's vector the engine embeds the query itself when the index was
            # made with its built-in model (sub-millisecond); it never calls the backend from here.
            local = dense and engine.index_model not in (None, backend_model)
            result = engine.search(
                query, top=top, query_vector=vector, mode="auto" if vector is not None or local else "bm25"
            )
        except Exception:
            log.exception("retrieval search failed")
            return Retrieval(seconds=time.perf_counter() - started)
        examples: list[Example] = []
        used = 0
        for hit in result.hits:
            text = "\n".join(hit.chunk.text.splitlines()[:max_lines])
            cost = estimate_tokens(text)
            if used + cost > token_budget:
                continue
            used += cost
            examples.append(
                Example(
                    text, hit.chunk.path, hit.score, hit.chunk.name, hit.chunk.start_line, hit.chunk.end_line
                )
            )
        log.info(
            "retrieval (%s) for %r: %s",
            result.mode,
            query[:60],
            ", ".join(f"{e.where} ({e.score:.3f})" for e in examples) or "no examples",
        )
        return Retrieval(examples, time.perf_counter() - started, result.mode)


def as_comments(examples: Iterable[Example]) -> str:
    """Examples as `;` comment blocks, for a fill-in-the-middle prompt that must stay valid Csound."""
    blocks = []
    for example in examples:
        body = "\n".join(f"; {line}".rstrip() for line in example.text.splitlines())
        blocks.append(f"; --- example ({example.name or 'corpus'}) ---\n{body}")
    return "\n".join(blocks) + ("\n" if blocks else "")
