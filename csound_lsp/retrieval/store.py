"""The index on disk: chunks, vectors and a manifest that vouches for both.

Layout of the cache folder (`platformdirs.user_cache_dir("csound-lsp")/retrieval`, or
`$CSOUND_LSP_CACHE_DIR/retrieval`, or a folder the caller names):

- `chunks.json`: every chunk, in index order, grouped by file;
- `vectors.npy`: one float32 row per chunk (absent for a keyword-only index);
- `dense.faiss`: the HNSW graph, saved only when the index is large enough to use one;
- `manifest.json`: format version, chunker, embedding model and dimension, each source file's hash and
  stat, and the SHA-256 of every data file.

Every file is written to a temporary name and moved into place with `os.replace`; the manifest goes
last. A crash between two moves, a truncated file or bytes changed by hand therefore show up as a
checksum that does not match, and `load_index` raises `IndexCorrupt` with the reason instead of
returning garbage. The caller rebuilds.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from csound_lsp import environment
from csound_lsp.retrieval.chunks import Chunk

FORMAT = 1
CACHE_ENV = environment.CACHE_DIR
MANIFEST = "manifest.json"
CHUNKS = "chunks.json"
VECTORS = "vectors.npy"
FAISS = "dense.faiss"


class IndexCorrupt(Exception):
    """The stored index cannot be trusted; the message says what was wrong."""


def default_cache_dir() -> Path:
    override = environment.cache_dir()
    if override:
        return Path(override).expanduser() / "retrieval"
    import platformdirs

    return Path(platformdirs.user_cache_dir("csound-lsp")) / "retrieval"


@dataclass(slots=True)
class FileRecord:
    """One indexed source file: its identity on disk and the slice of chunks it produced."""

    sha256: str
    size: int
    mtime_ns: int
    source: str
    first_chunk: int
    chunk_count: int
    skipped: str = ""
    #: Fingerprint of the corpus metadata and source kind: a new title or tag re-chunks the file.
    meta: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "source": self.source,
            "first_chunk": self.first_chunk,
            "chunk_count": self.chunk_count,
            "skipped": self.skipped,
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> FileRecord:
        return cls(
            sha256=str(raw["sha256"]),
            size=int(raw["size"]),
            mtime_ns=int(raw["mtime_ns"]),
            source=str(raw["source"]),
            first_chunk=int(raw["first_chunk"]),
            chunk_count=int(raw["chunk_count"]),
            skipped=str(raw.get("skipped", "")),
            meta=str(raw.get("meta", "")),
        )


@dataclass(slots=True)
class StoredIndex:
    """Everything `save_index` writes and `load_index` returns."""

    chunks: list[Chunk]
    files: dict[str, FileRecord]
    chunker: str
    model: str | None = None
    dimension: int | None = None
    vectors: NDArray[np.float32] | None = None
    faiss_bytes: bytes | None = None
    created: float = field(default_factory=time.time)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Writes `data` so that `path` holds either the old or the new bytes, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save_index(folder: Path, stored: StoredIndex) -> int:
    """Writes the index; returns its size on disk in bytes."""
    payloads: dict[str, bytes] = {
        CHUNKS: json.dumps([c.to_json() for c in stored.chunks], ensure_ascii=False).encode("utf-8")
    }
    if stored.vectors is not None:
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(stored.vectors, dtype=np.float32), allow_pickle=False)
        payloads[VECTORS] = buffer.getvalue()
    if stored.faiss_bytes is not None:
        payloads[FAISS] = stored.faiss_bytes
    for name, data in payloads.items():
        atomic_write(folder / name, data)
    for stale in {VECTORS, FAISS} - set(payloads):
        (folder / stale).unlink(missing_ok=True)
    manifest = {
        "format": FORMAT,
        "created": stored.created,
        "chunker": stored.chunker,
        "model": stored.model,
        "dimension": stored.dimension,
        "chunk_count": len(stored.chunks),
        "files": {path: record.to_json() for path, record in stored.files.items()},
        "checksums": {name: sha256_bytes(data) for name, data in payloads.items()},
    }
    manifest_bytes = json.dumps(manifest, indent=1).encode("utf-8")
    atomic_write(folder / MANIFEST, manifest_bytes)
    return len(manifest_bytes) + sum(len(data) for data in payloads.values())


def load_index(folder: Path) -> StoredIndex | None:
    """The stored index, None when there is none yet; raises IndexCorrupt when it cannot be trusted."""
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        if (folder / CHUNKS).exists():
            raise IndexCorrupt("the manifest is missing (an interrupted first write?)")
        return None
    try:
        manifest = json.loads(manifest_path.read_bytes())
    except (OSError, ValueError) as error:
        raise IndexCorrupt(f"the manifest is unreadable ({error})") from error
    if not isinstance(manifest, dict):
        raise IndexCorrupt("the manifest is not a JSON object")
    if manifest.get("format") != FORMAT:
        raise IndexCorrupt(f"index format {manifest.get('format')!r} is not {FORMAT}")
    checksums = manifest.get("checksums")
    if not isinstance(checksums, dict) or CHUNKS not in checksums:
        raise IndexCorrupt("the manifest lists no checksums")
    payloads: dict[str, bytes] = {}
    for name, expected in checksums.items():
        try:
            data = (folder / str(name)).read_bytes()
        except OSError as error:
            raise IndexCorrupt(f"{name} is missing ({error.strerror or error})") from error
        if sha256_bytes(data) != expected:
            raise IndexCorrupt(f"{name} does not match its checksum (half-written or changed)")
        payloads[str(name)] = data
    try:
        chunks = [Chunk.from_json(raw) for raw in json.loads(payloads[CHUNKS])]
        files = {str(path): FileRecord.from_json(raw) for path, raw in manifest["files"].items()}
        vectors = None
        if VECTORS in payloads:
            vectors = np.load(io.BytesIO(payloads[VECTORS]), allow_pickle=False).astype(np.float32)
    except (KeyError, TypeError, ValueError) as error:
        raise IndexCorrupt(f"the index data is malformed ({error})") from error
    if len(chunks) != manifest.get("chunk_count"):
        raise IndexCorrupt("the chunk count does not match the manifest")
    dimension = manifest.get("dimension")
    if vectors is not None and (vectors.ndim != 2 or vectors.shape != (len(chunks), dimension)):
        raise IndexCorrupt(f"vectors have shape {vectors.shape}, expected ({len(chunks)}, {dimension})")
    if sum(r.chunk_count for r in files.values()) != len(chunks):
        raise IndexCorrupt("file records do not cover the chunks")
    return StoredIndex(
        chunks=chunks,
        files=files,
        chunker=str(manifest.get("chunker", "")),
        model=manifest.get("model"),
        dimension=dimension,
        vectors=vectors,
        faiss_bytes=payloads.get(FAISS),
        created=float(manifest.get("created", 0.0)),
    )


def size_on_disk(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*") if p.is_file() and not p.name.startswith("."))
