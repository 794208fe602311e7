"""UDO overloading: several `opcode Name` definitions with different type signatures.

Csound 6 keeps every definition of a name whose types differ (`opcode Foo, a, k` and `opcode Foo, k, k`)
and picks one per call from the types of its arguments and results; the document model keeps only
the first definition, so the others are read back from the UDO scopes here.
"""

from __future__ import annotations

from collections.abc import Sequence

from tree_sitter import Node

from csound_lsp.analysis.expressions import UNKNOWN, input_udo_types, output_udo_types
from csound_lsp.catalog.types import TypeStringError, inputs_fit, outputs_fit
from csound_lsp.syntax.model import DocumentModel, Ref, Udo


def udo_definitions(model: DocumentModel, name: str) -> list[Udo]:
    """Every classic definition of the UDO `name`, in source order (the model's first one first).

    The others are read from the tree beside the first (UDOs stand at the top level), so an item
    model of the incremental check, which holds one body, sees the same overloads as the whole one.
    """
    first = model.udos.get(name)
    if first is None:
        return []
    found = [first]
    container = first.node.parent
    if container is None or first.syntax != "classic":
        return found
    for node in container.named_children:
        if node.type != "udo_definition" or node == first.node:
            continue
        types = classic_types(node)
        if types is None or (types[0].text or b"").decode("utf-8", "replace") != name:
            continue
        name_node, outputs, inputs = types
        ref = Ref(name, name_node.start_byte, name_node.end_byte)
        found.append(Udo(name, ref, outputs, inputs, node, model.scope_at(node.start_byte), "classic"))
    return found


def classic_types(node: Node) -> tuple[Node, str, str] | None:
    """Name node, output and input type letters of a classic `opcode Name, outs, ins` definition."""
    name_node = node.child_by_field_name("name")
    if name_node is None or node.child_by_field_name("parameters") is not None:
        return None  # Csound 7's typed form
    if node.child_by_field_name("return_types") is not None:
        return None
    outputs = node.child_by_field_name("output_types")
    inputs = node.child_by_field_name("input_types")

    def letters(part: Node | None) -> str:
        return (part.text or b"").decode("utf-8", "replace").strip() if part is not None else ""

    return name_node, letters(outputs), letters(inputs)


def _fits(udo: Udo, outs: Sequence[str] | None, ins: Sequence[str]) -> tuple[bool, bool]:
    try:
        ins_ok = UNKNOWN in ins or inputs_fit(ins, input_udo_types(udo))
        outs_ok = outs is None or UNKNOWN in outs or outputs_fit(outs, output_udo_types(udo))
    except TypeStringError:
        return False, False
    return ins_ok, outs_ok


def choose_udo(definitions: Sequence[Udo], outs: Sequence[str] | None, ins: Sequence[str]) -> Udo:
    """The definition Csound would call: arguments and results fit, else arguments, else the first."""
    scored = [(_fits(udo, outs, ins), udo) for udo in definitions]
    for (ins_ok, outs_ok), udo in scored:
        if ins_ok and outs_ok:
            return udo
    for (ins_ok, _), udo in scored:
        if ins_ok:
            return udo
    return definitions[0]
