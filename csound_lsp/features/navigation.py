"""Go to definition, references, document highlight, rename and `#include` links.

All of them start from `targets.target_at` and `targets.occurrences`; the documents a global, UDO,
macro or instrument may live in come from the caller (`syntax.project.program_documents`).
Rename refuses, with a reason in words, whenever the new name could change what the program means.
"""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types
from tree_sitter import Node

from csound_lsp.analysis.expressions import TypeContext
from csound_lsp.analysis.opcode_checks import argument_types, output_types
from csound_lsp.analysis.udo_overloads import choose_udo, udo_definitions
from csound_lsp.catalog.opcodes import default_catalog
from csound_lsp.features import csound7
from csound_lsp.features.convert import byte_range, position_from_lsp
from csound_lsp.features.hover import call_types
from csound_lsp.features.targets import (
    IDENTIFIER,
    Occurrence,
    Target,
    TargetKind,
    header_definition,
    instrument_key,
    occurrences,
    target_at,
)
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import full_model, skeleton_model
from csound_lsp.syntax.model import HEADER_NAMES, DocumentModel, Ref, ScopeKind, is_global_name, rate_of
from csound_lsp.syntax.project import resolve_include
from csound_lsp.syntax.store import path_to_uri

#: Words the orchestra reserves: never a variable, label, UDO or instrument name.
KEYWORDS = frozenset(
    {
        "instr", "endin", "opcode", "endop", "struct", "if", "then", "ithen", "kthen", "elseif", "else",
        "endif", "fi", "while", "until", "do", "od", "enduntil", "goto", "igoto", "kgoto", "void",
        # Csound 7
        "declare", "for", "switch", "case", "default", "endsw", "break", "continue", "true", "false",
    }
)  # fmt: skip

_RATE_WORDS = {
    "a": "audio-rate (a)",
    "k": "control-rate (k)",
    "i": "init-time (i)",
    "S": "string (S)",
    "f": "f-signal (f)",
    "w": "spectral (w)",
    "b": "boolean (b)",
    None: "untyped",
}


class RenameRefused(Exception):
    """A rename that is not safe or not possible; the message says why, for the user."""


class NothingToRename(RenameRefused):
    """The position holds no name at all (not a refusal worth an error: LSP's answer is null)."""


def _location(occurrence: Occurrence) -> types.Location:
    return types.Location(
        uri=occurrence.uri, range=byte_range(occurrence.document, occurrence.start_byte, occurrence.end_byte)
    )


def _target(document: Document, position: types.Position) -> Target | None:
    return target_at(document, document.index.offset(position_from_lsp(position)))


def _scope_kind(occurrence: Occurrence) -> ScopeKind:
    return skeleton_model(occurrence.document).scope_at(occurrence.start_byte).kind


def definition(
    document: Document, position: types.Position, documents: Sequence[Document]
) -> list[types.Location]:
    """Where the name under the cursor is defined (all definitions for a variable set in several places)."""
    offset = document.index.offset(position_from_lsp(position))
    target = target_at(document, offset)
    if target is None or target.kind is TargetKind.UDO:
        chosen = _udo_overload(document, offset, target.name if target is not None else None)
        if chosen is not None:
            span = byte_range(document, chosen.start_byte, chosen.end_byte)
            return [types.Location(uri=document.uri, range=span)]
    if target is None:
        return []
    found = [o for o in occurrences(target, documents) if o.is_definition]
    if target.kind is TargetKind.GLOBAL:
        # a global is declared in the orchestra header; assignments inside instruments only update it
        declared = [o for o in found if _scope_kind(o) is ScopeKind.GLOBAL]
        found = declared or found
    if not found and target.kind is TargetKind.LOCAL:
        header = header_definition(document, offset)
        if header is not None:
            return [types.Location(uri=document.uri, range=byte_range(document, *header))]
    return [_location(o) for o in found]


def _udo_name(model: DocumentModel, node: Node, offset: int) -> str | None:
    name = node.child_by_field_name("name") if node.type == "udo_definition" else None
    if name is None or not name.start_byte <= offset <= name.end_byte:
        return None
    return model.text(name)


