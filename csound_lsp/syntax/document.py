"""One open Csound document: its bytes, its line index and one incrementally updated tree-sitter tree.

LSP positions count characters in the client's encoding (UTF-16 by default), tree-sitter counts bytes
of UTF-8. `LineIndex` converts between the two so that every feature can work on the tree alone.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from tree_sitter import Node, Point, Tree

from csound_lsp.syntax.languages import FileKind, kind_for, new_parser

if TYPE_CHECKING:
    from csound_lsp.syntax.model import DocumentModel

_NEWLINE = re.compile(rb"\r\n|\r|\n")


class Encoding(enum.Enum):
    """The unit LSP character offsets are counted in (negotiated with the client)."""

    UTF8 = "utf-8"
    UTF16 = "utf-16"
    UTF32 = "utf-32"

    @classmethod
    def parse(cls, value: str | None) -> Encoding:
        for member in cls:
            if member.value == value:
                return member
        return cls.UTF16


@dataclass(frozen=True, slots=True)
class Position:
    """A zero-based line and character offset in the client's encoding units."""

    line: int
    character: int


@dataclass(frozen=True, slots=True)
class Span:
    """A range of a document in client units, as LSP expects."""

    start: Position
    end: Position


def _units(text: str, encoding: Encoding) -> int:
    if encoding is Encoding.UTF32:
        return len(text)
    if encoding is Encoding.UTF8:
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


class LineIndex:
    """Line starts of a UTF-8 buffer, and conversions between bytes and client positions."""

    def __init__(self, source: bytes, encoding: Encoding = Encoding.UTF16) -> None:
        self.source = source
        self.encoding = encoding
        self.line_starts = [0, *(m.end() for m in _NEWLINE.finditer(source))]

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def line_bytes(self, line: int) -> bytes:
        """The bytes of a line without its line terminator."""
        start = self.line_starts[line]
        end = self.line_starts[line + 1] if line + 1 < len(self.line_starts) else len(self.source)
        return self.source[start:end].rstrip(b"\r\n")

    def offset(self, position: Position) -> int:
        """Byte offset of a client position, clamped to the document like LSP asks."""
        if position.line < 0:
            return 0
        if position.line >= len(self.line_starts):
            return len(self.source)
        start = self.line_starts[position.line]
        raw = self.line_bytes(position.line)
        if position.character <= 0:
            return start
        if raw.isascii() or self.encoding is Encoding.UTF8:
            return start + min(position.character, len(raw))
        text = raw.decode("utf-8", errors="replace")
        consumed = 0
        for index, char in enumerate(text):
            if consumed >= position.character:
                return start + len(text[:index].encode("utf-8"))
            consumed += _units(char, self.encoding)
        return start + len(raw)

    def position(self, offset: int) -> Position:
        """Client position of a byte offset (an offset inside a character moves to its start)."""
        offset = max(0, min(offset, len(self.source)))
        line = self._line_of(offset)
        start = self.line_starts[line]
        prefix = self.source[start:offset]
        if prefix.isascii() or self.encoding is Encoding.UTF8:
            return Position(line, len(prefix))
        return Position(line, _units(prefix.decode("utf-8", errors="ignore"), self.encoding))

    def point(self, offset: int) -> Point:
        """tree-sitter point (row, byte column) of a byte offset."""
        line = self._line_of(offset)
        return Point(line, offset - self.line_starts[line])

    def offset_of_point(self, point: Point) -> int:
        if point.row >= len(self.line_starts):
            return len(self.source)
        return min(self.line_starts[point.row] + point.column, len(self.source))

    def position_of_point(self, point: Point) -> Position:
        return self.position(self.offset_of_point(point))

    def span(self, start_byte: int, end_byte: int) -> Span:
        return Span(self.position(start_byte), self.position(end_byte))

    def node_span(self, node: Node) -> Span:
        return self.span(node.start_byte, node.end_byte)

    def _line_of(self, offset: int) -> int:
        starts = self.line_starts
        low, high = 0, len(starts) - 1
        while low < high:
            mid = (low + high + 1) // 2
            if starts[mid] <= offset:
                low = mid
            else:
                high = mid - 1
        return low


class Document:
    """An open document: the text as UTF-8 bytes and its tree, kept in step edit by edit."""

    def __init__(
        self,
        uri: str,
        text: str,
        version: int = 0,
        kind: FileKind | None = None,
        encoding: Encoding = Encoding.UTF16,
        language_id: str | None = None,
    ) -> None:
        self.uri = uri
        self.version = version
        self.kind = kind if kind is not None else kind_for(uri, language_id)
        self.encoding = encoding
        self._parser = new_parser(self.kind)
        self._source = text.encode("utf-8", errors="surrogatepass")
        self.index = LineIndex(self._source, encoding)
        self.tree: Tree = self._parser.parse(self._source)

    @property
    def source(self) -> bytes:
        return self._source

    @cached_property
    def text(self) -> str:
        return self._source.decode("utf-8", errors="replace")

    @cached_property
    def model(self) -> DocumentModel:
        """The typed model of this version, built on first use and dropped on every edit."""
        from csound_lsp.syntax.model import build_model

        return build_model(self)

    def replace_all(self, text: str, version: int | None = None) -> None:
        """A full-document change: parse from scratch."""
        self._source = text.encode("utf-8", errors="surrogatepass")
        self.index = LineIndex(self._source, self.encoding)
        self.tree = self._parser.parse(self._source)
        self._changed(version)

    def apply_edits(self, edits: list[tuple[Span | None, str]], version: int | None = None) -> None:
        """Applies LSP content changes in order, editing the tree for each and reparsing once.

        A change without a range replaces the whole document, as LSP defines it.
        """
        full = False
        for span, new_text in edits:
            if span is None:
                self._source = new_text.encode("utf-8", errors="surrogatepass")
                self.index = LineIndex(self._source, self.encoding)
                full = True
                continue
            self._edit(span, new_text, track_tree=not full)
        if full:
            self.tree = self._parser.parse(self._source)
        else:
            self.tree = self._parser.parse(self._source, self.tree)
        self._changed(version)

    def _edit(self, span: Span, new_text: str, *, track_tree: bool) -> None:
        start = self.index.offset(span.start)
        old_end = max(start, self.index.offset(span.end))
        inserted = new_text.encode("utf-8", errors="surrogatepass")
        start_point = self.index.point(start)
        old_end_point = self.index.point(old_end)
        self._source = self._source[:start] + inserted + self._source[old_end:]
        self.index = LineIndex(self._source, self.encoding)
        new_end = start + len(inserted)
        if track_tree:
            self.tree.edit(
                start_byte=start,
                old_end_byte=old_end,
                new_end_byte=new_end,
                start_point=start_point,
                old_end_point=old_end_point,
                new_end_point=self.index.point(new_end),
            )

    def _changed(self, version: int | None) -> None:
        if version is not None:
            self.version = version
        self.__dict__.pop("text", None)
        self.__dict__.pop("model", None)

    def node_text(self, node: Node) -> str:
        return self._source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def node_at(self, position: Position, *, named: bool = True) -> Node:
        """The smallest node covering a position (used by hover, completion and navigation)."""
        offset = self.index.offset(position)
        root = self.tree.root_node
        if named:
            found = root.named_descendant_for_byte_range(offset, offset)
        else:
            found = root.descendant_for_byte_range(offset, offset)
        return found if found is not None else root
