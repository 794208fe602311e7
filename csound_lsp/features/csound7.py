"""Csound 7's named types for the features: what `pt.x` and `:Point` stand for.

Hover, completion and rename ask here which struct a variable, a member access or a type name means.
A variable's struct comes from its declared type (`pt:Point`, `pts:Point[]`); a member access walks
the path from its first name (`v.pt.x`: `v` is a `Voice`, its `pt` a `Point`, whose `x` is meant).
"""

from __future__ import annotations

import re

from lsprotocol import types
from tree_sitter import Node, Query, QueryCursor

from csound_lsp.catalog.types import split_found
from csound_lsp.syntax.languages import FileKind, language
from csound_lsp.syntax.model import DocumentModel, Scope, StructMember, StructType

#: Csound 7.0's own named types (its catalog's `:Name;` signatures).
BUILTIN_TYPES = ("Complex", "Instr", "InstrDef", "Opcode", "OpcodeDef", "Csound")
#: Statement keywords only Csound 7 has (completion offers them in Csound 7 documents).
KEYWORDS = ("for", "in", "switch", "case", "default", "endsw", "break", "continue")
#: The type letters a `name:type` may use, in words.
TYPE_LETTERS = {
    "a": "audio signal",
    "k": "control value",
    "i": "init-time value",
    "S": "string",
    "f": "streaming spectral signal",
    "w": "spectral data (old family)",
    "b": "init-time condition",
    "B": "control-rate condition",
}
_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[\])*)$")


def struct_of_type(model: DocumentModel, type_text: str | None) -> tuple[StructType, int] | None:
    """The struct a declared type names, with its array dimensions (`Point[]` -> Point, 1)."""
    if not type_text:
        return None
    base, dims = split_found(type_text.replace(" ", ""))
    found = model.structs.get(base)
    return (found, dims) if found is not None else None


def struct_of_path(model: DocumentModel, path: str, scope: Scope) -> StructType | None:
    """The struct the object of a member access holds: `pt` -> Point, `v.pt` -> Point, `pts[]` ->
    Point (one element of a Point array)."""
    segments = path.split(".")
    first = _SEGMENT.match(segments[0])
    if first is None:
        return None
    variable = model.lookup_variable(first.group(1), scope)
    found = struct_of_type(model, variable.declared_type if variable is not None else None)
    if found is None:
        return None
    struct, dims = found
    dims -= first.group(2).count("[]")
    for segment in segments[1:]:
        match = _SEGMENT.match(segment)
        if match is None or dims != 0:
            return None
        member = struct.member(match.group(1))
        inner = struct_of_type(model, member.type if member is not None else None)
        if inner is None:
            return None
        struct, dims = inner[0], inner[1] - match.group(2).count("[]")
    return struct if dims == 0 else None


def object_path(model: DocumentModel, node: Node) -> str:
    """A member access object's text with its indexes dropped (`pts[i + 1].pt` -> `pts[].pt`)."""
    return re.sub(r"\[[^\]]*\]", "[]", model.text(node)).replace(" ", "")


def member_at(model: DocumentModel, node: Node, scope: Scope) -> tuple[StructType, StructMember] | None:
    """The struct member a name stands for: in `obj.member`, or in its struct's definition."""
    parent = node.parent
    if parent is None or node.type != "identifier":
        return None
    if parent.type == "member_access" and parent.child_by_field_name("member") == node:
        obj = parent.child_by_field_name("object")
        struct = struct_of_path(model, object_path(model, obj), scope) if obj is not None else None
        member = struct.member(model.text(node)) if struct is not None else None
        return (struct, member) if struct is not None and member is not None else None
    definition = parent
    if definition.type in ("typed_identifier", "array_declaration"):
        definition = definition.parent or definition
    if definition.type == "struct_definition" and definition.child_by_field_name("name") != node:
        name = definition.child_by_field_name("name")
        struct = model.structs.get(model.text(name)) if name is not None else None
        member = struct.member(model.text(node)) if struct is not None else None
        return (struct, member) if struct is not None and member is not None else None
    return None


def struct_at(model: DocumentModel, node: Node) -> StructType | None:
    """The struct a type name (`pt:Point`) or a struct definition's name stands for."""
    parent = node.parent
    if node.type == "type_name":
        return model.structs.get(model.text(node))
    in_definition = parent is not None and parent.type == "struct_definition"
    named = in_definition and parent is not None and parent.child_by_field_name("name") == node
    return model.structs.get(model.text(node)) if node.type == "identifier" and named else None


