"""Where retrievable Csound comes from: the bundled corpus, user folders, the workspace, the manual.

Each file is reported with its origin and what the corpus index says about it. Manual examples are
often gzipped (`foo.csd.gz`); they are read transparently. Huge or binary files are skipped with a
reason rather than indexed as garbage.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from csound_lsp.retrieval.chunks import FileInfo

log = logging.getLogger(__name__)

CSOUND_SUFFIXES = (".csd", ".orc", ".sco", ".udo", ".inc")
MANUAL_EXAMPLES = Path("/usr/share/doc/csound-doc/html/examples")
#: Bigger files are not Csound a user wrote by hand (or not worth a chunk each): skipped.
MAX_FILE_BYTES = 1_000_000


def bundled_corpus_dir() -> Path | None:
    """Our own corpus: beside the package in a checkout, or shipped as package data."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "data" / "corpus", package.parent / "corpus"):
        if candidate.is_dir():
            return candidate
    return None


def load_corpus_index(corpus_dir: Path) -> dict[str, FileInfo]:
    """Metadata keyed by absolute path, from `index.json` or else the `index-*.json` parts."""
    files = [corpus_dir / "index.json"]
    if not files[0].is_file():
        files = sorted(corpus_dir.glob("index-*.json"))
    infos: dict[str, FileInfo] = {}
    for file in files:
        try:
            entries = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            log.warning("cannot read corpus index %s: %s", file, error)
            continue
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
                continue
            tags = entry.get("tags") or []
            infos[os.path.abspath(corpus_dir / entry["path"])] = FileInfo(
                title=str(entry.get("title") or ""),
                description=str(entry.get("description") or ""),
                tags=tuple(str(t) for t in tags if isinstance(t, str)),
            )
    return infos


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # absolute
    source: str  # "corpus", "folder", "workspace" or "manual"
    info: FileInfo


@dataclass(frozen=True, slots=True)
class Sources:
    """The configured places to index. `manual=None` means: the Debian/Ubuntu location when present."""

    corpus: bool = True
    folders: tuple[str, ...] = ()
    workspace: tuple[str, ...] = ()
    manual: str | None = None
    include_manual: bool = True
    corpus_dir: str | None = None

    def files(self) -> list[SourceFile]:
        """Every Csound file of every source, each once, in a stable order."""
        found: dict[str, SourceFile] = {}
        if self.corpus:
            root = Path(self.corpus_dir) if self.corpus_dir else bundled_corpus_dir()
            if root is not None and root.is_dir():
                infos = load_corpus_index(root)
                for path in walk_csound(root):
                    found.setdefault(path, SourceFile(path, "corpus", infos.get(path, FileInfo())))
        for origin, roots in (("folder", self.folders), ("workspace", self.workspace)):
            for folder in roots:
                for path in walk_csound(Path(folder).expanduser()):
                    found.setdefault(path, SourceFile(path, origin, FileInfo()))
        if self.include_manual:
            manual = Path(self.manual) if self.manual else MANUAL_EXAMPLES
            if manual.is_dir():
                for path in walk_csound(manual, allow_gzip=True):
                    found.setdefault(path, SourceFile(path, "manual", FileInfo()))
        return sorted(found.values(), key=lambda f: (f.source != "corpus", f.path))


def is_indexable(name: str, allow_gzip: bool = False) -> bool:
    lowered = name.lower()
    if allow_gzip and lowered.endswith(".gz"):
        lowered = lowered[:-3]
    return lowered.endswith(CSOUND_SUFFIXES)


def walk_csound(root: Path, allow_gzip: bool = False) -> Iterator[str]:
    if root.is_file():
        if is_indexable(root.name, allow_gzip):
            yield os.path.abspath(root)
        return
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("node_modules", "build"))
        for name in sorted(names):
            if is_indexable(name, allow_gzip):
                yield os.path.abspath(os.path.join(folder, name))


class SkipFile(Exception):
    """A file that is not indexed; the message says why."""


def read_source(path: str) -> tuple[bytes, str]:
    """Raw bytes (for hashing) and decoded text; raises SkipFile for what we do not index."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise SkipFile(f"{path}: cannot read ({error.strerror or error})") from error
    data = raw
    if path.lower().endswith(".gz"):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
                data = stream.read(MAX_FILE_BYTES + 1)
        except (OSError, EOFError) as error:
            raise SkipFile(f"{path}: not a readable gzip file ({error})") from error
    if len(data) > MAX_FILE_BYTES:
        raise SkipFile(f"{path}: larger than {MAX_FILE_BYTES // 1000} kB, skipped")
    if b"\x00" in data:
        raise SkipFile(f"{path}: looks like a binary file, skipped")
    return raw, data.decode("utf-8", errors="replace")