def _udo_overload(document: Document, offset: int, name: str | None) -> Ref | None:
    """For an overloaded UDO: the definition under the cursor, or the one Csound picks for this call."""
    model = full_model(document)
    if name is None:  # the name of a later definition, which the model does not index
        names = (_udo_name(model, scope.node, offset) for scope in model.scopes if scope.node is not None)
        name = next((n for n in names if n is not None), None)
        if name is None:
            return None
    definitions = udo_definitions(model, name)
    if len(definitions) < 2:
        return None
    for udo in definitions:
        if udo.ref.start_byte <= offset <= udo.ref.end_byte:
            return udo.ref
    for call in model.calls():
        if call.name == name and call.ref.start_byte <= offset <= call.ref.end_byte:
            ctx = TypeContext(model, call.scope, default_catalog())
            outs = call_types(call.node, ctx)[0] if call.is_function else output_types(call, ctx)
            return choose_udo(definitions, outs, argument_types(call, ctx)).ref
    return None


def references(
    document: Document,
    position: types.Position,
    documents: Sequence[Document],
    include_declaration: bool = True,
) -> list[types.Location]:
    target = _target(document, position)
    if target is None:
        return []
    return [
        _location(o) for o in occurrences(target, documents) if include_declaration or not o.is_definition
    ]


def highlights(document: Document, position: types.Position) -> list[types.DocumentHighlight]:
    """Occurrences in this document only; definitions (writes) and uses (reads) told apart."""
    target = _target(document, position)
    if target is None:
        return []
    return [
        types.DocumentHighlight(
            range=byte_range(document, o.start_byte, o.end_byte),
            kind=types.DocumentHighlightKind.Write if o.is_definition else types.DocumentHighlightKind.Read,
        )
        for o in occurrences(target, [document])
    ]


# -- rename ------------------------------------------------------------------------------------------
def prepare_rename(
    document: Document, position: types.Position, documents: Sequence[Document]
) -> types.PrepareRenamePlaceholder:
    """The range and current text of the renamable name, or RenameRefused saying why not."""
    target = _renamable(document, position)
    return types.PrepareRenamePlaceholder(
        range=byte_range(document, target.start_byte, target.end_byte), placeholder=target.name
    )


def rename(
    document: Document, position: types.Position, new_name: str, documents: Sequence[Document]
) -> types.WorkspaceEdit:
    target = _renamable(document, position)
    if new_name == target.name:
        return types.WorkspaceEdit(changes={})
    reason = rename_problem(target, new_name, document, documents)
    if reason is not None:
        raise RenameRefused(reason)
    replacement = new_name
    if target.kind is TargetKind.INSTRUMENT and target.key.startswith("#"):
        replacement = str(int(new_name))
    changes: dict[str, list[types.TextEdit]] = {}
    for occurrence in occurrences(target, documents):
        edit = types.TextEdit(
            range=byte_range(occurrence.document, occurrence.start_byte, occurrence.end_byte),
            new_text=replacement,
        )
        changes.setdefault(occurrence.uri, []).append(edit)
    return types.WorkspaceEdit(changes=changes)


def _renamable(document: Document, position: types.Position) -> Target:
    offset = document.index.offset(position_from_lsp(position))
    target = target_at(document, offset)
    if target is None:
        node = document.node_at(position_from_lsp(position))
        text = document.node_text(node)
        if node.type == "opcode_name" or (node.type == "identifier" and text in default_catalog()):
            raise RenameRefused(
                f"'{text}' is a Csound opcode; only names defined in your code can be renamed"
            )
        raise NothingToRename("there is no variable, instrument, UDO, macro, label or channel name here")
    if target.kind in (TargetKind.LOCAL, TargetKind.GLOBAL):
        if rate_of(target.name) == "i" and target.name[:1] == "p" and target.name[1:].isdigit():
            raise RenameRefused(f"'{target.name}' is a p-field: Csound numbers those, they cannot be renamed")
        if target.name in HEADER_NAMES:
            raise RenameRefused(f"'{target.name}' is a Csound header setting and cannot be renamed")
    return target


def _is_defined_name(name: str, document: Document, documents: Sequence[Document]) -> str | None:
    """Says what `name` already is (an opcode, a UDO, a keyword), or None when it is free."""
    if name in KEYWORDS:
        return f"'{name}' is a Csound keyword"
    if name in HEADER_NAMES:
        return f"'{name}' is a Csound header setting"
    if name in default_catalog():
        return f"'{name}' is a Csound opcode"
    for other in documents:
        if name in full_model(other).udos:
            return f"'{name}' is a UDO"
    return None


