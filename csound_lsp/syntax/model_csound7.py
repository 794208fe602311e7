"""The document model's walk over Csound 7's constructs, and the marks that say which Csound reads what.

`ModelBuilder` inherits these handlers (its walk calls `on_<node type>`): structs and `declare`, for
loops, member access, `switch`, ranges and slices. Each construct only Csound 7 reads leaves a
`DialectMark` of major 7; each Csound 6 leniency that Csound 7 rejects (a comma after an opcode's
name, outputs broken over lines, `a?b:c` read by Csound 7 as the typed name `b:c`, a label named like
a keyword) one of major 6. `analysis.dialect` turns them into diagnostics against the engine.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tree_sitter import Node

from csound_lsp.syntax.model import (
    DialectMark,
    DocumentModel,
    MemberUse,
    Ref,
    Scope,
    StructMember,
    StructType,
    Udo,
    Variable,
    rate_of,
)

#: Csound 7's constants: never variables.
CONSTANTS = frozenset({"true", "false", "truek", "falsek"})

#: Words Csound 7's lexer always reads as keywords: a label of that name cannot be jumped to.
KEYWORDS7 = frozenset(
    {
        "if", "then", "ithen", "kthen", "elseif", "else", "endif", "fi", "while", "until", "do", "od",
        "enduntil", "goto", "igoto", "kgoto", "for", "switch", "case", "default", "endsw", "break",
        "continue", "declare", "void", "struct", "instr", "endin", "opcode", "endop", *CONSTANTS,
    }
)  # fmt: skip

#: Type names that are rate letters; anything else after `name:` is a named type (a struct, `Complex`).
LETTER_TYPES = frozenset("aikSfwbB")

_CONTINUATION = re.compile(rb"\\[ \t]*(;[^\r\n]*)?(\r\n|\r|\n)")


def spelled_type(text: str) -> str:
    """A declared type as the catalogs spell it: `k[]` stays, `Point[]` becomes `:Point;[]`."""
    base = text.replace(" ", "")
    dims = 0
    while base.endswith("[]"):
        base, dims = base[:-2], dims + 1
    if base in LETTER_TYPES or not base:
        return base + "[]" * dims
    return f":{base};" + "[]" * dims


def type_letters(text: str) -> str:
    """`(a,k)`, `:a`, `a` or `(Point, k[])` -> the catalog spelling of each (Csound 7 return types);
    `void` and `()` -> ""."""
    cleaned = text.strip().lstrip(":").strip()
    if cleaned.startswith("(") and cleaned.endswith(")"):
        cleaned = cleaned[1:-1]
    parts = [p.strip() for p in cleaned.split(",") if p.strip()]
    return "".join("" if p == "void" else spelled_type(p) for p in parts)


class Csound7Handlers:
    """Handlers for Csound 7's nodes; `ModelBuilder` supplies the rest of the walk."""

    source: bytes
    model: DocumentModel
    global_scope: Scope

    if TYPE_CHECKING:

        def text(self, node: Node) -> str: ...
        def ref(self, node: Node, name: str | None = None) -> Ref: ...
        def visit(self, node: Node, scope: Scope) -> None: ...
        def visit_children(self, node: Node, scope: Scope) -> None: ...
        def define(self, node: Node, scope: Scope, declared_type: str | None = None) -> None: ...
        def variable(self, name: str, scope: Scope, declared_type: str | None = None) -> Variable: ...
        def doc_comment(self, node: Node) -> str: ...

    # -- marks -------------------------------------------------------------------------------------
    def mark(self, major: int, what: str, node: Node, end: Node | None = None) -> None:
        last = end if end is not None else node
        self.model.dialect_marks.append(DialectMark(major, what, node.start_byte, last.end_byte))

    def mark_header_end(self, major: int, what: str, node: Node) -> None:
        """A mark over a block's first line only (the whole block would cover its body)."""
        line_end = self.source.find(b"\n", node.start_byte, node.end_byte)
        end = line_end if line_end != -1 else node.end_byte
        self.model.dialect_marks.append(DialectMark(major, what, node.start_byte, end))

    def mark_comma_after_opcode(self, node: Node, opcode: Node | None) -> None:
        """`loop_lt, i1, 1, 8, top`: Csound 6 takes a comma after the opcode's name, Csound 7 reads
        the name as an output."""
        if opcode is None:
            return
        # Most statements have a blank and an argument after the name: no tree walk for them.
        rest = self.source[opcode.end_byte : opcode.end_byte + 64].lstrip(b" \t")
        if rest[:1] not in (b",", b";", b"/", b"\\", b""):
            return
        following = opcode.next_sibling
        while following is not None and following.type == "comment":
            following = following.next_sibling
        if following is not None and following.type == ",":
            self.mark(6, f"a comma after the opcode name '{self.text(opcode)}'", opcode, following)

    def mark_outputs_over_lines(self, outputs: list[Node]) -> None:
        """`k1,` then `k2 xin` on the next line: Csound 7 wants a statement's outputs on one line."""
        if len(outputs) < 2:
            return
        span = _CONTINUATION.sub(b" ", self.source[outputs[0].start_byte : outputs[-1].end_byte])
        if b"\n" in span or b"\r" in span:
            self.mark(6, "outputs continued on the next line after a comma", outputs[0], outputs[-1])

    def mark_value_on_next_line(self, operator: Node | None, right: Node | None) -> None:
        """`ix =` with its value on the next line: Csound 7 ends the statement at the `=`."""
        if operator is None or right is None:
            return
        gap = self.source[operator.end_byte : right.start_byte]
        if b"\n" not in gap and b"\r" not in gap:
            return
        gap = _CONTINUATION.sub(b" ", gap)
        if b"\n" in gap or b"\r" in gap:
            self.mark(6, f"a value on the line after '{self.text(operator)}'", operator, right)

    # -- definitions -------------------------------------------------------------------------------
    def parameter(self, node: Node) -> tuple[Node, str] | None:
        """A UDO parameter or struct member: its name node and its type as the catalogs spell it."""
        if node.type == "typed_identifier":
            name = node.child_by_field_name("name")
            type_node = node.child_by_field_name("type")
            if name is None:
                return None
            return name, spelled_type(self.text(type_node)) if type_node is not None else ""
        if node.type == "identifier":
            return node, rate_of(self.text(node)) or ""
        if node.type == "array_declaration":
            name = node.child_by_field_name("name")
            if name is None:
                return None
            return name, (rate_of(self.text(name)) or "") + "[]" * self.text(node).count("[]")
        return None

    def udo_parameters(self, parameters_node: Node, inner: Scope) -> list[tuple[str, str]]:
        """A new-style UDO's parameters, each defined in its body: (name, catalog spelling) each."""
        parameters: list[tuple[str, str]] = []
        for parameter in parameters_node.named_children:
            entry = self.parameter(parameter)
            if entry is None:
                continue
            name, spelled = entry
            parameters.append((self.text(name), spelled))
            typed = parameter.type == "typed_identifier"
            type_node = parameter.child_by_field_name("type") if typed else None
            self.define(name, inner, self.text(type_node) if type_node is not None else None)
            if parameter.type == "array_declaration":
                self.variable(self.text(name), inner).is_array = True
        return parameters

    def on_struct_definition(self, node: Node, scope: Scope) -> None:
        """Struct members are type fields, not variables."""
        self.mark_header_end(7, "a struct definition", node)
        name = node.child_by_field_name("name")
        if name is None:
            return
        struct = StructType(self.text(name), self.ref(name), node, doc=self.doc_comment(node))
        for member in node.children_by_field_name("member"):
            entry = self.parameter(member)
            if entry is None:
                continue
            member_name, _ = entry
            type_node = member.child_by_field_name("type") if member.type == "typed_identifier" else None
            declared = self.text(type_node) if type_node is not None else entry[1]
            struct.members.append(StructMember(self.text(member_name), declared, self.ref(member_name)))
        self.model.structs.setdefault(struct.name, struct)

    def on_declare_definition(self, node: Node, scope: Scope) -> None:
        self.mark_header_end(7, "a declare statement", node)
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        parameters_node = node.child_by_field_name("parameters")
        returns = node.child_by_field_name("return_types")
        parameters: list[tuple[str, str]] = []
        if parameters_node is not None:
            for parameter in parameters_node.named_children:
                entry = self.parameter(parameter)
                if entry is not None:
                    parameters.append((self.text(entry[0]), entry[1]))
        name = self.text(name_node)
        udo = Udo(
            name,
            self.ref(name_node),
            type_letters(self.text(returns)) if returns is not None else "",
            "".join(t for _, t in parameters),
            node,
            scope,
            "declared",
            parameters,
            self.doc_comment(node),
        )
        self.model.declarations.setdefault(name, udo)

    # -- statements --------------------------------------------------------------------------------
    def on_for_loop(self, node: Node, scope: Scope) -> None:
        """`for i, v in arr do`: the array is read first; the loop variables are typed from it."""
        self.mark_header_end(7, "a for loop", node)
        iterable = node.child_by_field_name("iterable")
        if iterable is not None:
            self.visit(iterable, scope)
        element = self.element_type(iterable, scope)
        for field_name in ("index", "value"):
            variable = node.child_by_field_name(field_name)
            if variable is None:
                continue
            if variable.type == "typed_identifier":
                name = variable.child_by_field_name("name")
                type_node = variable.child_by_field_name("type")
                if name is not None:
                    self.define(name, scope, self.text(type_node) if type_node is not None else "")
                continue
            # An untyped loop name takes its type from the array (the index: a number).
            inferred = element if field_name == "value" else "i"
            self.define(variable, scope, None if rate_of(self.text(variable)) else inferred)
        skip = {n.id for n in (iterable, *node.children_by_field_name("index")) if n is not None}
        skip |= {n.id for n in node.children_by_field_name("value")}
        for child in node.named_children:
            if child.id not in skip:
                self.visit(child, scope)

    def element_type(self, iterable: Node | None, scope: Scope) -> str:
        """The element type of the array a for loop walks, as far as the names tell ("" unknown)."""
        if iterable is None or iterable.type != "identifier":
            return ""
        name = self.text(iterable)
        variable = self.model.lookup_variable(name, scope)
        if variable is not None and variable.declared_type:
            declared = variable.declared_type
            return declared[:-2] if declared.endswith("[]") else ""
        return rate_of(name) or ""

    def on_switch_statement(self, node: Node, scope: Scope) -> None:
        self.mark_header_end(7, "a switch statement", node)
        self.visit_children(node, scope)

    def on_break_statement(self, node: Node, scope: Scope) -> None:
        self.mark_header_end(7, "break", node)

    def on_continue_statement(self, node: Node, scope: Scope) -> None:
        self.mark_header_end(7, "continue", node)

    # -- expressions -------------------------------------------------------------------------------
    def on_member_access(self, node: Node, scope: Scope) -> None:
        """`pt.x`: the object is a variable read (or written through); the member is a field."""
        obj = node.child_by_field_name("object")
        member = node.child_by_field_name("member")
        self.mark(7, "struct member access", node)
        if obj is not None:
            self.visit(obj, scope)
            if member is not None:
                path = re.sub(r"\[[^\]]*\]", "[]", self.text(obj)).replace(" ", "")
                self.model.member_uses.append(MemberUse(path, self.ref(member), scope.start_byte))

    def on_array_access(self, node: Node, scope: Scope) -> None:
        """`f(x)[0]`: Csound 7 indexes what a call returns; Csound 6's parser stops at the `[`."""
        array = node.child_by_field_name("array")
        if array is not None and array.type == "call_expression":
            self.mark(7, "indexing what a call returns, f(...)[i]", node)
        self.visit_children(node, scope)

    def on_array_range(self, node: Node, scope: Scope) -> None:
        self.mark(7, "an array range [a ... b]", node)
        self.visit_children(node, scope)

    def on_array_slice(self, node: Node, scope: Scope) -> None:
        self.mark(7, "an array slice arr[a:b]", node)
        self.visit_children(node, scope)

    def on_raw_string(self, node: Node, scope: Scope) -> None:
        self.mark(7, "a raw string R{...}R", node)

    def on_multiline_string(self, node: Node, scope: Scope) -> None:
        """`{{ a {{ b }} c }}`: one string to Csound 7, an error to Csound 6; `{{ a {{ b }}`: one string
        to Csound 6, an unterminated one to Csound 7 (the grammar reads it as 6 does)."""
        inner = self.source[node.start_byte + 2 : node.end_byte - 2]
        if b"{{" not in inner:
            return
        depth = 1
        index = 0
        while index < len(inner) - 1:
            pair = inner[index : index + 2]
            if pair in (b"{{", b"}}"):
                depth += 1 if pair == b"{{" else -1
                index += 2
            else:
                index += 1
        if depth == 1:
            self.mark(7, "a {{ }} string nested in another", node)
        else:
            self.mark(6, "'{{' inside a {{ }} string (Csound 7 nests them: this one never closes)", node)

    def on_ternary_expression(self, node: Node, scope: Scope) -> None:
        colon = next((c for c in node.children if c.type == ":"), None)
        if colon is not None and _glued_names(self.source, colon.start_byte):
            self.mark(6, "'?:' with no space around ':' (Csound 7 reads 'name:name' as a typed name)", node)
        self.visit_children(node, scope)


def _glued_names(source: bytes, colon: int) -> bool:
    """Whether a name ends right before the colon and another starts right after it."""
    after = source[colon + 1 : colon + 2]
    if not (after.isalpha() or after == b"_"):
        return False
    start = colon
    while start > 0 and (source[start - 1 : start].isalnum() or source[start - 1 : start] == b"_"):
        start -= 1
    first = source[start : start + 1]
    return start < colon and (first.isalpha() or first == b"_")
