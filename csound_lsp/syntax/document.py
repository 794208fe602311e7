"""One version of a Csound document: its bytes, its line index and its tree-sitter tree, never changed.

An edit makes a new version (`Document.edited`): its bytes and line index at once, its tree when
first asked for (`Document.tree`). The tree is then made from the nearest earlier version that has
one: a copy of that tree is told of every edit since and reparsed, so the old version's tree, and
every node and model made from it, stays valid for whoever still reads it (an analysis on a worker
thread, a hover answered from the last analysed version). Reparsing is not free: tree-sitter reuses
neither a repetition's nodes nor those made while it tried two readings, so one keystroke in a
20,000-line instrument costs ~35 ms, linear in the instrument. Made on demand, it runs on the thread
that first needs the tree (the analysis thread, with the interpreter lock released while
tree-sitter parses), and a burst of keystrokes is reparsed once.

Each version has an item table (`items.ItemTable`) holding what is computed from it, and inheriting
from the version before what an unchanged instrument or UDO already had.

LSP counts `\n`, `\r\n` and a lone `\r` as line breaks; the grammar (and tree-sitter's rows) know
`\n` only. So the parser reads the text with each lone `\r` turned into `\n`: the same length, so byte
offsets are shared, and tree-sitter's rows become the line index's lines.
"""

from __future__ import annotations

import re
import threading
from functools import cached_property

from tree_sitter import Node, Parser, Tree

from csound_lsp.syntax.items import ItemTable
from csound_lsp.syntax.languages import FileKind, kind_for, new_parser
from csound_lsp.syntax.lines import Encoding, LineIndex, Position, Span
from csound_lsp.syntax.recovery import recovery_nodes

#: One edit in bytes: (start, end in the old text, end in the new text).
ByteChange = tuple[int, int, int]

#: One edit as tree-sitter's `Tree.edit` takes it: start, old end and new end bytes, then points.
_TreeEdit = tuple[int, int, int, tuple[int, int], tuple[int, int], tuple[int, int]]

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
    items: ItemTable
    _parser: Parser
    #: Held while any version of this document is parsed (the parser is shared by its versions).
    _lock: threading.RLock
    _source: bytes
    _tree: Tree | None
    #: Until the tree is made: the version it is made from and the tree edits since (no version: the
    #: text was replaced whole, parse it fresh).
    _after: tuple[Document | None, tuple[_TreeEdit, ...]] | None
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
        self._lock = threading.RLock()
        self._source = text.encode("utf-8", errors="surrogatepass")
        self.index = LineIndex(self._source, encoding)
        self._tree = self._parser.parse(parse_view(self._source))
        self._after = None
        self.items = ItemTable()
        self.edits = ()

    def _next(
        self,
        source: bytes,
        index: LineIndex,
        after: tuple[Document | None, tuple[_TreeEdit, ...]],
        version: int | None,
        edits: tuple[ByteChange, ...],
    ) -> Document:
        made = object.__new__(Document)
        made.uri = self.uri
        made.version = self.version if version is None else version
        made.kind = self.kind
        made.encoding = self.encoding
        made._parser = self._parser
        made._lock = self._lock
        made._source = source
        made.index = index
        made._tree = None
        made._after = after
        made.items = ItemTable(self.items)
        made.edits = edits
        return made

    @property
    def source(self) -> bytes:
        return self._source

    @property
    def tree(self) -> Tree:
        """This version's tree, parsed when first asked for (by whichever thread asks)."""
        tree = self._tree
        if tree is None:
            with self._lock:
                tree = self._tree
                if tree is None:
                    tree = self._tree = self._parse()
                    self._after = None  # the version it was made from may go
        return tree

    @property
    def parsed(self) -> bool:
        """Whether the tree is made (asking for it then costs nothing)."""
        return self._tree is not None

    def _parse(self) -> Tree:
        """The tree, from the nearest earlier version with one and the edits since (under the lock)."""
        steps: list[tuple[_TreeEdit, ...]] = []
        base: Document | None = self
        while base is not None and base._tree is None:
            assert base._after is not None
            base, edits = base._after
            steps.append(edits)
        view = parse_view(self._source)
        if base is None or base._tree is None:
            return self._parser.parse(view)
        tree = base._tree.copy()
        done = [edit for step in reversed(steps) for edit in step]
        for start, old_end, new_end, start_point, old_end_point, new_end_point in done:
            tree.edit(
                start_byte=start,
                old_end_byte=old_end,
                new_end_byte=new_end,
                start_point=start_point,
                old_end_point=old_end_point,
                new_end_point=new_end_point,
            )
        if done:
            _unreuse_missing(tree, self.index, len(self._source), min(edit[0] for edit in done))
        return self._parser.parse(view, tree)

    @cached_property
    def text(self) -> str:
        return self._source.decode("utf-8", errors="replace")

    def replaced(self, text: str, version: int | None = None) -> Document:
        """The next version after a full-document change: parsed from scratch."""
        return self.edited([(None, text)], version)

    def edited(self, edits: list[tuple[Span | None, str]], version: int | None = None) -> Document:
        """The next version after LSP content changes applied in order. Its tree is made when asked
        for: this version's tree (or the nearest earlier one's) copied, told of each edit, and
        reparsed once. A change without a range replaces the whole document, as LSP defines it."""
        source = self._source
        index = self.index
        fresh = False
        tree_edits: list[_TreeEdit] = []
        done: list[ByteChange] = []
        for span, new_text in edits:
            if span is None:
                done.append((0, len(source), len(new_text.encode("utf-8", errors="surrogatepass"))))
                source = new_text.encode("utf-8", errors="surrogatepass")
                index = LineIndex(source, self.encoding)
                fresh = True
                continue
            source, index, edit = _edit(source, index, span, new_text)
            done.append(edit[:3])
            tree_edits.append(edit)
        after: tuple[Document | None, tuple[_TreeEdit, ...]] = (
            (None, ()) if fresh else (self, tuple(tree_edits))
        )
        return self._next(source, index, after, version, tuple(done))

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


def _edit(source: bytes, index: LineIndex, span: Span, new_text: str) -> tuple[bytes, LineIndex, _TreeEdit]:
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
    return source, index, (start, old_end, new_end, start_point, old_end_point, index.point(new_end))


def _unreuse_missing(tree: Tree, index: LineIndex, size: int, first: int) -> None:
    """Marks every subtree that holds a MISSING token at or after the first edit as changed.

    Tree-sitter reuses such a subtree whole, and in error recovery breaks it down to its first leaf:
    a zero-width MISSING token there is taken for a real token that fits an earlier state, so the
    reparse recovers in a way a fresh parse (which never sees that token) cannot, and the trees
    differ (`i` then `,0` on the next line, edited into `"",0`). An edit over the byte after each such
    token makes its ancestors unreusable; the parser reads the tokens there again."""
    found = [n.start_byte for n in recovery_nodes(tree.root_node, ending_from=first) if n.is_missing]
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
