"""Rules Csound 6.18 enforces when it compiles, found on public Csound it rejects.

* A classic UDO that declares inputs must read them with `xin`, and one that declares results must
  give them with `xout` ("invalid xin statement for UDO: defined 'i', found '(null)'"); `xin`
  receives exactly as many variables as inputs are declared ("defined 'i', found 'ii'", Csound 6 and 7).
* `i()` takes a variable, never an expression ("Use of i() with expression not permitted").
* `iw = kz`: there is no `=` from a k- or a-rate value into an i-rate variable ("Found: i = k").

All three look only inside instrument and UDO bodies the model has analysed, so the whole-document
check and the incremental one (item by item, over a skeleton without bodies) find the same.
"""

from __future__ import annotations

from tree_sitter import Node, QueryCursor

from csound_lsp.analysis.expressions import TypeContext, argument_nodes, expression_type, variable_type_of
from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.analysis.udo_overloads import classic_types
from csound_lsp.catalog import Catalog
from csound_lsp.catalog._data import DATA_DIR, Lazy, read_json
from csound_lsp.catalog.types import TypeStringError, parse_types
from csound_lsp.syntax.languages import query_for
from csound_lsp.syntax.model import HEADER_NAMES, DocumentModel, Scope, ScopeKind

#: Argument forms `i()` accepts: a plain variable (an array element is a different message).
_I_ACCEPTS = frozenset({"identifier", "array_access", "subscript_expression", "macro_use"})


def compile_rule_findings(model: DocumentModel, catalog: Catalog) -> list[Finding]:
    findings: list[Finding] = []
    for scope in model.scopes:
        if scope.node is None or not _analysed(scope) or b"$" in (scope.node.text or b""):
            continue  # a macro may expand to anything: nothing certain before expansion
        if scope.kind is ScopeKind.UDO:
            findings += _udo_io(scope)
        findings += _i_of_expressions(scope)
        findings += _assignments(model, scope, catalog)
    return findings


def _analysed(scope: Scope) -> bool:
    """A body the model walked (a skeleton records names and signatures only)."""
    return bool(scope.calls) or any(v.uses for v in scope.variables.values())


def _udo_io(scope: Scope) -> list[Finding]:
    """Declared inputs without `xin`, declared results without `xout`."""
    assert scope.node is not None
    found = classic_types(scope.node)
    if found is None:
        return []
    name_node, outputs, inputs = found
    name = (name_node.text or b"").decode("utf-8", "replace")
    called = {call.name for call in scope.calls}
    findings: list[Finding] = []
    findings += _xin_count(scope, name, inputs)
    for declared, opcode, what in ((inputs, "xin", "inputs"), (outputs, "xout", "results")):
        if declared in ("", "0") or opcode in called:
            continue
        message = f"UDO '{name}' declares {what} ({declared}) but has no {opcode} statement"
        findings.append(
            Finding(name_node.start_byte, name_node.end_byte, Severity.ERROR, "udo-signature", message)
        )
    return findings


def _xin_count(scope: Scope, name: str, inputs: str) -> list[Finding]:
    """`ival, ival2 xin` in a UDO declaring one input."""
    try:
        declared = len(parse_types("" if inputs == "0" else inputs, "in"))
    except TypeStringError:
        return []
    findings: list[Finding] = []
    for call in scope.calls:
        if call.name != "xin" or call.is_function or len(call.outputs) == declared:
            continue
        start, end = call.outputs[0].start_byte if call.outputs else call.ref.start_byte, call.ref.end_byte
        findings.append(
            Finding(
                start,
                end,
                Severity.ERROR,
                "udo-signature",
                f"UDO '{name}' declares {declared} input(s) ({inputs or 'none'}) but xin receives "
                f"{len(call.outputs)}",
            )
        )
    return findings


def _i_of_expressions(scope: Scope) -> list[Finding]:
    """`i(gk1*100)`, `i(5)`, `i((gk1))`: Csound takes only a variable inside `i()`."""
    findings: list[Finding] = []
    for call in scope.calls:
        if call.name != "i" or not call.is_function or len(call.arguments) != 1:
            continue
        argument = call.arguments[0]
        if argument.type in _I_ACCEPTS:
            continue
        findings.append(
            Finding(
                argument.start_byte,
                argument.end_byte,
                Severity.ERROR,
                "i-expression",
                "i() takes a variable, not an expression: assign the expression to a k-variable first",
            )
        )
    return findings


_BODY_QUERY = "(assignment) @set (instrument_definition) @item (udo_definition) @item"


