"""One open Csound document: its bytes, its line index and one incrementally updated tree-sitter tree.

LSP counts `\n`, `\r\n` and a lone `\r` as line breaks; the grammar (and tree-sitter's rows) know
`\n` only. So the parser reads the text with each lone `\r` turned into `\n`: the same length, so byte
offsets are shared, and tree-sitter's rows become the line index's lines.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import TYPE_CHECKING

from tree_sitter import Node, Tree

from csound_lsp.syntax.languages import FileKind, kind_for, new_parser
from csound_lsp.syntax.lines import Encoding, LineIndex, Position, Span
from csound_lsp.syntax.model_builder import build_model

if TYPE_CHECKING:
    from csound_lsp.syntax.model import DocumentModel

__all__ = ["Document", "Encoding", "LineIndex", "Position", "Span", "parse_view"]

_LONE_CR = re.compile(rb"\r(?!\n)")


def parse_view(source: bytes) -> bytes:
    """The bytes the parser reads: every lone carriage return as a newline (same offsets)."""
    if b"\r" not in source or source.count(b"\r") == source.count(b"\r\n"):
        return source
    return _LONE_CR.sub(b"\n", source)


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
        self.tree: Tree = self._parser.parse(parse_view(self._source))

    @property
    def source(self) -> bytes:
        return self._source

    @cached_property
    def text(self) -> str:
        return self._source.decode("utf-8", errors="replace")

    @cached_property
    def model(self) -> DocumentModel:
        """The typed model of this version, built on first use and dropped on every edit."""
        return build_model(self)

    def replace_all(self, text: str, version: int | None = None) -> None:
        """A full-document change: parse from scratch."""
        self._source = text.encode("utf-8", errors="surrogatepass")
        self.index = LineIndex(self._source, self.encoding)
        self.tree = self._parser.parse(parse_view(self._source))
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
            self.tree = self._parser.parse(parse_view(self._source))
        else:
            self.tree = self._parser.parse(parse_view(self._source), self.tree)
        self._changed(version)

    def _edit(self, span: Span, new_text: str, *, track_tree: bool) -> None:
        start = self.index.offset(span.start)
        old_end = max(start, self.index.offset(span.end))
        inserted = new_text.encode("utf-8", errors="surrogatepass")
        if start > 0 and self._source[start - 1] == 13:
            # a carriage return just before the edit is lone on one side of it and not on the other
            # (its parser byte changes between `\r` and `\n`): the edit covers it
            start -= 1
            inserted = b"\r" + inserted
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
