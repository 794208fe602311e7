"""Positions: LSP counts characters in the client's encoding (UTF-16 by default), tree-sitter counts
UTF-8 bytes. `LineIndex` converts between the two so every feature can work on bytes and the tree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from itertools import accumulate

from tree_sitter import Node, Point

_LINE_END_BYTES = frozenset(b"\r\n")


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
        return len(text.encode("utf-8", errors="surrogatepass"))
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


class LineIndex:
    """Line starts of a UTF-8 buffer, and conversions between bytes and client positions."""

    def __init__(self, source: bytes, encoding: Encoding = Encoding.UTF16) -> None:
        self.source = source
        self.encoding = encoding
        # bytes.splitlines breaks at exactly \r\n, \r and \n (LSP's line ends); summing the lengths in C
        # is ~4x faster than a regex scan, and this runs on every keystroke.
        self.line_starts = [0, *accumulate(map(len, source.splitlines(keepends=True)))]
        if source and source[-1] not in _LINE_END_BYTES:
            self.line_starts.pop()  # the end of a last line without a terminator starts no line

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def line_bytes(self, line: int) -> bytes:
        """The bytes of a line without its line terminator; none for a line the text does not have (a
        request about an older version of the document can name one)."""
        if not 0 <= line < len(self.line_starts):
            return b""
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
        # Documents are encoded with `surrogatepass` (a lone surrogate from the client or a file is
        # three bytes): decoded the same way, each character's bytes count exactly (`replace` made
        # them three characters of three bytes each, past the line's end).
        text = raw.decode("utf-8", errors="surrogatepass")
        consumed = 0
        for index, char in enumerate(text):
            if consumed >= position.character:
                return start + min(len(raw), len(text[:index].encode("utf-8", errors="surrogatepass")))
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
        try:
            text = prefix.decode("utf-8", errors="surrogatepass")
        except UnicodeDecodeError:  # the offset splits a character: the part before it
            text = prefix.decode("utf-8", errors="ignore")
        return Position(line, _units(text, self.encoding))

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