def rename_problem(
    target: Target, new_name: str, document: Document, documents: Sequence[Document]
) -> str | None:
    """Why renaming `target` to `new_name` is unsafe, or None when it is fine."""
    kind = target.kind
    if kind is TargetKind.CHANNEL:
        if not new_name or any(c in new_name for c in '"\\\n\r'):
            return "a channel name must be non-empty and hold no quotes, backslashes or line breaks"
        return None
    if kind is TargetKind.INSTRUMENT and target.key.startswith("#"):
        if not new_name.isdigit() or int(new_name) < 1:
            return f"instrument {target.name} is numbered: the new name must be a positive whole number"
        key = "#" + str(int(new_name))
        return _instrument_clash(key, new_name, documents)
    if not IDENTIFIER.match(new_name):
        return f"'{new_name}' is not a valid Csound name (letters, digits and _, not starting with a digit)"
    if kind is TargetKind.INSTRUMENT:
        return _is_defined_name(new_name, document, documents) or _instrument_clash(
            new_name, new_name, documents
        )
    if kind is TargetKind.MACRO:
        if any(new_name in full_model(d).macros for d in documents):
            return f"a macro named '{new_name}' already exists"
        return None
    taken = _is_defined_name(new_name, document, documents)
    if taken is not None:
        return taken
    if kind in (TargetKind.STRUCT, TargetKind.MEMBER):
        return _struct_problem(target, new_name, documents)
    if kind is TargetKind.UDO:
        return None
    if kind is TargetKind.LABEL:
        scope = full_model(document).scope_at(target.start_byte)
        if new_name in scope.labels:
            return f"a label named '{new_name}' already exists in {scope.name}"
        return None
    return _variable_problem(target, new_name, document, documents)


def _struct_problem(target: Target, new_name: str, documents: Sequence[Document]) -> str | None:
    """A struct's new name must be a free type name; a member's, free in its struct."""
    struct_name = target.key.partition(".")[0]
    for other in documents:
        struct = full_model(other).structs.get(struct_name)
        if target.kind is TargetKind.MEMBER and struct is not None and struct.member(new_name) is not None:
            return f"struct {struct_name} already has a member named '{new_name}'"
        if target.kind is TargetKind.STRUCT and new_name in full_model(other).structs:
            return f"a struct named '{new_name}' already exists"
    own_types = (*csound7.TYPE_LETTERS, *csound7.BUILTIN_TYPES)
    if target.kind is TargetKind.STRUCT and new_name in own_types:
        return f"'{new_name}' is one of Csound's own types"
    return None


def _instrument_clash(key: str, shown: str, documents: Sequence[Document]) -> str | None:
    for other in documents:
        for instrument in full_model(other).instruments:
            for name in instrument.names:
                found = instrument_key(name.text, name.ref.start_byte)
                if found is not None and found[0] == key:
                    return f"instrument {shown} already exists"
    return None


def _variable_problem(
    target: Target, new_name: str, document: Document, documents: Sequence[Document]
) -> str | None:
    model = full_model(document)
    scope = model.scope_at(target.start_byte)
    variable = model.lookup_variable(target.name, scope)
    declared = variable.declared_type if variable is not None else None
    if is_global_name(target.name) != is_global_name(new_name):
        was, becomes = ("global", "local") if is_global_name(target.name) else ("local", "global")
        return f"'{new_name}' would make the {was} variable '{target.name}' {becomes}"
    if declared is None and rate_of(new_name) != rate_of(target.name):
        return (
            f"'{new_name}' would change the rate of '{target.name}' from "
            f"{_RATE_WORDS.get(rate_of(target.name))} to {_RATE_WORDS.get(rate_of(new_name), 'another rate')}"
        )
    if new_name[:1] == "p" and new_name[1:].isdigit():
        return f"'{new_name}' is a p-field"
    if target.kind is TargetKind.GLOBAL:
        for other in documents:
            if new_name in full_model(other).global_scope.variables:
                return f"a global variable named '{new_name}' already exists"
        return None
    owner = variable.scope if variable is not None else scope
    if new_name in owner.variables or new_name in model.global_scope.variables:
        return f"a variable named '{new_name}' already exists in {owner.name}"
    return None


# -- document links ----------------------------------------------------------------------------------
def document_links(document: Document, include_paths: Sequence[str] = ()) -> list[types.DocumentLink]:
    """A link on each `#include` path that names an existing file."""
    links: list[types.DocumentLink] = []
    for include in full_model(document).includes:
        path = resolve_include(document, include.target, include_paths)
        if path is None:
            continue
        start, end = include.ref.start_byte, include.ref.end_byte
        raw = document.source[start:end]
        if len(raw) >= 2 and raw[:1] in (b'"', b"<", b"|"):
            start, end = start + 1, end - 1
        links.append(
            types.DocumentLink(range=byte_range(document, start, end), target=path_to_uri(path), tooltip=path)
        )
    return links
