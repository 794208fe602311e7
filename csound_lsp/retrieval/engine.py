"""The retrieval engine: incremental indexing into the cache and hybrid search over a snapshot.

Made for the server: `build` runs in a background thread, reports through a progress callback (for
`$/progress`) and can be cancelled; `search` never waits for it. Each build produces a new immutable
`_Snapshot` and swaps it in with one assignment, so a search uses either the old index or the new
one, never half of each. `search` is pure CPU (a few ms) when the caller passes the query's vector;
the server embeds the query with its async backend first, the CLI lets the engine call the embedder.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from csound_lsp.retrieval.chunks import Chunk, chunk_file
from csound_lsp.retrieval.dense import HNSW_THRESHOLD, DenseIndex, Embedder, EmbeddingUnavailable, Matrix
from csound_lsp.retrieval.describe import chunk_ranking, description_index, expand_query
from csound_lsp.retrieval.fusion import FusionSettings, floor_dense, floor_lexical, fuse
from csound_lsp.retrieval.lexical import Bm25Index
from csound_lsp.retrieval.opcodes import QUERY_WORDS_NOT_OPCODES, load_opcode_names
from csound_lsp.retrieval.results import (
    Cancelled,
    Hit,
    IndexReport,
    Mode,
    Progress,
    ProgressCallback,
    SearchResult,
)
from csound_lsp.retrieval.sources import SkipFile, Sources, read_source
from csound_lsp.retrieval.spelling import mend
from csound_lsp.retrieval.static import default_embedder
from csound_lsp.retrieval.store import (
    FileRecord,
    IndexCorrupt,
    StoredIndex,
    default_cache_dir,
    load_index,
    save_index,
)
from csound_lsp.retrieval.tokenize import Tokenizer, stem

log = logging.getLogger(__name__)

#: What `search` may be asked for: "auto" fuses whatever is available.
SearchMode = Literal["auto", "bm25", "dense"]
EMBED_BATCH = 8


class _Default:
    """The `embedder` default: the built-in static model when the package has it."""

    def __repr__(self) -> str:
        return "DEFAULT_EMBEDDER"


#: Pass as `embedder` (the default) for the built-in static model; pass None for keyword search only.
DEFAULT_EMBEDDER: Any = _Default()


@dataclass(frozen=True, slots=True)
class _Snapshot:
    chunks: list[Chunk]
    bm25: Bm25Index
    dense: DenseIndex | None
    model: str | None
    #: opcode (lower case) -> the chunks calling it, fewest opcodes first.
    postings: dict[str, list[int]]
    #: path -> index of the chunk holding that whole (small) file.
    whole_files: dict[str, int]
    #: How many opcodes each chunk calls (the description boost prefers focused chunks).
    opcode_counts: list[int]


#: Bump when chunk boundaries or the indexed header text change: stored chunks and vectors are redone.
CHUNK_VERSION = 3


def chunker_id() -> str:
    """Which chunker runs here; recorded so that a grammar appearing later re-chunks everything."""
    try:
        from csound_lsp.syntax.languages import FileKind, language

        language(FileKind.CSD)
        return f"tree-{CHUNK_VERSION}"
    except Exception:
        return f"lexical-{CHUNK_VERSION}"


class RetrievalEngine:
    def __init__(
        self,
        sources: Sources | None = None,
        *,
        embedder: Embedder | None = DEFAULT_EMBEDDER,
        cache_dir: str | os.PathLike[str] | None = None,
        opcodes: Collection[str] | None = None,
        fusion: FusionSettings | None = None,
        hnsw_threshold: int = HNSW_THRESHOLD,
        describe: bool = True,
    ) -> None:
        self.sources = sources or Sources()
        #: The built-in model: the fallback when a backend's embeddings fail, and the description matcher.
        self.static = default_embedder() if embedder is not None else None
        self.embedder: Embedder | None = self.static if embedder is DEFAULT_EMBEDDER else embedder
        self.describe = describe
        #: Add the technical words for musicians' words to a query (data/musician_words.json).
        self.expand = describe
        self.expand_dense = describe
        #: Add the mended form of misspelt or run-together words (retrieval/spelling.py).
        self.mend = True
        #: Show a small file whole where its header or score ranks (they only set the scene).
        self.whole_for_scenes = True
        #: Which description matchers take part: words (our descriptions plus the manual's) and
        #: embeddings (the teacher's space when the model has it; see static.DescriptionSpace).
        self.describe_lexical = describe
        self.describe_dense = describe
        self.folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.opcodes = frozenset(opcodes) if opcodes is not None else load_opcode_names()
        self.tokenizer = Tokenizer(self.opcodes)
        self.fusion = fusion or FusionSettings()
        self.hnsw_threshold = hnsw_threshold
        self._snapshot: _Snapshot | None = None
        self._build_lock = threading.Lock()
        self._use_grammar = chunker_id().startswith("tree")

    # --- state ---

    @property
    def ready(self) -> bool:
        return self._snapshot is not None

    @property
    def chunk_count(self) -> int:
        snapshot = self._snapshot
        return len(snapshot.chunks) if snapshot else 0

    def load(self) -> str | None:
        """Serves the stored index as it is (stale is fine until `build` runs); returns a notice."""
        try:
            stored = load_index(self.folder)
        except IndexCorrupt as error:
            return f"The search index in {self.folder} is damaged ({error}); it will be rebuilt."
        if stored is None:
            return "No search index yet: run `csound-lsp index`."
        notice = None
        vectors = stored.vectors
        if vectors is not None and not self._model_matches(stored):
            notice = (
                f"The search index was built with embedding model {stored.model}; "
                "keyword search only until it is rebuilt."
            )
            vectors = None
        self._snapshot = self._make_snapshot(stored.chunks, vectors, stored.faiss_bytes, stored.model)
        return notice

    def _model_matches(self, stored: StoredIndex) -> bool:
        """Vectors are only served to the model (name and size) that made them: never mixed."""
        embedder = self._embedder_for(stored.model)
        if embedder is None:
            return stored.model is None
        try:
            dimension = int(embedder.dimension)
        except EmbeddingUnavailable:
            dimension = stored.dimension or 0
        return stored.dimension in (None, dimension)

    def _embedder_for(self, model: str | None) -> Embedder | None:
        """Which of our embedders made vectors named `model` (the configured one or the built-in)."""
        if self.embedder is None:  # keyword search only, by request
            return None
        for embedder in (self.embedder, self.static):
            if embedder is not None and model is not None and embedder.model_name == model:
                return embedder
        return None

    @property
    def index_model(self) -> str | None:
        """The embedding model of the served index (None: keyword search only)."""
        snapshot = self._snapshot
        return snapshot.model if snapshot is not None else None

    # --- indexing ---

    def build(
        self,
        *,
        full: bool = False,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> IndexReport:
        """Brings the stored index up to date with the sources, then serves it.

        Only files whose bytes (or corpus metadata) changed are chunked and embedded again; a new
        embedding model or chunker re-embeds or re-chunks everything. Never raises for bad input
        or a dead embedding backend: those become notices in the report.
        """
        with self._build_lock:
            return self._build(full, progress or (lambda _: None), cancel or threading.Event())

    def _build(self, full: bool, report_progress: ProgressCallback, cancel: threading.Event) -> IndexReport:
        started = time.perf_counter()
        report = IndexReport()
        previous: StoredIndex | None = None
        if not full:
            try:
                previous = load_index(self.folder)
            except IndexCorrupt as error:
                report.notices.append(f"The search index in {self.folder} was damaged ({error}); rebuilt it.")
        chunker = chunker_id()
        if previous is not None and previous.chunker != chunker:
            previous = None  # different boundaries: nothing can be reused
        embedder, model, dimension = self._usable_embedder(report)
        reuse_vectors = (
            previous is not None
            and previous.vectors is not None
            and previous.model == model
            and previous.dimension == dimension
        )
        if previous is not None and model is not None and previous.model not in (None, model):
            report.notices.append(
                f"Embedding model changed from {previous.model} to {model}: re-embedding every chunk."
            )

        report_progress(Progress("scan", 0, 1, "finding Csound files"))
        files = self.sources.files()
        report.files = len(files)
        chunks: list[Chunk] = []
        vector_rows: list[Matrix | None] = []
        records: dict[str, FileRecord] = {}
        for number, source_file in enumerate(files, start=1):
            if cancel.is_set():
                raise Cancelled()
            report_progress(Progress("chunk", number, len(files), source_file.path))
            meta = _meta_key(source_file.info, source_file.source)
            old = previous.files.get(source_file.path) if previous is not None else None
            try:
                stat = os.stat(source_file.path)
            except OSError as error:
                report.skipped.append(f"{source_file.path}: cannot read ({error.strerror or error})")
                continue
            same_stat = old is not None and old.size == stat.st_size and old.mtime_ns == stat.st_mtime_ns
            skipped = ""
            if old is not None and same_stat and old.meta == meta:
                file_chunks, sha, skipped = _old_chunks(previous, old), old.sha256, old.skipped
                if skipped:
                    report.skipped.append(skipped)
            else:
                try:
                    raw, text = read_source(source_file.path)
                except SkipFile as skip:
                    report.skipped.append(str(skip))
                    records[source_file.path] = FileRecord(
                        "",
                        stat.st_size,
                        stat.st_mtime_ns,
                        source_file.source,
                        len(chunks),
                        0,
                        str(skip),
                        meta,
                    )
                    report.changed += 1
                    continue
                sha = hashlib.sha256(raw).hexdigest()
                if old is not None and old.sha256 == sha and old.meta == meta:
                    file_chunks = _old_chunks(previous, old)
                else:
                    old = None
                    file_chunks = chunk_file(
                        source_file.path,
                        text,
                        info=source_file.info,
                        opcodes=self.opcodes,
                        source=source_file.source,
                        use_grammar=self._use_grammar,
                    )
            if old is not None:
                report.reused += 1
            else:
                report.changed += 1
            records[source_file.path] = FileRecord(
                sha,
                stat.st_size,
                stat.st_mtime_ns,
                source_file.source,
                len(chunks),
                len(file_chunks),
                skipped,
                meta,
            )
            if old is not None and reuse_vectors and previous is not None and previous.vectors is not None:
                rows = previous.vectors[old.first_chunk : old.first_chunk + old.chunk_count]
                vector_rows.extend(rows[i] for i in range(len(rows)))
            else:
                vector_rows.extend([None] * len(file_chunks))
            chunks.extend(file_chunks)
        if previous is not None:
            report.removed = len(set(previous.files) - set(records))

        vectors = None
        if embedder is not None:
            vectors = self._embed_missing(embedder, chunks, vector_rows, report, report_progress, cancel)
        fallback = self.embedder is not None and self.static is not None and embedder is not self.static
        if vectors is None and fallback and self.static is not None and chunks:
            # The backend failed: the built-in model still gives hybrid search (never mixed with it).
            embedder, model, dimension = self.static, self.static.model_name, self.static.dimension
            report.notices.append(f"Using the built-in embedding model {model} instead.")
            fresh: list[Matrix | None] = [None] * len(chunks)
            vectors = self._embed_missing(embedder, chunks, fresh, report, report_progress, cancel)
        report.mode = "hybrid" if vectors is not None else "bm25"
        if vectors is None:
            model = dimension = None
            if embedder is None and not any("keyword search only" in n for n in report.notices):
                report.notices.append("No embedding model configured: keyword search only (BM25).")

        if cancel.is_set():
            raise Cancelled()
        report_progress(Progress("save", 0, 1, f"saving {len(chunks)} chunks"))
        snapshot = self._make_snapshot(chunks, vectors, None, model)
        faiss_bytes = None
        if snapshot.dense is not None and snapshot.dense.kind == "hnsw":
            import faiss

            faiss_bytes = faiss.serialize_index(snapshot.dense.index).tobytes()
        stored = StoredIndex(chunks, records, chunker, model, dimension, vectors, faiss_bytes)
        try:
            report.size_bytes = save_index(self.folder, stored)
        except OSError as error:
            report.notices.append(f"Could not save the search index in {self.folder}: {error}")
        self._snapshot = snapshot
        report.chunks = len(chunks)
        report.seconds = time.perf_counter() - started
        report_progress(Progress("save", 1, 1, "done"))
        return report

    def _usable_embedder(self, report: IndexReport) -> tuple[Embedder | None, str | None, int | None]:
        if self.embedder is None:
            return None, None, None
        try:
            return self.embedder, self.embedder.model_name, int(self.embedder.dimension)
        except EmbeddingUnavailable as error:
            if self.static is not None and self.embedder is not self.static:
                report.notices.append(f"{error}: using the built-in embedding model instead.")
                return self.static, self.static.model_name, self.static.dimension
            report.notices.append(f"{error}: keyword search only (BM25) until the next index run.")
            return None, None, None

    def _embed_missing(
        self,
        embedder: Embedder,
        chunks: Sequence[Chunk],
        rows: list[Matrix | None],
        report: IndexReport,
        report_progress: ProgressCallback,
        cancel: threading.Event,
    ) -> Matrix | None:
        missing = [i for i, row in enumerate(rows) if row is None]
        size = int(getattr(embedder, "batch_size", EMBED_BATCH))
        for start in range(0, len(missing), size):
            if cancel.is_set():
                raise Cancelled()
            batch = missing[start : start + size]
            report_progress(Progress("embed", start, len(missing), f"embedding {len(missing)} chunks"))
            try:
                matrix = embedder.embed([chunks[i].embedding_text() for i in batch], "document")
            except EmbeddingUnavailable as error:
                report.notices.append(f"{error}: keyword search only (BM25) until the next index run.")
                return None
            for offset, index in enumerate(batch):
                rows[index] = matrix[offset]
            report.embedded += len(batch)
        if missing:
            report_progress(Progress("embed", len(missing), len(missing), "embedded"))
        if not rows:
            return np.zeros((0, embedder.dimension), dtype=np.float32)
        return np.vstack([row for row in rows if row is not None]).astype(np.float32)

    def _make_snapshot(
        self, chunks: list[Chunk], vectors: Matrix | None, faiss_bytes: bytes | None, model: str | None
    ) -> _Snapshot:
        bm25 = Bm25Index([self.tokenizer.tokenize(c.indexed_text()) for c in chunks])
        dense = None
        if vectors is not None and len(vectors) == len(chunks) and len(chunks) > 0:
            prebuilt = None
            if faiss_bytes is not None:
                import faiss

                try:
                    prebuilt = faiss.deserialize_index(np.frombuffer(faiss_bytes, dtype=np.uint8))
                except RuntimeError:
                    prebuilt = None
            dense = DenseIndex(vectors, self.hnsw_threshold, prebuilt)
        counts = [len(chunk.opcodes) for chunk in chunks]
        # Each opcode's chunks in focus order (fewest opcodes first): the description ranking then
        # reads the head of a list instead of sorting tens of thousands of chunks per query.
        postings: dict[str, list[int]] = {}
        for index in sorted(range(len(chunks)), key=counts.__getitem__):
            for name in chunks[index].opcodes:
                postings.setdefault(name.lower(), []).append(index)
        whole_files = {chunk.path: index for index, chunk in enumerate(chunks) if chunk.kind == "file"}
        return _Snapshot(
            chunks, bm25, dense, model if dense is not None else None, postings, whole_files, counts
        )

    # --- search ---

    def search(
        self,
        query: str,
        *,
        top: int = 5,
        query_vector: Matrix | None = None,
        mode: SearchMode = "auto",
        dedupe: bool = True,
        per_file: int = 2,
    ) -> SearchResult:
        """Ranked chunks for a query. Without a usable embedding, keyword search alone, and the
        result's `mode` and `notice` say so.

        When a second piece of a small file ranks, the file is shown whole instead (in the place of
        its best piece): several matching parts mean the example as a whole is the answer. Otherwise
        overlapping chunks of one file are shown once, and at most `per_file` chunks of one file
        (0: no limit), so that one example cannot fill the list."""
        snapshot = self._snapshot
        if snapshot is None:
            return SearchResult([], "none", "No search index yet: run `csound-lsp index`.")
        settings = self.fusion
        notice: str | None = None
        mended = self._mended(query, snapshot) if self.mend else []
        expanded = " ".join([expand_query(query) if self.expand else query, *mended])
        plain = " ".join([query, *mended])
        lexical: list[tuple[int, float]] = []
        if mode != "dense":
            lexical = floor_lexical(
                snapshot.bm25.top(self.tokenizer.tokenize(expanded), settings.depth), settings
            )
        dense_hits: list[tuple[int, float]] = []
        dense_used = False
        if mode != "bm25":
            if snapshot.dense is None:
                notice = (
                    "Keyword search only: no embedding model configured."
                    if self.embedder is None
                    else "Keyword search only: the index has no embeddings for this model yet."
                )
            else:
                vector, notice = self._query_vector(
                    expanded if self.expand_dense else query, query_vector, snapshot
                )
                if vector is not None:
                    dense_used = True
                    dense_hits = floor_dense(snapshot.dense.search(vector, settings.depth), settings)
                    if self.static is not None and snapshot.model == self.static.model_name:
                        settings = replace(settings, dense_weight=settings.static_dense_weight)
        matches = self._opcode_matches(query, snapshot)
        # The description matcher reads the request as written (and mended): the vocabulary's
        # phrases already speak the user's language there, and added words only blur it.
        described = self._described(plain, snapshot, lexical=mode != "dense", dense=mode != "bm25")
        fused = fuse(lexical, dense_hits, matches, settings, described)
        hits: list[Hit] = []
        for item in fused:
            chunk = snapshot.chunks[item.index]
            whole = snapshot.whole_files.get(chunk.path)
            if dedupe and whole is not None:
                earlier = next((n for n, h in enumerate(hits) if h.chunk.path == chunk.path), None)
                if earlier is not None:
                    if hits[earlier].chunk.kind != "file":
                        best = hits[earlier]
                        hits[earlier] = Hit(
                            snapshot.chunks[whole], best.score, best.lexical_rank, best.dense_rank
                        )
                    continue
            if self.whole_for_scenes and whole is not None and chunk.kind in ("header", "score"):
                chunk = snapshot.chunks[whole]  # a note list or header alone answers nothing
            if dedupe and any(_overlaps(chunk, h.chunk) for h in hits):
                continue
            if per_file and sum(h.chunk.path == chunk.path for h in hits) >= per_file:
                continue
            hits.append(Hit(chunk, item.score, item.lexical_rank, item.dense_rank))
            if len(hits) >= top:
                break
        used: Mode = "hybrid" if dense_used and mode == "auto" else "dense" if dense_used else "bm25"
        return SearchResult(hits, used, notice)

    def _mended(self, query: str, snapshot: _Snapshot) -> list[str]:
        def frequency(word: str) -> int:
            # `word` is plain lower-case letters (spelling.mend's candidates): its one BM25 term is
            # itself (an opcode name, a short word) or its stem; hundreds are tried per unknown
            # word, so no tokenize.
            return snapshot.bm25.document_frequency(word) or snapshot.bm25.document_frequency(stem(word))

        words = self.static.wordpiece.ids if self.static is not None else {}
        return mend(query, lambda word: frequency(word) > 0, frequency, words)

    def _query_vector(
        self, query: str, given: Matrix | None, snapshot: _Snapshot
    ) -> tuple[Matrix | None, str | None]:
        assert snapshot.dense is not None
        if given is None:
            embedder = self._embedder_for(snapshot.model)
            if embedder is None:
                return None, "Keyword search only: no embedding model for this index."
            try:
                given = embedder.embed([query], "query")
            except EmbeddingUnavailable as error:
                return None, f"Keyword search only: {error}"
        vector = np.asarray(given, dtype=np.float32).reshape(1, -1)
        if vector.shape[1] != snapshot.dense.dimension:
            return None, "Keyword search only: the query embedding has the wrong dimension."
        return vector, None

    def _described(
        self, query: str, snapshot: _Snapshot, *, lexical: bool, dense: bool
    ) -> list[tuple[int, float]]:
        """Chunks calling the opcodes whose descriptions best match the query (one more ranking)."""
        if not self.describe or not snapshot.chunks:
            return []
        index = description_index(self.tokenizer, self.static)
        if index is None:
            return []
        found = index.match(
            query, lexical=lexical and self.describe_lexical, dense=dense and self.describe_dense
        )
        return chunk_ranking(found, snapshot.postings, snapshot.opcode_counts, self.fusion.depth)

    def _opcode_matches(self, query: str, snapshot: _Snapshot) -> dict[int, int]:
        named = {
            word.lower()
            for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", query)
            if self.tokenizer.is_opcode(word) and word.lower() not in QUERY_WORDS_NOT_OPCODES
        }
        matches: dict[int, int] = {}
        for name in named:
            for index in snapshot.postings.get(name, ()):
                matches[index] = matches.get(index, 0) + 1
        return matches


def _overlaps(a: Chunk, b: Chunk) -> bool:
    return a.path == b.path and a.start_line <= b.end_line and b.start_line <= a.end_line


def _old_chunks(previous: StoredIndex | None, record: FileRecord) -> list[Chunk]:
    assert previous is not None
    return previous.chunks[record.first_chunk : record.first_chunk + record.chunk_count]


def _meta_key(info: Any, source: str) -> str:
    raw = json.dumps([info.title, info.description, list(info.tags), source], ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]