def type_words(type_text: str) -> str:
    """`k[]` -> "array of control value", `Point` -> "Point"."""
    base, dims = split_found(type_text.replace(" ", ""))
    words = TYPE_LETTERS.get(base, base)
    return ("array of " * dims) + words if dims else words


def struct_markdown(struct: StructType) -> str:
    members = ", ".join(f"{m.name}:{m.type}" for m in struct.members)
    header = f"struct {struct.name} {members}"
    lines = [f"**{struct.name}** — struct (Csound 7)", "", "```csound", header, "```"]
    lines += [f"- `{m.name}`: {type_words(m.type)}" for m in struct.members]
    if struct.doc:
        lines += ["", struct.doc]
    return "\n".join(lines)


def member_markdown(struct: StructType, member: StructMember) -> str:
    return f"**{member.name}** — member of struct {struct.name}: {type_words(member.type)} (`{member.type}`)"


_WORD = r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])*"
_MEMBER_PREFIX = re.compile(rf"({_WORD}(?:\.{_WORD})*)\.(\w*)$")


def member_candidates(
    model: DocumentModel, line_prefix: str, scope: Scope
) -> tuple[str, list[StructMember]] | None:
    """After `obj.` (and part of a member name): the word typed so far and the members `obj` has."""
    match = _MEMBER_PREFIX.search(line_prefix)
    if match is None:
        return None
    path = re.sub(r"\[[^\]]*\]", "[]", match.group(1))
    struct = struct_of_path(model, path, scope)
    if struct is None:
        return None
    return match.group(2), list(struct.members)


def type_candidates(model: DocumentModel, line_prefix: str) -> str | None:
    """After `name:` where a type goes (a typed name, a parameter): the part of the type typed so far."""
    match = re.search(r"(?:^|[\s(,])[A-Za-z_][A-Za-z0-9_]*:([A-Za-z_]\w*)?$", line_prefix)
    if match is None or "?" in line_prefix:
        return None
    return match.group(1) or ""


Completions = tuple[str, list[tuple[str, types.CompletionItemKind, int, str]]]


def completions(model: DocumentModel, line_prefix: str, scope: Scope) -> Completions | None:
    """Members after `obj.`, type names after `name:`: the word typed so far and (label, kind, group,
    detail) per item; None elsewhere."""
    members = member_candidates(model, line_prefix, scope)
    if members is not None:
        kind = types.CompletionItemKind.Field
        return members[0], [(m.name, kind, 0, f"{m.name}:{m.type}") for m in members[1]]
    word = type_candidates(model, line_prefix)
    if word is None:
        return None
    kinds = types.CompletionItemKind
    found = [(letter, kinds.TypeParameter, 0, words) for letter, words in TYPE_LETTERS.items()]
    found += [(name, kinds.Struct, 1, "struct") for name in model.structs]
    found += [(name, kinds.Struct, 2, "Csound 7 type") for name in BUILTIN_TYPES]
    return word, found


_TYPE_NAMES: dict[FileKind, Query] = {}
_ROOT_KINDS = {"csd_document": FileKind.CSD, "orchestra": FileKind.ORC, "score": FileKind.SCO}


def struct_occurrences(model: DocumentModel, key: str) -> list[tuple[int, int, bool]]:
    """Where a struct (`key` its name) or a member (`Struct.member`) occurs: (start, end, is_definition)."""
    struct_name, _, member_name = key.partition(".")
    struct = model.structs.get(struct_name)
    found: list[tuple[int, int, bool]] = []
    if not member_name:
        if struct is not None:
            found.append((struct.ref.start_byte, struct.ref.end_byte, True))
        kind = _ROOT_KINDS.get(model.root.type, FileKind.CSD)
        query = _TYPE_NAMES.get(kind)
        if query is None:
            query = _TYPE_NAMES.setdefault(kind, Query(language(kind), "(type_name) @name"))
        for node in QueryCursor(query).captures(model.root).get("name", []):
            if model.text(node) == struct_name:
                found.append((node.start_byte, node.end_byte, False))
        return found
    member = struct.member(member_name) if struct is not None else None
    if member is not None:
        found.append((member.ref.start_byte, member.ref.end_byte, True))
    scopes = {scope.start_byte: scope for scope in model.scopes}
    for use in model.member_uses:
        if use.ref.name != member_name:
            continue
        scope = scopes.get(use.scope_start, model.global_scope)
        owner = struct_of_path(model, use.path, scope)
        if owner is not None and owner.name == struct_name:
            found.append((use.ref.start_byte, use.ref.end_byte, False))
    return found
