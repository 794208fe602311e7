"""What each document version knows about itself, and what it inherits from the version before.

A document version (`Document`) is immutable, so everything computed from it is a value of that
version: the per-version slots below hold those (the skeleton, the whole-document model, the findings,
the semantic tokens), each computed once on first use by whichever thread asks first.

A keystroke changes one instrument or UDO. So each item (an instrument or UDO definition) has an
`ItemEntry` keyed by its node type and its bytes from the start of its first line (which fixes its
columns as well as its contents), holding what was computed from those bytes alone or with a
recorded dependency, with offsets relative to the item's start and lines relative to its first line:
skeleton facts, names and occurrences, analysis findings, semantic tokens, converted diagnostics. A
new version's table starts from the entries of the version before, so an unchanged item (even one that
moved) is found again by its bytes and reused by identity; only the edited item is read anew. Each
layer defines its own `Slot` (the table does not know what it stores), and checks the dependencies it
recorded (the UDO signatures and globals an analysis read, the catalog) where it reads the slot back.

One lock guards every slot write; no computation runs under it, so two threads may compute the same
value at once, and the first one stored is the one everybody gets.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar, cast

from tree_sitter import Node

from csound_lsp.syntax.recovery import recovery_nodes

T = TypeVar("T")

#: The one lock of every item table and every version's slots.
_LOCK = threading.Lock()

#: An item's key: its node type, the size of its subtree and where the parser recovered in it, and its
#: bytes from the start of its first line to its end.
ItemKey = tuple[str, int, tuple[tuple[str, int, int], ...], bytes]

#: Entries carried to the next version beyond the items a complete walk met, before the table gives
#: up on carrying the leftovers (a long run of versions nobody walked whole).
_SPARE_ENTRIES = 256


class Slot(Generic[T]):
    """A named place in an `ItemEntry` or a version's slots, typed by what it holds."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Slot({self.name!r})"


class ItemEntry:
    """One item's bytes and what has been computed from them (offsets relative to its start)."""

    __slots__ = ("_values", "type")

    def __init__(self, node_type: str) -> None:
        self.type = node_type
        self._values: dict[Slot[Any], Any] = {}

    def get(self, slot: Slot[T]) -> T | None:
        return cast("T | None", self._values.get(slot))

    def put(self, slot: Slot[T], value: T) -> None:
        with _LOCK:
            self._values[slot] = value


def item_key(source: bytes, node: Node) -> ItemKey:
    """What decides an item's entry: its bytes from the start of its first line (a lone carriage return
    counts as a line start for the parser, so the last `\\n` before it is at least as far back), and
    the shape of its subtree: the same bytes do not always parse the same after an edit elsewhere
    (error recovery can keep another reading of unchanged text for a version), and an entry made from
    another reading must not be reused (both numbers are stored in the tree: no walk). In an item with
    an error, where the parser recovered counts too: two readings of one broken instrument can have as
    many nodes (the public loop2.orc: `uglybdM2.aif",0` read as an error, then as a member access)."""
    start = node.start_byte
    return (
        node.type,
        node.descendant_count,
        _recoveries(node) if node.has_error else (),
        source[source.rfind(b"\n", 0, start) + 1 : node.end_byte],
    )


def _recoveries(node: Node) -> tuple[tuple[str, int, int], ...]:
    """The ERROR and MISSING nodes inside an item, relative to its start (1-2 ms in a 20,000-line
    instrument with one error, where a query took 45)."""
    start = node.start_byte
    return tuple((n.type, n.start_byte - start, n.end_byte - start) for n in recovery_nodes(node))


class ItemTable:
    """The item entries and per-version slots of one document version."""

    def __init__(self, previous: ItemTable | None = None) -> None:
        #: Entries this version looked up (every item, once a complete walk ran).
        self._fresh: dict[ItemKey, ItemEntry] = {}
        #: Entries inherited from earlier versions, found again by their bytes.
        self._known: dict[ItemKey, ItemEntry] = {}
        #: How many entries the last complete walk met (what a version may carry without one).
        self._base = 0
        if previous is not None:
            self._known, self._base = previous._carried()
        self._complete = False
        self._values: dict[Hashable, Any] = {}
        #: Small document-wide facts a version passes on until a later one says otherwise (`carry`).
        self._carry: dict[Slot[Any], Any] = dict(previous._carry) if previous is not None else {}

    def entry(self, source: bytes, node: Node) -> ItemEntry:
        """The entry of an item of this version, an earlier version's if its bytes are the same."""
        key = item_key(source, node)
        with _LOCK:
            found = self._fresh.get(key)
            if found is None:
                found = self._known.get(key)
                if found is None:
                    found = ItemEntry(node.type)
                self._fresh[key] = found
            return found

    def inherit(self, other: ItemTable) -> None:
        """Takes another table's entries as if it were the version before (a text made apart from its
        document, as the AI's candidates are): only while this table has none of its own."""
        with _LOCK:
            pristine = not self._fresh and not self._known
        if pristine and other is not self:
            known, base = other._carried()
            with _LOCK:
                self._known, self._base = known, base

    def mark_complete(self) -> None:
        """Every item of this version has been looked up: the next version inherits these alone."""
        with _LOCK:
            self._complete = True

    def _carried(self) -> tuple[dict[ItemKey, ItemEntry], int]:
        with _LOCK:
            if self._complete:
                return dict(self._fresh), len(self._fresh)
            if not self._fresh:
                return self._known, self._base  # never changed after it is made: shared as is
            carried = {**self._known, **self._fresh}
            if len(carried) > self._base + _SPARE_ENTRIES:
                return self._known, self._base  # partial walks only for a long while: keep the last whole
            return carried, self._base

    def value(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The version's value under `key` (a `Slot`, or a tuple starting with one), computed once."""
        with _LOCK:
            if key in self._values:
                return cast("T", self._values[key])
        made = compute()
        with _LOCK:
            return cast("T", self._values.setdefault(key, made))

    def carry(self, slot: Slot[T], value: T) -> None:
        """A fact this version and the next ones read (`carried`) until a later version carries anew."""
        with _LOCK:
            self._carry[slot] = value

    def carried(self, slot: Slot[T]) -> T | None:
        with _LOCK:
            return cast("T | None", self._carry.get(slot))

    def peek(self, key: Hashable) -> Any:
        """The value under `key` if some thread stored it already, else None."""
        with _LOCK:
            return self._values.get(key)