def _body_assignments(model: DocumentModel, body: Node) -> list[Node]:
    """The assignments in an instrument's or UDO's body, outermost only, in document order, without
    those of an item nested in it (broken code: an `instr` before the `endin`). Found by a query,
    in C: a Python walk over every node of a 20,000-line instrument took a tenth of its analysis.
    A capture list is not in document order (it varied from run to run on a body with an error), so
    it is sorted, outer before inner, before the outermost are kept."""
    captured = QueryCursor(query_for(model.root, _BODY_QUERY)).captures(body)
    nested = [(n.start_byte, n.end_byte) for n in captured.get("item", []) if n != body]
    found: list[Node] = []
    end = -1
    for node in sorted(captured.get("set", []), key=lambda n: (n.start_byte, -n.end_byte)):
        start = node.start_byte
        if start < end or any(s <= start < e for s, e in nested):
            continue
        found.append(node)
        end = node.end_byte
    return found


def _assignments(model: DocumentModel, scope: Scope, catalog: Catalog) -> list[Finding]:
    """`iw = kz`: Csound 6.18 has no `=` from a k- or a-rate value into an i-rate variable; and a
    header setting (`sr = 44100`) inside a body is a syntax error to Csound."""
    assert scope.node is not None
    findings: list[Finding] = []
    ctx = TypeContext(model, scope, catalog)
    for node in _body_assignments(model, scope.node):
        lefts = node.children_by_field_name("left")
        rights = node.children_by_field_name("right")
        operator = node.child_by_field_name("operator")
        if len(lefts) == 1 and lefts[0].type == "identifier" and model.text(lefts[0]) in HEADER_NAMES:
            # Csound's lexer makes these header tokens, which its grammar takes at the top only
            name = model.text(lefts[0])
            findings.append(
                Finding(
                    lefts[0].start_byte,
                    lefts[0].end_byte,
                    Severity.ERROR,
                    "header-in-body",
                    f"'{name}' is set in the orchestra header, outside every instrument and UDO: "
                    f"Csound refuses it here (a syntax error); move it above the first instrument",
                )
            )
            continue
        if len(lefts) != 1 or len(rights) != 1 or operator is None or model.text(operator) != "=":
            continue
        left, right = lefts[0], rights[0]
        if left.type != "identifier" or variable_type_of(model.text(left), ctx) != "i":
            continue
        rate = _definite_rate(right, ctx)
        if rate in ("k", "a"):
            findings.append(
                Finding(
                    right.start_byte,
                    right.end_byte,
                    Severity.ERROR,
                    "rate-mismatch",
                    f"'{model.text(left)}' is i-rate and cannot take a {rate}-rate value "
                    f"(Csound has no i = {rate}); use a {rate}-variable or i()",
                    # a variable can be converted with i(); i() of an expression is an error itself
                    data={"found": rate, "accepts": ["i"]} if right.type == "identifier" else {},
                )
            )
    return findings


def _definite_rate(node: Node, ctx: TypeContext) -> str | None:
    """The rate of a value where Csound's choice is certain: a variable, a call with a rate
    (`oscili:k(...)`), a call whose rate Csound itself gave for arguments of these kinds
    (`function_rates.json`: `mtof(iv)` is k-rate, `exprand(kv)` i-rate, `times()` k-rate),
    arithmetic on those. Other calls are left out."""
    kind = node.type
    if kind == "identifier":
        found = variable_type_of(ctx.model.text(node), ctx)
        return found if found in ("i", "k", "a") else None
    if kind == "parenthesized_expression" and node.named_child_count == 1:
        return _definite_rate(node.named_children[0], ctx)
    if kind == "call_expression":
        if node.child_by_field_name("rate") is None:
            return _csound_call_rate(node, ctx)
        found = expression_type(node, ctx)
        return found if found in ("i", "k", "a") else None
    if kind == "binary_expression":
        rates = [
            _definite_rate(n, ctx) if n is not None else None
            for n in (node.child_by_field_name("left"), node.child_by_field_name("right"))
        ]
        if "k" in rates or "a" in rates:
            return "a" if "a" in rates else "k"
    return None


#: Argument types by the kind Csound's rate table is keyed on (init-time, control, string).
_ARGUMENT_KINDS = {"c": "i", "i": "i", "p": "i", "r": "i", "k": "k", "S": "S"}


def _csound_call_rate(node: Node, ctx: TypeContext) -> str | None:
    """The rate Csound 6.18 gives `f(args)` (generated from Csound, `scripts/gen_function_rates.py`),
    where every argument is init-time, control-rate or a string and Csound was asked about those."""
    function = node.child_by_field_name("function")
    if function is None:
        return None
    name = ctx.model.text(function)
    if name in ctx.model.udos:
        return None  # a UDO of this name is one more overload Csound may pick
    kinds = [_ARGUMENT_KINDS.get(expression_type(a, ctx)) for a in argument_nodes(node)]
    if None in kinds:
        return None
    found = _FUNCTION_RATES.get().get(f"{name}({','.join(k for k in kinds if k)})")
    return found if found in ("i", "k", "a") else None


def _load_function_rates() -> dict[str, str]:
    rates = read_json(DATA_DIR / "function_rates.json")["rates"]
    return {str(key): str(value) for key, value in rates.items()}


_FUNCTION_RATES: Lazy[dict[str, str]] = Lazy(_load_function_rates)
