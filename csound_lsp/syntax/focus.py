"""The models of one document version, each a value of that version (its item table's slots).

A full model of a 5,000-line orchestra takes a few hundred milliseconds, and every keystroke makes a
new version. Hover, signature help and completion only read the instrument or UDO under the cursor plus
the document-wide names (instruments, UDOs, macros, header, global statements). So they use a skeleton
model (bodies skipped) with the one body under the cursor filled in. The skeleton takes each
instrument's names from its item entry, so a new version only reads the edited one. Completion and
signature help, which run on every keystroke, use a lighter model still: the other instruments are left
out. When the full model of the version is already built, it is used as is.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from dataclasses import dataclass

from tree_sitter import Node

from csound_lsp.syntax.document import Document
from csound_lsp.syntax.items import Slot
from csound_lsp.syntax.model import (
    DocumentModel,
    Include,
    Instrument,
    InstrumentName,
    RelativeNames,
    Scope,
    ScopeKind,
    Variable,
    names_at,
)
from csound_lsp.syntax.model_builder import ModelBuilder, build_model, orchestra_containers

_ITEM_TYPES = ("instrument_definition", "udo_definition")


@dataclass
class _Names:
    """An instrument's names and scope label, offsets relative to its start."""

    names: RelativeNames
    label: str
    moved: tuple[int, list[InstrumentName]] = (-1, [])

    def at(self, base: int) -> list[InstrumentName]:
        if self.moved[0] != base:
            self.moved = (base, names_at(self.names, base))
        return self.moved[1]


#: An instrument's names (an item entry's slot).
NAMES: Slot[_Names] = Slot("instrument names")
_FULL: Slot[DocumentModel] = Slot("full model")
_SKELETON: Slot[DocumentModel] = Slot("skeleton model")
_FOCUSED: Slot[DocumentModel] = Slot("focused model")
_LIGHT: Slot[DocumentModel] = Slot("light model")
_ITEM: Slot[DocumentModel] = Slot("item model")

#: An instrument or UDO this long takes a good part of a second to model (a 20,000-line instrument,
#: ~700 KB: about 0.5 s): interactive requests in it answer from a version whose model is built.
LARGE_ITEM_BYTES = 150_000


class _SkeletonBuilder(ModelBuilder):
    """`ModelBuilder(skip_bodies=True)` with each instrument's names from the cache: same model."""

    def __init__(self, document: Document) -> None:
        super().__init__(document.source, document.tree.root_node, skip_bodies=True)
        self.document = document

    def visit_children(self, node: Node, scope: Scope) -> None:
        for child in node.named_children:
            if child.type == "instrument_definition":
                self.on_instrument_definition(child, scope)
            else:
                self.visit(child, scope)

    def on_instrument_definition(self, node: Node, scope: Scope) -> None:
        start, end = node.start_byte, node.end_byte
        item = self.document.items.entry(self.source, node)
        entry = item.get(NAMES)
        if entry is None:
            super().on_instrument_definition(node, scope)
            made = self.model.instruments[-1]
            entry = _Names(
                [(n.text, n.number, n.ref.start_byte - start, n.ref.end_byte - start) for n in made.names],
                self.model.scopes[-1].name,
                (start, made.names),
            )
            item.put(NAMES, entry)
            return
        inner = Scope(ScopeKind.INSTRUMENT, entry.label, start, end, node)
        self.model.scopes.append(inner)
        self.model.instruments.append(Instrument(entry.at(start), node, inner, self.doc_comment(node)))


class _LightBuilder(ModelBuilder):
    """The whole walk with bodies skipped, other instruments left out, and `item` in full."""

    def __init__(self, source: bytes, root: Node, item: Node | None) -> None:
        super().__init__(source, root, skip_bodies=True)
        self.item_id = item.id if item is not None else None

    def on_instrument_definition(self, node: Node, scope: Scope) -> None:
        if node.id == self.item_id:
            self.skip_bodies = False
            super().on_instrument_definition(node, scope)
            self.skip_bodies = True

    def on_udo_definition(self, node: Node, scope: Scope) -> None:
        self.skip_bodies = node.id != self.item_id
        super().on_udo_definition(node, scope)
        self.skip_bodies = True


