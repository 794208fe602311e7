"""Where document-wide names occur, without modelling the whole document after every keystroke.

Document highlight runs at every cursor move, and references, definition and rename look for
globals, instruments, UDOs, macros and channels across the whole document. The full model of a
5,000-line orchestra costs ~100 ms and every edit makes a new version. Here each instrument or UDO
contributes its occurrences from its item entry (with the UDO names they were read with, which decide
how `MyUdo kIn` reads), with offsets relative to its start; the rest comes from the version's skeleton
model that hover uses too. A keystroke therefore re-reads one item. The answers are the full
model's (`tests/test_name_index.py` compares them after random edits).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from tree_sitter import Node

from csound_lsp.features.name_keys import channel_refs, instrument_definitions, instrument_references
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import full_model, has_full_model, item_model, skeleton_model
from csound_lsp.syntax.items import Slot
from csound_lsp.syntax.model import DocumentModel


class NameKind(enum.Enum):
    GLOBAL = "global"
    INSTRUMENT = "instrument"
    CALL = "call"
    MACRO = "macro"
    CHANNEL = "channel"


#: (kind, key, start, end, is_definition); `key` is the variable, call or macro name, the
#: instrument key (`#3` or the name) or the channel name.
Occurrence = tuple[NameKind, str, int, int, bool]


def model_occurrences(model: DocumentModel, *, with_items: bool = True) -> Iterator[Occurrence]:
    """Document-wide occurrences in a model: every one of a full model, or a skeleton's own."""
    for name, variable in model.global_scope.variables.items():
        for ref in variable.definitions:
            yield NameKind.GLOBAL, name, ref.start_byte, ref.end_byte, True
        for ref in variable.uses:
            yield NameKind.GLOBAL, name, ref.start_byte, ref.end_byte, False
    for key, start, end in instrument_definitions(model):
        yield NameKind.INSTRUMENT, key, start, end, True
    for key, start, end in instrument_references(model):
        yield NameKind.INSTRUMENT, key, start, end, False
    for udo in model.udos.values():
        yield NameKind.CALL, udo.name, udo.ref.start_byte, udo.ref.end_byte, True
    for call in model.calls() if with_items else model.global_scope.calls:
        yield NameKind.CALL, call.name, call.ref.start_byte, call.ref.end_byte, False
    for macro in model.macros.values():
        yield NameKind.MACRO, macro.name, macro.ref.start_byte, macro.ref.end_byte, True
    for ref in (*model.macro_uses, *model.macro_tests):
        yield NameKind.MACRO, ref.name, ref.start_byte, ref.end_byte, False
    for name, start, end, writes in channel_refs(model):
        yield NameKind.CHANNEL, name, start, end, writes


Groups = dict[tuple[NameKind, str], list[tuple[int, int, bool]]]


@dataclass
class _Item:
    """One item's occurrences, relative to its start, grouped by (kind, key), and the UDO names they
    were read with."""

    udo_names: frozenset[str]
    groups: Groups


_OCCURRENCES: Slot[_Item] = Slot("name occurrences")
_GROUPS: Slot[Groups] = Slot("document names")


def occurrences_of(document: Document, kind: NameKind, key: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_definition) of every occurrence of a document-wide name, by offset."""
    if has_full_model(document):
        return sorted(
            (start, end, is_def)
            for k, name, start, end, is_def in model_occurrences(full_model(document))
            if k is kind and name == key
        )
    return list(document.items.value(_GROUPS, lambda: _groups(document)).get((kind, key), ()))


def _groups(document: Document) -> Groups:
    source = document.source
    skeleton = skeleton_model(document)
    udo_names = frozenset(skeleton.udos)
    groups: Groups = {}
    _add(groups, model_occurrences(skeleton, with_items=False), 0)
    # the items the skeleton skipped the bodies of, wherever they stand (even inside an ERROR node)
    for item in (scope.node for scope in skeleton.scopes if scope.node is not None):
        entry = document.items.entry(source, item)
        cached = entry.get(_OCCURRENCES)
        if cached is None or cached.udo_names != udo_names:
            cached = _read_item(document, item, udo_names)
            entry.put(_OCCURRENCES, cached)
        base = item.start_byte
        for group, spans in cached.groups.items():
            groups.setdefault(group, []).extend(
                (start + base, end + base, is_def) for start, end, is_def in spans
            )
    for spans in groups.values():
        # an instrument's header is read by the skeleton and by the item: count it once
        spans[:] = sorted(set(spans))
    return groups


def _read_item(document: Document, item: Node, udo_names: frozenset[str]) -> _Item:
    model = item_model(document, item, udo_names)
    # the skeleton already holds the item's own names (instrument numbers, the UDO's name)
    model.instruments = [i for i in model.instruments if i.node.id != item.id]
    model.udos = {name: udo for name, udo in model.udos.items() if udo.node.id != item.id}
    groups: Groups = {}
    _add(groups, model_occurrences(model), -item.start_byte)
    return _Item(udo_names, groups)


def _add(groups: Groups, found: Iterable[Occurrence], shift: int) -> None:
    for kind, key, start, end, is_def in found:
        groups.setdefault((kind, key), []).append((start + shift, end + shift, is_def))
