"""Types of expressions as Csound sees them, in the catalog's letters.

An argument's type decides which overload of an opcode is used and whether a call is valid at all,
so hover, signature help, completion and diagnostics all ask this module. Letters follow
`csound_lsp.catalog.types`: `a k i S f w B b`, `c` for a literal number, `p` for a p-field, `r`
for a reserved header value, `[]` suffixes for arrays, and `?` where we cannot know (macros, unknown
functions): callers skip their checks for `?`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from csound_lsp.catalog import Catalog, default_catalog
from csound_lsp.catalog.types import split_found, variable_type
from csound_lsp.syntax.model import DocumentModel, Scope, Udo
from csound_lsp.syntax.model_csound7 import CONSTANTS, LETTER_TYPES

UNKNOWN = "?"
RESERVED_NAMES = frozenset({"sr", "kr", "ksmps", "nchnls", "nchnls_i", "0dbfs", "A4"})
_NUMERIC_RANK = {"c": 0, "p": 0, "r": 0, "i": 0, "k": 1, "a": 2}
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">=", "=", "&&", "||"})


@dataclass
class TypeContext:
    """What typing an expression needs: the model, the scope it stands in, and the catalog."""

    model: DocumentModel
    scope: Scope
    catalog: Catalog

    @classmethod
    def at(cls, model: DocumentModel, offset: int, catalog: Catalog | None = None) -> TypeContext:
        return cls(model, model.scope_at(offset), catalog or default_catalog())


def output_udo_types(udo: Udo) -> str:
    return "" if udo.output_types in ("0", "") else udo.output_types


def input_udo_types(udo: Udo) -> str:
    return "" if udo.input_types in ("0", "") else udo.input_types


def variable_type_of(name: str, ctx: TypeContext) -> str:
    """The type of a variable reference, arrays included (from the declaration, not the name)."""
    if name.startswith("p") and name[1:].isdigit():
        return "p"
    if name in RESERVED_NAMES:
        return "r"
    if name in CONSTANTS:
        return UNKNOWN  # Csound 7's true and false
    variable = ctx.model.lookup_variable(name, ctx.scope)
    if variable is not None and variable.declared_type is not None:
        return declared_type(variable.declared_type)
    letter = variable_type(name)
    if letter is None:
        return UNKNOWN
    is_array = variable is not None and (
        variable.is_array or (variable.is_global and name in ctx.model.global_arrays)
    )
    if is_array and not letter.endswith("]"):
        return letter + "[]"
    return letter


def declared_type(text: str) -> str:
    """A Csound 7 declared type (`k`, `i[]`) as an argument type; named types (structs, `Complex`)
    and names typed from an array we could not read are unknown: their checks stand down."""
    base, dims = split_found(text.replace(" ", ""))
    if base not in LETTER_TYPES:
        return UNKNOWN
    return base + "[]" * dims


def highest_rate(types: list[str]) -> str:
    """The result type of arithmetic: the fastest numeric rate wins (a > k > i)."""
    if not types or UNKNOWN in types:
        return UNKNOWN
    bases = [split_found(t) for t in types]
    if any(dims for _, dims in bases):
        # Array arithmetic keeps the array's type.
        arrays = [t for t in types if t.endswith("]")]
        return arrays[0]
    letters = [b for b, _ in bases]
    if all(letter == "S" for letter in letters):
        return "S"
    if any(letter not in _NUMERIC_RANK for letter in letters):
        return UNKNOWN
    best = max(letters, key=lambda letter: _NUMERIC_RANK[letter])
    return "i" if best in ("c", "p", "r") else best


def expression_type(node: Node, ctx: TypeContext) -> str:
    kind = node.type
    if kind == "number":
        return "c"
    if kind in ("string", "multiline_string", "raw_string"):
        return "S"
    if kind == "identifier":
        return variable_type_of(ctx.model.text(node), ctx)
    if kind == "typed_identifier":
        type_node = node.child_by_field_name("type")
        return declared_type(ctx.model.text(type_node)) if type_node is not None else UNKNOWN
    if kind == "parenthesized_expression":
        inner = [c for c in node.named_children if c.type != "comment"]
        return expression_type(inner[0], ctx) if inner else UNKNOWN
    if kind == "unary_expression":
        operand = node.child_by_field_name("operand")
        found = expression_type(operand, ctx) if operand is not None else UNKNOWN
        return "i" if found in ("c", "p", "r") else found
    if kind == "binary_expression":
        return _binary_type(node, ctx)
    if kind == "ternary_expression":
        branches = [node.child_by_field_name(f) for f in ("consequence", "alternative")]
        return highest_rate([expression_type(b, ctx) for b in branches if b is not None])
    if kind == "array_access":
        array = node.child_by_field_name("array")
        if array is None:
            return UNKNOWN
        base, dims = split_found(expression_type(array, ctx))
        if base == UNKNOWN or dims == 0:
            return UNKNOWN
        return base + "[]" * (dims - len(node.children_by_field_name("index")))
    if kind == "array_literal":
        elements = [expression_type(c, ctx) for c in node.named_children if c.type != "comment"]
        element = highest_rate(elements) if elements else UNKNOWN
        return UNKNOWN if element == UNKNOWN else element + "[]"
    if kind == "call_expression":
        return call_type(node, ctx)
    return UNKNOWN


def _binary_type(node: Node, ctx: TypeContext) -> str:
    """Folds a chain of binary operators from its leftmost operand, without recursing down the chain.

    Operators are left-associative, so `1 + 1 + ... + 1` nests to the left one level per term; a
    generated line of thousands of terms must not exhaust Python's recursion.
    """
    steps: list[tuple[str, Node | None]] = []
    current: Node | None = node
    while current is not None and current.type == "binary_expression":
        operator = current.child_by_field_name("operator")
        steps.append(
            (ctx.model.text(operator) if operator is not None else "", current.child_by_field_name("right"))
        )
        current = current.child_by_field_name("left")
    result = expression_type(current, ctx) if current is not None else UNKNOWN
    for op, right in reversed(steps):
        sides = [result] + ([expression_type(right, ctx)] if right is not None else [])
        if op in _COMPARISONS:
            rate = highest_rate(sides)
            result = UNKNOWN if rate == UNKNOWN else ("B" if rate in ("k", "a") else "b")
        else:
            result = highest_rate(sides)
    return result


def argument_nodes(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return []
    return [a for a in arguments.named_children if a.type != "comment"]


def call_type(node: Node, ctx: TypeContext) -> str:
    """The result type of `name(args)` or `name:rate(args)`.

    Csound picks a function's overload from its arguments and the type the context wants; we
    follow the annotation when there is one, else the fastest rate an overload can produce from
    these arguments (an a-rate argument makes an a-rate result, as Csound's own choice does).
    """
    function = node.child_by_field_name("function")
    rate = node.child_by_field_name("rate")
    if function is None:
        return UNKNOWN
    name = ctx.model.text(function)
    wanted = None
    if rate is not None:
        dims = sum(1 for c in node.children if c.type == "[" and c.start_byte > rate.start_byte)
        wanted = ctx.model.text(rate).lstrip(":").strip() + "[]" * dims  # `fillarray:k[](...)`
    args = [expression_type(a, ctx) for a in argument_nodes(node)]
    if UNKNOWN in args:
        return wanted or UNKNOWN
    udo = ctx.model.udos.get(name)
    if udo is not None:
        outputs = output_udo_types(udo)
        first = outputs[:1]
        while outputs.startswith("[]", len(first)):  # `opcode f, i[], i` returns an array
            first = outputs[: len(first) + 2]
        return first
    opcode = ctx.catalog.get(name)
    if opcode is None:
        return wanted or UNKNOWN
    if wanted:
        return wanted
    fitting = opcode.fitting(None, args)
    produced = [o.out_params[0].spelled for o in fitting if o.out_params]
    if not produced:
        return UNKNOWN
    if name in ("i", "k", "a") and name in produced:
        return name  # a rate conversion gives its own rate (Csound 7's `i` has a k-rate form too)
    # Csound 6.18 types a call without arguments (`times()`, `timek()`) at k-rate where it can; an
    # array argument counts by its elements' rate (`lenarray(iArr)` is i-rate).
    argument_rate = highest_rate([split_found(a)[0] for a in args]) if args else "k"
    for preferred in (argument_rate, "k", "i", "a"):
        if preferred in produced:
            return preferred
    return produced[0]