def full_model(document: Document) -> DocumentModel:
    """The whole-document model of the version, built on first use (every body walked: the answers
    that need all of them, and the documents small enough not to matter)."""
    return document.items.value(_FULL, lambda: build_model(document))


def has_full_model(document: Document) -> bool:
    """Whether the version's full model is built already (then it answers everything at no cost)."""
    return document.items.peek(_FULL) is not None


def item_model(document: Document, item: Node, udo_names: set[str] | frozenset[str]) -> DocumentModel:
    """A model of one instrument or UDO of the version (`ModelBuilder.build_item`), shared by the
    features that ask for the same item: a shallow copy each, so a caller may replace its lists and
    dicts but not change them in place. Only the UDO names written in the item change its model."""
    start, end = item.start_byte, item.end_byte
    if len(udo_names) <= 64:
        body = document.source[start:end]
        relevant = frozenset(n for n in udo_names if n.encode("utf-8", "replace") in body)
    else:
        relevant = frozenset(udo_names)

    def build() -> DocumentModel:
        return ModelBuilder(document.source, document.tree.root_node).build_item(item, set(relevant))

    return copy.copy(document.items.value((_ITEM, start, end, item.type, relevant), build))


def focused_model(document: Document, offset: int) -> DocumentModel:
    """The document's model with full detail for the instrument or UDO at `offset` only."""
    if has_full_model(document):
        return full_model(document)
    skeleton = skeleton_model(document)
    item = item_at(document, offset)
    if item is None:
        return skeleton
    return _focused(document, skeleton, item)


def light_model(document: Document, offset: int) -> DocumentModel:
    """Global statements, UDO signatures and the one item under the cursor; other instruments are left
    out entirely (completion and signature help never read them; `focused_model` has them)."""
    if has_full_model(document):
        return full_model(document)
    item = item_at(document, offset)
    if item is not None and item.end_byte - item.start_byte >= LARGE_ITEM_BYTES:
        return _focused(document, skeleton_model(document), item)  # the one long walk, shared with hover
    key = item.start_byte if item is not None else -1

    def build() -> DocumentModel:
        return _LightBuilder(document.source, document.tree.root_node, item).build()

    return document.items.value((_LIGHT, key), build)


def model_ready(document: Document, offset: int) -> bool:
    """Whether the models a request at `offset` reads are cheap to have: built already, or the item
    there is not a long one."""
    if has_full_model(document):
        return True
    item = item_at(document, offset)
    if item is None or item.end_byte - item.start_byte < LARGE_ITEM_BYTES:
        return True
    return document.items.peek((_FOCUSED, item.start_byte)) is not None


def long_model_ready(document: Document, offset: int) -> bool:
    """Whether the item at `offset` is a long instrument or UDO whose focused model is built."""
    item = item_at(document, offset)
    if item is None or item.end_byte - item.start_byte < LARGE_ITEM_BYTES:
        return False
    return document.items.peek((_FOCUSED, item.start_byte)) is not None


def warm_long_items(document: Document) -> None:
    """Builds the focused model of each long instrument or UDO (off the event loop, after its analysis
    built the item's model), so requests in it can answer from this version while a newer one is
    being analysed."""
    if len(document.source) < LARGE_ITEM_BYTES:
        return
    root = document.tree.root_node
    long_items = [
        child
        for container in orchestra_containers(root)
        for child in container.named_children
        if child.type in _ITEM_TYPES and child.end_byte - child.start_byte >= LARGE_ITEM_BYTES
    ]
    if long_items:  # the skeleton only then: a long score makes it a big one
        skeleton = skeleton_model(document)
        for item in long_items:
            _focused(document, skeleton, item)


def skeleton_model(document: Document) -> DocumentModel:
    """Every top-level name with the instrument and UDO bodies left out, once per version."""
    if has_full_model(document):
        return full_model(document)
    return document.items.value(_SKELETON, lambda: _SkeletonBuilder(document).build())


