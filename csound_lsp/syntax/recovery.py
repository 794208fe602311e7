"""Where the parser recovered from broken text: the ERROR and MISSING nodes of a tree.

Syntax errors are reported from them, an item's cache key records them (the same bytes can be read
another way), and an edit marks the subtrees holding MISSING tokens as changed. Only subtrees with an
error are entered, so a long, mostly healthy item costs little.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node


def recovery_nodes(node: Node, *, into_errors: bool = True, ending_from: int = 0) -> Iterator[Node]:
    """The MISSING and ERROR nodes at and below `node`, in document order. `into_errors=False` yields an
    ERROR node without what it holds; `ending_from` skips subtrees that end before that byte."""
    if not node.has_error:
        return
    stack = [node]
    while stack:
        current = stack.pop()
        if current.is_missing or current.is_error:
            yield current
            if current.is_missing or not into_errors:
                continue
        children = [c for c in current.children if c.has_error and c.end_byte >= ending_from]
        stack.extend(reversed(children))
