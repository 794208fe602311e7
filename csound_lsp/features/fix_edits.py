"""What a quick fix is made of: byte edits, the fix itself, the context its maker reads, text helpers.

Shared by the fix makers (`quick_fixes`, `header_fixes`) so that none of them imports another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from csound_lsp.analysis.findings import Finding
from csound_lsp.catalog import Catalog
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import full_model
from csound_lsp.syntax.model import DocumentModel


@dataclass(frozen=True, slots=True)
class ByteEdit:
    """Replace bytes [start, end) of the document with `text`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[ByteEdit, ...]
    preferred: bool = False
    #: Structural fixes (a missing `endin`) bring back checks the syntax error hid: only syntax
    #: errors may not grow. Every other fix may not add an error of any kind.
    structural: bool = False


@dataclass
class FixContext:
    document: Document
    model: DocumentModel
    catalog: Catalog
    findings: list[Finding]
    #: Per instrument: the text with the other instruments blanked out, and its findings.
    reduced: dict[int, tuple[bytes, list[Finding]]] = field(default_factory=dict)

    def full(self) -> DocumentModel:
        """The whole document's model: every reference of a global variable, every scope."""
        return full_model(self.document)

    @property
    def source(self) -> bytes:
        return self.document.source

    def text(self, start: int, end: int) -> str:
        return self.source[start:end].decode("utf-8", errors="replace")


def apply_edits(source: bytes, edits: tuple[ByteEdit, ...] | list[ByteEdit]) -> bytes:
    """The document after the edits (which must not overlap), applied from the end backwards."""
    result = source
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        result = result[: edit.start] + edit.text.encode("utf-8") + result[edit.end :]
    return result


def line_start(source: bytes, offset: int) -> int:
    return source.rfind(b"\n", 0, offset) + 1


def indent_at(source: bytes, offset: int) -> str:
    start = line_start(source, offset)
    line = source[start:offset]
    return line[: len(line) - len(line.lstrip(b" \t"))].decode("utf-8", "replace")


def content_end(node: Node) -> int:
    """Where a node's text ends, without the line breaks and blank lines statements carry."""
    text = node.text or b""
    return node.start_byte + len(text.rstrip())


def insert_after_line(source: bytes, offset: int, lines: list[str]) -> ByteEdit:
    """Inserts whole lines after the line that holds `offset`."""
    newline = source.find(b"\n", offset)
    body = "".join(line + "\n" for line in lines)
    if newline == -1:
        return ByteEdit(len(source), len(source), ("\n" if source else "") + body)
    return ByteEdit(newline + 1, newline + 1, body)


def first_line_end(source: bytes, offset: int) -> int:
    newline = source.find(b"\n", offset)
    return newline if newline != -1 else len(source)
