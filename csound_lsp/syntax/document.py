"""One version of a Csound document: its bytes, its line index and its tree-sitter tree, never changed.

An edit makes a new version (`Document.edited`): the tree is copied before tree-sitter is told of
the edit and reparses, so the old version's tree, and every node and model made from it, stays valid
for whoever still reads it (an analysis on a worker thread, a hover answered from the last analysed
version). Each version has an item table (`items.ItemTable`) holding what is computed from it, and
inheriting from the version before what an unchanged instrument or UDO already had.

LSP counts `\n`, `\r\n` and a lone `\r` as line breaks; the grammar (and tree-sitter's rows) know
`\n` only. So the parser reads the text with each lone `\r` turned into `\n`: the same length, so byte
offsets are shared, and tree-sitter's rows become the line index's lines.
"""

from __future__ import annotations

import re
from functools import cached_property

from tree_sitter import Node, Parser, Tree

from csound_lsp.syntax.items import ItemTable
from csound_lsp.syntax.languages import FileKind, kind_for, new_parser
from csound_lsp.syntax.lines import Encoding, LineIndex, Position, Span

#: One edit in bytes: (start, end in the old text, end in the new text).
ByteChange = tuple[int, int, int]

__all__ = ["Document", "Encoding", "LineIndex", "Position", "Span", "parse_view"]

_LONE_CR = re.compile(rb"\r(?!\n)")


def parse_view(source: bytes) -> bytes:
    """The bytes the parser reads: every lone carriage return as a newline (same offsets)."""
    if b"\r" not in source or source.count(b"\r") == source.count(b"\r\n"):
        return source
    return _LONE_CR.sub(b"\n", source)


class Document:
    """One version of a document: the text as UTF-8 bytes, its line index and its tree."""

    uri: str
    version: int
    kind: FileKind
    encoding: Encoding
    index: LineIndex
    tree: Tree
    items: ItemTable
    _parser: Parser
    _source: bytes
    #: The byte edits that made this version from the one before, in order (empty for a fresh text).
    edits: tuple[ByteChange, ...]

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
        self.tree = self._parser.parse(parse_view(self._source))
        self.items = ItemTable()
        self.edits = ()

    def _next(
        self, source: bytes, tree: Tree, version: int | None, edits: tuple[ByteChange, ...]
    ) -> Document:
        made = object.__new__(Document)
        made.uri = self.uri
        made.version = self.version if version is None else version
        made.kind = self.kind
        made.encoding = self.encoding
        made._parser = self._parser
        made._source = source
        made.index = LineIndex(source, self.encoding)
        made.tree = tree
        made.items = ItemTable(self.items)
        made.edits = edits
        return made

    @property
    def source(self) -> bytes:
        return self._source

    @cached_property
    def text(self) -> str:
        return self._source.decode("utf-8", errors="replace")

    def replaced(self, text: str, version: int | None = None) -> Document:
        """The next version after a full-document change: parsed from scratch."""
        return self.edited([(None, text)], version)

    def edited(self, edits: list[tuple[Span | None, str]], version: int | None = None) -> Document:
        """The next version after LSP content changes applied in order: the tree edited for each (on a
        copy: this version keeps its own) and reparsed once. A change without a range replaces the
        whole document, as LSP defines it."""
        source = self._source
        index = self.index
        tree: Tree | None = self.tree.copy()
        done: list[ByteChange] = []
        for span, new_text in edits:
            if span is None:
                done.append((0, len(source), len(new_text.encode("utf-8", errors="surrogatepass"))))
                source = new_text.encode("utf-8", errors="surrogatepass")
                index = LineIndex(source, self.encoding)
                tree = None
                continue
            source, index, edit = _edit(source, index, span, new_text, tree)
            done.append(edit)
        if tree is not None and done:
            _unreuse_missing(tree, index, len(source), min(start for start, _, _ in done))
        view = parse_view(source)
        parsed = self._parser.parse(view) if tree is None else self._parser.parse(view, tree)
        return self._next(source, parsed, version, tuple(done))

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


def _edit(
    source: bytes, index: LineIndex, span: Span, new_text: str, tree: Tree | None
) -> tuple[bytes, LineIndex, ByteChange]:
    start = index.offset(span.start)
    old_end = max(start, index.offset(span.end))
    inserted = new_text.encode("utf-8", errors="surrogatepass")
    if start > 0 and source[start - 1] == 13:
        # a carriage return just before the edit is lone on one side of it and not on the other
        # (its parser byte changes between `\r` and `\n`): the edit covers it
        start -= 1
        inserted = b"\r" + inserted
    start_point = index.point(start)
    old_end_point = index.point(old_end)
    source = source[:start] + inserted + source[old_end:]
    index = LineIndex(source, index.encoding)
    new_end = start + len(inserted)
    if tree is not None:
        tree.edit(
            start_byte=start,
            old_end_byte=old_end,
            new_end_byte=new_end,
            start_point=start_point,
            old_end_point=old_end_point,
            new_end_point=index.point(new_end),
        )
    return source, index, (start, old_end, new_end)


def _unreuse_missing(tree: Tree, index: LineIndex, size: int, first: int) -> None:
    """Marks every subtree that holds a MISSING token at or after the first edit as changed.

    Tree-sitter reuses such a subtree whole, and in error recovery breaks it down to its first leaf:
    a zero-width MISSING token there is taken for a real token that fits an earlier state, so the
    reparse recovers in a way a fresh parse (which never sees that token) cannot, and the trees
    differ (`i` then `,0` on the next line, edited into `"",0`). An edit over the byte after each such
    token makes its ancestors unreusable; the parser reads the tokens there again."""
    root = tree.root_node
    if not root.has_error:
        return
    found: list[int] = []
    pending = [root]
    while pending:
        node = pending.pop()
        if node.is_missing:
            found.append(node.start_byte)
            continue
        pending.extend(c for c in node.children if c.has_error and c.end_byte >= first)
    for start in found:
        end = min(start + 1, size)
        start_point, end_point = index.point(start), index.point(end)
        tree.edit(
            start_byte=start,
            old_end_byte=end,
            new_end_byte=end,
            start_point=start_point,
            old_end_point=end_point,
            new_end_point=end_point,
        )


def map_back(offset: int, edits: tuple[ByteChange, ...]) -> int | None:
    """Where a byte offset of the version after `edits` stood before them; None inside edited text."""
    for start, old_end, new_end in reversed(edits):
        if offset < start:
            continue
        if offset >= new_end:
            offset += old_end - new_end
            continue
        return None
    return offset


def map_forward(offset: int, edits: tuple[ByteChange, ...]) -> int | None:
    """Where the byte at an offset of the version before `edits` stands after them; None if replaced."""
    for start, old_end, new_end in edits:
        if offset < start:
            continue
        if offset >= old_end:
            offset += new_end - old_end
            continue
        return None
    return offset
