"""The model a feature needs at one position, without modelling the whole document.

A full model of a 5,000-line orchestra takes a few hundred milliseconds, and every keystroke drops it.
Hover, signature help and completion only read the instrument or UDO under the cursor plus the
document-wide names (instruments, UDOs, macros, header, global statements). So they use a skeleton
model (bodies skipped, as the incremental diagnostics build it) with the one body under the cursor
filled in, both cached per document version. The skeleton itself takes each instrument's names from a
per-document cache keyed by the instrument's bytes, so a new version only reads the edited one.
Completion and signature help, which run on every
keystroke, use a lighter model still: the other instruments are left out. When a full model is already
built, it is used as is.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import threading
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from tree_sitter import Node

from csound_lsp.syntax.document import Document
from csound_lsp.syntax.model import (
    DocumentModel,
    Include,
    Instrument,
    InstrumentName,
    Ref,
    Scope,
    ScopeKind,
    Variable,
)
from csound_lsp.syntax.model_builder import ModelBuilder

_ITEM_TYPES = ("instrument_definition", "udo_definition")


@dataclass
class _Entry:
    source: bytes
    skeleton: DocumentModel
    items: dict[int, DocumentModel] = field(default_factory=dict)


@dataclass
class _Light:
    source: bytes
    models: dict[int, DocumentModel] = field(default_factory=dict)


@dataclass
class _Names:
    """An instrument's names and scope label, offsets relative to its start."""

    names: list[tuple[str, float | None, int, int]]
    label: str
    base: int = -1
    moved: list[InstrumentName] = field(default_factory=list)

    def at(self, base: int) -> list[InstrumentName]:
        if base != self.base:
            self.moved = [
                InstrumentName(text, number, Ref(text, start + base, end + base))
                for text, number, start, end in self.names
            ]
            self.base = base
        return self.moved


class _SkeletonBuilder(ModelBuilder):
    """`ModelBuilder(skip_bodies=True)` with each instrument's names from the cache: same model."""

    def __init__(self, source: bytes, root: Node, known: dict[bytes, _Names]) -> None:
        super().__init__(source, root, skip_bodies=True)
        self.known = known
        self.fresh: dict[bytes, _Names] = {}

    def visit_children(self, node: Node, scope: Scope) -> None:
        for child in node.named_children:
            if child.type == "instrument_definition":
                self.on_instrument_definition(child, scope)
            else:
                self.visit(child, scope)

    def on_instrument_definition(self, node: Node, scope: Scope) -> None:
        start, end = node.start_byte, node.end_byte
        key = self.source[start:end]
        entry = self.fresh.get(key) or self.known.get(key)
        if entry is None:
            super().on_instrument_definition(node, scope)
            made = self.model.instruments[-1]
            entry = _Names(
                [(n.text, n.number, n.ref.start_byte - start, n.ref.end_byte - start) for n in made.names],
                self.model.scopes[-1].name,
                start,
                made.names,
            )
            self.fresh[key] = entry
            return
        self.fresh[key] = entry
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


_cache: WeakKeyDictionary[Document, _Entry] = WeakKeyDictionary()
_names: WeakKeyDictionary[Document, dict[bytes, _Names]] = WeakKeyDictionary()
_light: WeakKeyDictionary[Document, _Light] = WeakKeyDictionary()
_lock = threading.Lock()


def focused_model(document: Document, offset: int) -> DocumentModel:
    """The document's model with full detail for the instrument or UDO at `offset` only."""
    if "model" in document.__dict__:
        return document.model
    entry = _entry(document)
    item = item_at(document, offset)
    if item is None:
        return entry.skeleton
    return _focused(document, entry, item)


def light_model(document: Document, offset: int) -> DocumentModel:
    """Global statements, UDO signatures and the one item under the cursor; other instruments are left
    out entirely (completion and signature help never read them; `focused_model` has them)."""
    if "model" in document.__dict__:
        return document.model
    item = item_at(document, offset)
    key = item.start_byte if item is not None else -1
    with _lock:
        entry = _light.get(document)
        if entry is None or entry.source is not document.source:
            entry = _Light(document.source)
            _light[document] = entry
        found = entry.models.get(key)
    if found is not None:
        return found
    builder = _LightBuilder(document.source, document.tree.root_node, item)
    builder.build()
    with _lock:
        entry.models[key] = builder.model
    return builder.model


def skeleton_model(document: Document) -> DocumentModel:
    """Every top-level name with the instrument and UDO bodies left out, cached per version."""
    if "model" in document.__dict__:
        return document.model
    return _entry(document).skeleton


#: How the grammar spells the directives (`# include` with a space counts too).
_INCLUDE_WORD = re.compile(rb"#[ \t]*include")
_DEFINE_WORD = re.compile(rb"#[ \t]*define")


def includes_of(document: Document) -> list[Include]:
    """The document's `#include`s, without a whole-document model in the usual cases: none at all,
    or all of them outside instrument bodies (the skeleton sees those)."""
    if "model" in document.__dict__:
        return document.model.includes
    written = len(_INCLUDE_WORD.findall(document.source))
    if written == 0:
        return []
    found = _entry(document).skeleton.includes
    return found if len(found) == written else document.model.includes


def outline_model(document: Document) -> DocumentModel:
    """The skeleton, unless a `#define` may stand inside an instrument or UDO body (where only the
    whole-document model sees it): the macros the skeleton found must account for every one written."""
    if "model" in document.__dict__:
        return document.model
    skeleton = _entry(document).skeleton
    if len(_DEFINE_WORD.findall(document.source)) == len(skeleton.macros):
        return skeleton
    return document.model


def with_body(document: Document, instrument: Instrument) -> Instrument:
    """The instrument with its body's variables (skeleton instruments have empty scopes)."""
    if "model" in document.__dict__ or instrument.scope.variables:
        return instrument
    model = _focused(document, _entry(document), instrument.node)
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


def _entry(document: Document) -> _Entry:
    with _lock:
        entry = _cache.get(document)
        if entry is None or entry.source is not document.source:
            source = document.source
            builder = _SkeletonBuilder(source, document.tree.root_node, _names.get(document, {}))
            skeleton = builder.build()
            _names[document] = builder.fresh
            entry = _Entry(source, skeleton)
            _cache[document] = entry
        return entry


def _focused(document: Document, entry: _Entry, item: Node) -> DocumentModel:
    found = entry.items.get(item.start_byte)
    if found is not None:
        return found
    skeleton = entry.skeleton
    body = ModelBuilder(entry.source, document.tree.root_node).build_item(item, set(skeleton.udos))
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
    entry.items[item.start_byte] = merged
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
