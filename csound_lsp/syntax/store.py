"""All documents the server knows: the open ones (owned by the client) and files read from disk.

Included files and workspace files are parsed on demand and cached by their modification time, so
a feature that follows an `#include` never reparses an unchanged file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from csound_lsp.syntax.document import ByteChange, Document, Encoding
from csound_lsp.syntax.languages import FileKind, kind_for
from csound_lsp.syntax.lines import Span
from csound_lsp.syntax.text_files import DecodedText, decode_csound

#: How many versions back `edits_since` can map an offset (each version's edits are a few integers).
_TRAIL_VERSIONS = 256

#: Files larger than this are not read from disk for includes or workspace indexing.
MAX_DISK_FILE_BYTES = 20 * 1024 * 1024


def uri_to_path(uri: str) -> str | None:
    parsed = urlparse(uri)
    if parsed.scheme not in ("file", ""):
        return None
    return unquote(parsed.path) if parsed.scheme == "file" else uri


def path_to_uri(path: str | os.PathLike[str]) -> str:
    return Path(path).absolute().as_uri()


@dataclass(frozen=True)
class _DiskKey:
    mtime_ns: int
    size: int


class ReadError(Exception):
    """A file could not be read as Csound text; the message says why in words."""


def read_source(path: str | os.PathLike[str]) -> DecodedText:
    """Reads a Csound file from disk, in the encoding it was written in (see `text_files`)."""
    try:
        size = os.path.getsize(path)
        if size > MAX_DISK_FILE_BYTES:
            raise ReadError(f"{path}: file is {size // (1024 * 1024)} MB, larger than the 20 MB limit")
        data = Path(path).read_bytes()
    except IsADirectoryError as exc:
        raise ReadError(f"{path}: is a directory") from exc
    except FileNotFoundError as exc:
        raise ReadError(f"{path}: no such file") from exc
    except PermissionError as exc:
        raise ReadError(f"{path}: permission denied") from exc
    except OSError as exc:
        raise ReadError(f"{path}: {exc.strerror or exc}") from exc
    return decode_csound(data)


class DocumentStore:
    """Open documents by URI (the current version of each), plus a cache of files parsed from disk.

    Versions are immutable: `change` makes the next one and makes it current. The edits between
    versions are kept for a while, so an answer computed on an earlier version can be moved onto the
    current one (`edits_since`).
    """

    def __init__(self, encoding: Encoding = Encoding.UTF16) -> None:
        self.encoding = encoding
        self._open: dict[str, Document] = {}
        self._disk: dict[str, tuple[_DiskKey, Document]] = {}
        #: Per open document: (version before, version after, edits) for its last versions.
        self._trail: dict[str, list[tuple[int, int, tuple[ByteChange, ...]]]] = {}

    def open(self, uri: str, text: str, version: int, language_id: str | None = None) -> Document:
        document = Document(uri, text, version, encoding=self.encoding, language_id=language_id)
        self._open[uri] = document
        self._trail[uri] = []
        return document

    def change(self, uri: str, edits: list[tuple[Span | None, str]], version: int) -> Document | None:
        """The next version of an open document after LSP content changes, now its current one."""
        current = self._open.get(uri)
        if current is None:
            return None
        document = current.edited(edits, version)
        self._open[uri] = document
        trail = self._trail.setdefault(uri, [])
        trail.append((current.version, document.version, document.edits))
        del trail[:-_TRAIL_VERSIONS]
        return document

    def edits_since(self, document: Document) -> tuple[ByteChange, ...] | None:
        """The byte edits from `document` (an earlier version) to the current version of its URI, or
        None when the store no longer knows the way (closed, reopened, too many versions ago)."""
        current = self._open.get(document.uri)
        if current is None:
            return None
        if current is document:
            return ()
        chain: list[tuple[ByteChange, ...]] = []
        for before, after, edits in reversed(self._trail.get(document.uri, [])):
            if after == document.version and not chain:
                return None  # the version was made twice (a client reusing numbers): no safe path
            chain.append(edits)
            if before == document.version:
                return tuple(edit for step in reversed(chain) for edit in step)
        return None

    def get(self, uri: str) -> Document | None:
        return self._open.get(uri)

    def close(self, uri: str) -> None:
        self._open.pop(uri, None)
        self._trail.pop(uri, None)

    def open_documents(self) -> list[Document]:
        return list(self._open.values())

    def for_path(self, path: str, *, disk_only: bool = False) -> Document | None:
        """The document for a path: the open one if the client has it, else a cached parse from disk.

        `disk_only` is for background threads: an open document changes under the event loop, so a
        thread reads the file's saved text instead (its caches would otherwise see a half-made edit).
        """
        uri = path_to_uri(path)
        if uri in self._open and not disk_only:
            return self._open[uri]
        try:
            stat = os.stat(path)
        except OSError:
            self._disk.pop(path, None)
            return None
        key = _DiskKey(stat.st_mtime_ns, stat.st_size)
        cached = self._disk.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        try:
            text = read_source(path).text
        except ReadError:
            return None
        kind = kind_for(path)
        # An included file inside a CSD's orchestra is orchestra code whatever its suffix says.
        if kind is FileKind.CSD and not text.lstrip().startswith("<"):
            kind = FileKind.ORC
        document = Document(uri, text, 0, kind=kind, encoding=self.encoding)
        self._disk[path] = (key, document)
        return document