#: How the grammar spells the directives (`# include` with a space counts too).
_INCLUDE_WORD = re.compile(rb"#[ \t]*include")
_DEFINE_WORD = re.compile(rb"#[ \t]*define")


def includes_of(document: Document) -> list[Include]:
    """The document's `#include`s, without a whole-document model in the usual cases: none at all,
    or all of them outside instrument bodies (the skeleton sees those)."""
    if has_full_model(document):
        return full_model(document).includes
    written = len(_INCLUDE_WORD.findall(document.source))
    if written == 0:
        return []
    found = skeleton_model(document).includes
    return found if len(found) == written else full_model(document).includes


def outline_model(document: Document) -> DocumentModel:
    """The skeleton, unless a `#define` may stand inside an instrument or UDO body (where only the
    whole-document model sees it): the macros the skeleton found must account for every one written."""
    if has_full_model(document):
        return full_model(document)
    skeleton = skeleton_model(document)
    if len(_DEFINE_WORD.findall(document.source)) == len(skeleton.macros):
        return skeleton
    return full_model(document)


def with_body(document: Document, instrument: Instrument) -> Instrument:
    """The instrument with its body's variables (skeleton instruments have empty scopes)."""
    if has_full_model(document) or instrument.scope.variables:
        return instrument
    model = _focused(document, skeleton_model(document), instrument.node)
    return next((i for i in model.instruments if i.node.id == instrument.node.id), instrument)


def item_at(document: Document, offset: int) -> Node | None:
    """The outermost instrument or UDO definition that holds `offset` (its end included, as
    `DocumentModel.scope_at` counts it), wherever it stands: at the top level, in an `#ifdef` block,
    or inside the ERROR node an unclosed section leaves."""
    found = _item_reaching_past(document, offset)
    if found is None and offset > 0:
        found = _item_reaching_past(document, offset - 1)  # the cursor right after `endin`
    return found


def _item_reaching_past(document: Document, offset: int) -> Node | None:
    cursor = document.tree.walk()
    while cursor.goto_first_child_for_byte(offset) is not None:
        node = cursor.node
        if node is None or node.start_byte > offset:
            return None
        if node.type in _ITEM_TYPES:
            return node
    return None


def _focused(document: Document, skeleton: DocumentModel, item: Node) -> DocumentModel:
    return document.items.value((_FOCUSED, item.start_byte), lambda: _merged(document, skeleton, item))


def _merged(document: Document, skeleton: DocumentModel, item: Node) -> DocumentModel:
    body = item_model(document, item, set(skeleton.udos))
    if not body.scopes:
        return skeleton
    inner = body.scopes[0]
    merged = copy.copy(skeleton)
    merged.scopes = [inner if s.start_byte == inner.start_byte else s for s in skeleton.scopes]
    merged.instruments = [
        dataclasses.replace(i, scope=inner) if i.node.id == item.id else i for i in skeleton.instruments
    ]
    merged.udos = {
        name: dataclasses.replace(u, scope=inner) if u.node.id == item.id else u
        for name, u in skeleton.udos.items()
    }
    merged.global_scope = _merged_globals(skeleton.global_scope, body.global_scope)
    merged.macros = {**skeleton.macros, **body.macros}
    merged.macro_uses = [*skeleton.macro_uses, *body.macro_uses]
    merged.macro_tests = [*skeleton.macro_tests, *body.macro_tests]
    merged.instrument_refs = [*skeleton.instrument_refs, *body.instrument_refs]
    return merged


def _merged_globals(skeleton: Scope, body: Scope) -> Scope:
    merged = Scope(ScopeKind.GLOBAL, skeleton.name, skeleton.start_byte, skeleton.end_byte, skeleton.node)
    merged.labels = skeleton.labels
    merged.calls = skeleton.calls
    merged.variables = dict(skeleton.variables)
    for name, variable in body.variables.items():
        known = merged.variables.get(name)
        if known is None:
            merged.variables[name] = variable
            continue
        combined = Variable(name, known.rate, known.is_global, merged, known.declared_type, known.is_array)
        combined.definitions = [*known.definitions, *variable.definitions]
        combined.uses = [*known.uses, *variable.uses]
        merged.variables[name] = combined
    return merged
