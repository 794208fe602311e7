"""What a name at a position refers to, and every place the same thing occurs.

Navigation (definition, references, highlight) and rename share this: first find the *target*
under the cursor (a local or global variable, an instrument, a UDO, a macro, a label or a named
channel), then collect its *occurrences* over the documents of one program (the file, its
`#include`s and the files that include it). Everything works on byte offsets and the model.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from csound_lsp.catalog.opcodes import default_catalog
from csound_lsp.features import csound7
from csound_lsp.features.name_index import NameKind, occurrences_of
from csound_lsp.features.name_keys import IDENTIFIER as IDENTIFIER  # re-exported for navigation
from csound_lsp.features.name_keys import channel_refs, instrument_definitions, instrument_references
from csound_lsp.features.name_keys import instrument_key as instrument_key  # re-exported
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import focused_model, full_model, skeleton_model
from csound_lsp.syntax.model import HEADER_NAMES, DocumentModel, Ref, Scope, ScopeKind, is_global_name


class TargetKind(enum.Enum):
    LOCAL = "local variable"
    GLOBAL = "global variable"
    INSTRUMENT = "instrument"
    UDO = "UDO"
    MACRO = "macro"
    LABEL = "label"
    CHANNEL = "channel"
    #: Csound 7: a struct type (`struct Point ...`, `pt:Point`) and one of its members (`pt.x`).
    STRUCT = "struct"
    MEMBER = "struct member"


@dataclass(frozen=True, slots=True)
class Target:
    """The thing a name stands for. `key` identifies it across documents."""

    kind: TargetKind
    #: The text a rename replaces (a variable's name, an instrument's number or name, ...).
    name: str
    #: Instruments: "#3" for numbers, the name otherwise; channels and others: the name.
    key: str
    uri: str
    #: The range of the name under the cursor.
    start_byte: int
    end_byte: int
    #: For locals and labels: the start of the scope they live in.
    scope_start: int = -1


@dataclass(frozen=True, slots=True)
class Occurrence:
    document: Document
    start_byte: int
    end_byte: int
    is_definition: bool

    @property
    def uri(self) -> str:
        return self.document.uri


# -- finding the target ------------------------------------------------------------------------------
def _inside(offset: int, start: int, end: int) -> bool:
    return start <= offset <= end


def _scope_of_start(model: DocumentModel, start: int) -> Scope:
    if start < 0:
        return model.global_scope
    for scope in model.scopes:
        if scope.start_byte == start:
            return scope
    return model.global_scope


def target_at(document: Document, offset: int) -> Target | None:
    """The target whose name covers `offset`, or None (opcodes, numbers, empty space)."""
    model = focused_model(document, offset)
    uri = document.uri
    for macro in model.macros.values():
        if _inside(offset, macro.ref.start_byte, macro.ref.end_byte):
            return Target(
                TargetKind.MACRO, macro.name, macro.name, uri, macro.ref.start_byte, macro.ref.end_byte
            )
    for ref in (*model.macro_uses, *model.macro_tests):
        if ref.contains(offset):
            return Target(TargetKind.MACRO, ref.name, ref.name, uri, ref.start_byte, ref.end_byte)
    scope = model.scope_at(offset)
    typed = _csound7_target(document, model, offset)
    if typed is not None:
        return typed
    for label in scope.labels.values():
        for ref in [*([label.definition] if label.definition else []), *label.uses]:
            if ref.contains(offset):
                return Target(
                    TargetKind.LABEL,
                    label.name,
                    label.name,
                    uri,
                    ref.start_byte,
                    ref.end_byte,
                    _scope_start(scope),
                )
    for key, start, end in (*instrument_definitions(model), *instrument_references(model)):
        if _inside(offset, start, end):
            name = model.source[start:end].decode("utf-8", errors="replace")
            return Target(TargetKind.INSTRUMENT, name, key, uri, start, end)
    for udo in model.udos.values():
        if udo.ref.contains(offset):
            return Target(TargetKind.UDO, udo.name, udo.name, uri, udo.ref.start_byte, udo.ref.end_byte)
    for call in scope.calls:
        if call.ref.contains(offset) and (call.name in model.udos or call.name not in default_catalog()):
            # a call to something that is no Csound opcode: a UDO, perhaps from an included file
            return Target(TargetKind.UDO, call.name, call.name, uri, call.ref.start_byte, call.ref.end_byte)
    for name, start, end, _ in channel_refs(model):
        if _inside(offset, start, end):
            return Target(TargetKind.CHANNEL, name, name, uri, start, end)
    found = model.variable_at(offset)
    if found is not None:
        variable, ref = found
        if variable.name in model.udos and not variable.definitions:
            return Target(TargetKind.UDO, variable.name, variable.name, uri, ref.start_byte, ref.end_byte)
        if is_global_name(variable.name):
            return Target(TargetKind.GLOBAL, variable.name, variable.name, uri, ref.start_byte, ref.end_byte)
        return Target(
            TargetKind.LOCAL,
            variable.name,
            variable.name,
            uri,
            ref.start_byte,
            ref.end_byte,
            _scope_start(variable.scope),
        )
    return None


def _csound7_target(document: Document, model: DocumentModel, offset: int) -> Target | None:
    """A struct type's name or a struct member's name at `offset`."""
    root = document.tree.root_node
    for at in (offset, offset - 1):
        node = root.named_descendant_for_byte_range(max(at, 0), max(at, 0))
        if node is None or node.type not in ("identifier", "type_name"):
            continue
        start, end = node.start_byte, node.end_byte
        struct = csound7.struct_at(model, node)
        if struct is not None:
            return Target(TargetKind.STRUCT, struct.name, struct.name, document.uri, start, end)
        member = csound7.member_at(model, node, model.scope_at(offset))
        if member is not None:
            key = f"{member[0].name}.{member[1].name}"
            return Target(TargetKind.MEMBER, member[1].name, key, document.uri, start, end)
        return None
    return None


def _scope_start(scope: Scope) -> int:
    return -1 if scope.kind is ScopeKind.GLOBAL else scope.start_byte


# -- occurrences ------------------------------------------------------------------------------------
def occurrences(target: Target, documents: Sequence[Document]) -> list[Occurrence]:
    """Every occurrence of the target; locals and labels only in their own document and scope."""
    result: list[Occurrence] = []
    for document in documents:
        if target.kind in (TargetKind.LOCAL, TargetKind.LABEL) and document.uri != target.uri:
            continue
        result.extend(_in_document(target, document))
    unique = {(o.uri, o.start_byte): o for o in result}
    return sorted(unique.values(), key=lambda o: (o.uri != target.uri, o.uri, o.start_byte))


def _refs(document: Document, refs: Sequence[Ref], is_definition: bool) -> list[Occurrence]:
    return [Occurrence(document, r.start_byte, r.end_byte, is_definition) for r in refs]


_DOCUMENT_WIDE = {
    TargetKind.GLOBAL: NameKind.GLOBAL,
    TargetKind.INSTRUMENT: NameKind.INSTRUMENT,
    TargetKind.UDO: NameKind.CALL,
    TargetKind.MACRO: NameKind.MACRO,
    TargetKind.CHANNEL: NameKind.CHANNEL,
}


def _in_document(target: Target, document: Document) -> list[Occurrence]:
    kind = target.kind
    if kind in (TargetKind.STRUCT, TargetKind.MEMBER):
        spans = csound7.struct_occurrences(full_model(document), target.key)
        return [Occurrence(document, start, end, is_def) for start, end, is_def in spans]
    if kind is TargetKind.LOCAL and target.scope_start < 0:
        # a plain name in the global scope (`sr`, `iTable`): read in every instrument too
        kind = TargetKind.GLOBAL
    if kind is TargetKind.LOCAL or kind is TargetKind.LABEL:
        # a scope's own names: the model of that one item (or the skeleton, for global labels)
        if target.scope_start >= 0:
            model = focused_model(document, target.scope_start)
        else:
            model = skeleton_model(document)
        scope = _scope_of_start(model, target.scope_start)
        if kind is TargetKind.LOCAL:
            variable = scope.variables.get(target.name)
            if variable is None:
                return []
            return _refs(document, variable.definitions, True) + _refs(document, variable.uses, False)
        label = scope.labels.get(target.name)
        if label is None:
            return []
        found = _refs(document, label.uses, False)
        if label.definition is not None:
            found.append(Occurrence(document, label.definition.start_byte, label.definition.end_byte, True))
        return found
    key = target.key if kind is TargetKind.INSTRUMENT else target.name
    return [
        Occurrence(document, start, end, is_def)
        for start, end, is_def in occurrences_of(document, _DOCUMENT_WIDE[kind], key)
    ]


def definitions(target: Target, documents: Sequence[Document]) -> list[Occurrence]:
    """Where the target is defined; a header setting answers for `sr`, `ksmps` and the like."""
    found = [o for o in occurrences(target, documents) if o.is_definition]
    return found


def header_definition(document: Document, offset: int) -> tuple[int, int] | None:
    """The header assignment (`sr = 44100`) for a header name used at `offset`, if any."""
    model = focused_model(document, offset)
    found = model.variable_at(offset)
    if found is None or found[0].name not in HEADER_NAMES:
        return None
    setting = model.header.get(found[0].name)
    if setting is None:
        return None
    return setting.start_byte, setting.start_byte + len(setting.name)
