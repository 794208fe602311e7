"""Checks of a document together with the files it `#include`s.

A document with includes used to have its unknown opcodes, undefined macros and never-assigned
globals left unsaid (an include might define them). Where every include was read
(`include_checks.included_definitions`), these checks know what the includes define and speak:
an error for a name defined nowhere. Where some include could not be read, an unknown opcode
stays a warning, as before.

Unknown opcodes sit in instrument and UDO bodies, which the editor's incremental path caches per
item; their calls are gathered as facts (`unknown_call_facts`) that hold no absolute offsets, only
the item's first line and the offset inside it, so a cached fact stays true when the item moves.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tree_sitter import Node

from csound_lsp.analysis.findings import Finding
from csound_lsp.analysis.include_checks import Definitions
from csound_lsp.analysis.opcode_checks import unknown_opcode
from csound_lsp.catalog import Catalog, default_catalog
from csound_lsp.syntax.model import DocumentModel
from csound_lsp.syntax.model_builder import orchestra_containers

_ITEMS = ("instrument_definition", "udo_definition")
#: Calls never looked up in the catalog (as in `opcode_checks`).
_NOT_CHECKED = frozenset({"xin", "xout"})


@dataclass(frozen=True)
class UnknownCall:
    """A call of a name the catalog does not know, placed inside its item (or the document)."""

    name: str
    #: The first line of the instrument or UDO holding the call (None: outside any item).
    item: bytes | None
    #: Offsets inside that item (from the document's start when `item` is None).
    start: int
    end: int


def unknown_call_facts(model: DocumentModel) -> tuple[UnknownCall, ...]:
    """Calls of names the default catalog does not know (UDO names included: the check sorts)."""
    catalog = default_catalog()
    found: list[UnknownCall] = []
    for call in model.calls():
        if call.name in _NOT_CHECKED or call.name in catalog or b"$" in (call.node.text or b""):
            continue
        item = _item_of(call.node)
        if item is None:
            found.append(UnknownCall(call.name, None, call.ref.start_byte, call.ref.end_byte))
            continue
        base = item.start_byte
        found.append(
            UnknownCall(
                call.name, _first_line(model, item), call.ref.start_byte - base, call.ref.end_byte - base
            )
        )
    return tuple(found)


def unknown_opcode_findings(
    model: DocumentModel,
    catalog: Catalog,
    facts: list[tuple[UnknownCall, ...]],
    included: Definitions | None,
) -> list[Finding]:
    """Unknown opcodes of a document with includes: an error where every include was read and none
    defines the name, a warning where some include could not be read."""
    starts = _item_starts(model)
    udos = set(model.udos) | (included.udos if included is not None else frozenset())
    known_names: tuple[str, ...] | None = None
    findings: list[Finding] = []
    for calls in facts:
        for call in calls:
            if call.name in udos or call.name in catalog:
                continue
            if call.item is None:
                start, end = call.start, call.end
            elif call.item in starts:
                start, end = starts[call.item] + call.start, starts[call.item] + call.end
            else:
                continue  # an item met twice (same first line): where is unclear, so nothing is said
            if known_names is None:
                known_names = (*catalog.names(), *sorted(udos))
            findings.append(unknown_opcode(call.name, start, end, known_names, included is None))
    return findings


def _item_starts(model: DocumentModel) -> dict[bytes, int]:
    """Start offsets of the top-level instruments and UDOs by their first line (those met once only)."""
    nodes = [c for box in orchestra_containers(model.root) for c in box.named_children if c.type in _ITEMS]
    lines = Counter(_first_line(model, n) for n in nodes)
    return {_first_line(model, n): n.start_byte for n in nodes if lines[_first_line(model, n)] == 1}


def _item_of(node: Node) -> Node | None:
    current = node.parent
    while current is not None and current.type not in _ITEMS:
        current = current.parent
    return current


def _first_line(model: DocumentModel, node: Node) -> bytes:
    end = model.source.find(b"\n", node.start_byte, node.end_byte)
    return model.source[node.start_byte : end if end != -1 else node.end_byte]
