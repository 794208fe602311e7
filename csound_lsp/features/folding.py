"""Folding ranges (sections, instruments, UDOs, control-flow blocks, comment runs) and selection
ranges (each step out is the next enclosing tree node), both read straight from the tree.
"""

from __future__ import annotations

from collections.abc import Iterator

from lsprotocol import types
from tree_sitter import Node

from csound_lsp.features.convert import byte_range, position_from_lsp
from csound_lsp.syntax.document import Document

_BLOCKS = frozenset(
    {
        "instrument_definition", "udo_definition", "if_statement", "elseif_clause", "else_clause",
        "while_loop", "until_loop", "score_loop", "define_directive", "struct_definition",
        "options_section", "instruments_section", "score_section", "licence_section", "file_section",
        "unknown_section",
    }
)  # fmt: skip
#: Blocks whose last line (`endin`, `endif`, `</CsScore>`) stays visible when folded.
_CLOSED_BY_KEYWORD = _BLOCKS - {"define_directive", "struct_definition"}
_WHITESPACE = b" \t\r\n"


def _last_content_byte(source: bytes, start: int, end: int) -> int:
    while end > start and source[end - 1] in _WHITESPACE:
        end -= 1
    return end


def _end_line(document: Document, node: Node) -> int:
    end = _last_content_byte(document.source, node.start_byte, node.end_byte)
    return document.index.position(max(node.start_byte, end - 1)).line


def _named_nodes(root: Node) -> Iterator[Node]:
    """Every named node in document order, one at a time from a cursor (a list of all of them, each
    keeping its children, took hundreds of megabytes on a long generated score)."""
    cursor = root.walk()
    while True:
        node = cursor.node
        assert node is not None
        if node.is_named:
            yield node
            if cursor.goto_first_child():
                continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def folding_ranges(document: Document) -> list[types.FoldingRange]:
    ranges: list[types.FoldingRange] = []
    comment_run: list[tuple[int, int]] = []  # (start line, end line) of consecutive line comments

    def flush() -> None:
        if len(comment_run) > 1:
            ranges.append(
                types.FoldingRange(
                    start_line=comment_run[0][0],
                    end_line=comment_run[-1][1],
                    kind=types.FoldingRangeKind.Comment,
                )
            )
        comment_run.clear()

    for node in _named_nodes(document.tree.root_node):
        if node.type == "comment":
            start_line = document.index.position(node.start_byte).line
            end_line = _end_line(document, node)
            if end_line > start_line:
                flush()
                ranges.append(
                    types.FoldingRange(
                        start_line=start_line, end_line=end_line, kind=types.FoldingRangeKind.Comment
                    )
                )
            elif (
                comment_run
                and comment_run[-1][1] == start_line - 1
                and _line_starts_with_comment(document, node)
            ):
                comment_run.append((start_line, end_line))
            else:
                flush()
                if _line_starts_with_comment(document, node):
                    comment_run.append((start_line, end_line))
            continue
        if node.type not in _BLOCKS:
            continue
        start_line = document.index.position(node.start_byte).line
        end_line = _end_line(document, node)
        if node.type in _CLOSED_BY_KEYWORD and _has_closing_line(node):
            end_line -= 1
        if node.type in ("if_statement", "elseif_clause") and _first_clause_line(document, node) is not None:
            clause_line = _first_clause_line(document, node)
            assert clause_line is not None
            end_line = min(end_line, clause_line - 1)
        if end_line > start_line:
            kind = types.FoldingRangeKind.Region if node.type.endswith("_section") else None
            ranges.append(types.FoldingRange(start_line=start_line, end_line=end_line, kind=kind))
    flush()
    ranges.sort(key=lambda r: (r.start_line, -r.end_line))
    return ranges


def _has_closing_line(node: Node) -> bool:
    """True when the block ends in a closing word of its own (`endin`, `endif`, an end tag)."""
    last = node.children[-1] if node.children else None
    while last is not None and last.type == "comment":
        last = last.prev_sibling
    return (last is not None and not last.is_named) or (last is not None and last.type == "end_tag")


def _first_clause_line(document: Document, node: Node) -> int | None:
    for child in node.named_children:
        if child.type in ("elseif_clause", "else_clause"):
            return document.index.position(child.start_byte).line
    return None


def _line_starts_with_comment(document: Document, node: Node) -> bool:
    line_start = document.index.line_starts[document.index.position(node.start_byte).line]
    return document.source[line_start : node.start_byte].strip() == b""


# -- selection ranges ---------------------------------------------------------------------------------
def selection_ranges(document: Document, positions: list[types.Position]) -> list[types.SelectionRange]:
    """For each position, the chain of enclosing nodes from the smallest out to the whole file."""
    result: list[types.SelectionRange] = []
    for position in positions:
        offset = document.index.offset(position_from_lsp(position))
        node: Node | None = document.tree.root_node.descendant_for_byte_range(offset, offset)
        spans: list[tuple[int, int]] = []
        while node is not None:
            end = _last_content_byte(document.source, node.start_byte, node.end_byte)
            span = (node.start_byte, max(node.start_byte, end))
            if not spans or (span != spans[-1] and span[0] <= spans[-1][0] and span[1] >= spans[-1][1]):
                spans.append(span)
            node = node.parent
        whole = (0, len(document.source))
        if not spans or spans[-1] != whole:
            spans.append(whole)
        selection: types.SelectionRange | None = None
        for start, end in reversed(spans):
            selection = types.SelectionRange(range=byte_range(document, start, end), parent=selection)
        assert selection is not None
        result.append(selection)
    return result
