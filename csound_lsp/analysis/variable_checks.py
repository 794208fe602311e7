"""Variables and labels: used before assignment, never defined, never used; undefined labels."""

from __future__ import annotations

from tree_sitter import Node

from csound_lsp.analysis import macro_reach
from csound_lsp.analysis.expressions import RESERVED_NAMES
from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.syntax.model import DocumentModel, Ref, Scope, ScopeKind, Variable

#: Names Csound defines for every instrument or UDO without an assignment.
_IMPLICIT = RESERVED_NAMES | {"sr", "kr", "ksmps", "nchnls", "nchnls_i", "0dbfs", "A4", "$"}


def _is_pfield(name: str) -> bool:
    return name.startswith("p") and name[1:].isdigit()


def plain_variable(name: str, rate: str | None, declared_type: str | None) -> bool:
    """Whether the name is an ordinary variable the definition checks apply to."""
    return name not in _IMPLICIT and not _is_pfield(name) and (rate is not None or declared_type is not None)


def _scope_macro_uses(model: DocumentModel, scope: Scope) -> list[Ref]:
    """The macro uses in a scope; the global scope's are those outside every instrument and UDO."""
    if scope.kind is ScopeKind.GLOBAL:
        items = [(s.start_byte, s.end_byte) for s in model.scopes]
        return [r for r in model.macro_uses if not any(a <= r.start_byte <= b for a, b in items)]
    return [ref for ref in model.macro_uses if scope.start_byte <= ref.start_byte <= scope.end_byte]


def variable_findings(
    model: DocumentModel,
    *,
    includes_unresolved: bool,
    report_unused: bool = True,
    check_globals: bool = True,
    also_defined: frozenset[str] = frozenset(),
    outside_macros: macro_reach.Reach | None = None,
) -> list[Finding]:
    """All variable and label findings.

    `check_globals=False` leaves out "global never assigned" (the incremental path checks that
    across the whole document); `also_defined` names global-scope variables defined elsewhere;
    `outside_macros`, for one item's model, the document's macro table (`macro_reach.document_reach`
    of the skeleton; None: the model is the whole document or its skeleton). A macro
    used in a scope silences "never assigned" and "used before assigned" there only for the names it
    could bring in.
    """
    findings: list[Finding] = []
    global_defined = {name for name, v in model.global_scope.variables.items() if v.definitions}
    global_defined |= also_defined
    global_macros = includes_unresolved or macros_may_define(model.source, model.macro_uses)
    reach: macro_reach.Reach = {}
    if model.macro_uses:
        if outside_macros is None:
            reach = macro_reach.document_reach(model)
        else:
            reach = macro_reach.item_reach(model, outside_macros)
    for scope in [model.global_scope, *model.scopes]:
        uses = _scope_macro_uses(model, scope)
        macro_may_touch = macro_reach.toucher(model, uses, reach, (scope.start_byte, scope.end_byte))
        for variable in scope.variables.values():
            if variable.name in _IMPLICIT or _is_pfield(variable.name) or "$" in variable.name:
                continue  # `gkKey$VOICE`: the real name is known only after macro expansion
            if variable.rate is None and variable.declared_type is None:
                if variable.name.startswith("t") or variable.name in model.udos:
                    # `t1 init 10`: Csound 6.18 still takes the old t-variables (k-rate). A UDO's
                    # name read as a result (`MyUdo i (kx), 1`: our grammar cannot know the name)
                    # is a call, not a variable.
                    continue
                # Not a Csound variable name at all (e.g. a misspelt opcode used as a value).
                findings.extend(_not_a_variable(variable))
                continue
            if variable.is_global:
                if check_globals and not variable.definitions and variable.uses and not global_macros:
                    findings.extend(undefined_global(variable.name, variable.uses))
                continue
            if not variable.definitions:
                if variable.name in global_defined or macro_may_touch(variable.name):
                    continue
                findings.extend(_undefined(variable, "variable"))
                continue
            early = [u for u in variable.early_uses if not _self_fed(scope, variable.name, u)]
            if early and scope.kind is not ScopeKind.GLOBAL and not macro_may_touch(variable.name):
                for use in early:
                    findings.append(
                        Finding(
                            use.start_byte,
                            use.end_byte,
                            Severity.ERROR,
                            "used-before-defined",
                            f"'{variable.name}' is used before it is assigned",
                        )
                    )
            if (
                report_unused
                and not variable.uses
                and scope.kind is not ScopeKind.GLOBAL
                and not any(_required_output(scope, ref.start_byte) for ref in variable.definitions)
            ):
                for definition in variable.definitions[:1]:
                    findings.append(
                        Finding(
                            definition.start_byte,
                            definition.end_byte,
                            Severity.HINT,
                            "unused-variable",
                            f"'{variable.name}' is assigned but never used",
                            unnecessary=True,
                            data={"name": variable.name},
                        )
                    )
        findings.extend(_label_findings(scope))
    return findings


def macros_may_define(source: bytes, uses: list[Ref]) -> bool:
    """Whether a macro use could define a variable: one that starts a statement (`$SETUP`,
    `$OUT init 0`). A macro used as a value (`init $LENGTH`) defines nothing."""
    for use in uses:
        line_start = source.rfind(b"\n", 0, use.start_byte) + 1
        if not source[line_start : use.start_byte].strip(b" \t\r,$"):
            return True
    return False


def _self_fed(scope: Scope, name: str, use: Ref) -> bool:
    """`kx rspline 1, 2, kx*0.1, 3`: Csound 6.18 accepts the statement's own result inside an
    expression in a later argument (not a bare `kx`, not in the first argument, not after `=`).
    Nor does it check `ix = (c ? ix+1 : ix)`: the target inside a branch of a conditional value."""
    if _in_own_conditional(scope, name, use):
        return True
    for call in scope.calls:
        if call.is_function or call.name == "=" or not call.outputs or len(call.arguments) < 2:
            continue
        if not any((out.text or b"").decode("utf-8", "replace") == name for out in call.outputs):
            continue
        for argument in call.arguments[1:]:
            if argument.start_byte <= use.start_byte and use.end_byte <= argument.end_byte:
                return argument.type not in ("identifier", "variable") and (
                    argument.end_byte - argument.start_byte > use.end_byte - use.start_byte
                )
    return False


#: Opcodes whose result must be received even when it is not used.
_RESULT_REQUIRED = frozenset({"delayr", "xin"})


def _required_output(scope: Scope, offset: int) -> bool:
    """An output Csound makes you write: one of several results, or of an opcode like delayr."""
    for call in scope.calls:
        if call.outputs and call.outputs[0].start_byte <= offset <= call.outputs[-1].end_byte:
            return len(call.outputs) > 1 or call.name in _RESULT_REQUIRED
    return False


def undefined_global(name: str, uses: list[Ref]) -> list[Finding]:
    if "$" in name:
        return []  # a macro glued to the name: unknown before expansion
    return _never_assigned(name, uses, "global variable")


def _undefined(variable: Variable, what: str) -> list[Finding]:
    return _never_assigned(variable.name, variable.uses, what)


def _never_assigned(name: str, uses: list[Ref], what: str) -> list[Finding]:
    return [
        Finding(
            use.start_byte,
            use.end_byte,
            Severity.ERROR,
            "undefined-variable",
            f"{what} '{name}' is never assigned",
            data={"name": name},
        )
        for use in uses
    ]


def _not_a_variable(variable: Variable) -> list[Finding]:
    refs = variable.refs
    return [
        Finding(
            ref.start_byte,
            ref.end_byte,
            Severity.ERROR,
            "invalid-variable",
            f"'{variable.name}' is not a variable: Csound names start with a rate letter "
            "(a, k, i, S, f, w, optionally after g)",
        )
        for ref in refs
    ]


def _label_findings(scope: Scope) -> list[Finding]:
    findings: list[Finding] = []
    for label in scope.labels.values():
        if label.definition is None:
            for use in label.uses:
                findings.append(
                    Finding(
                        use.start_byte,
                        use.end_byte,
                        Severity.ERROR,
                        "undefined-label",
                        f"label '{label.name}' is not defined in {scope.name}",
                    )
                )
    return findings


def _in_own_conditional(scope: Scope, name: str, use: Ref) -> bool:
    """Whether `use` sits in a branch of the conditional value that `name = ...` assigns to it."""
    if scope.node is None:
        return False
    node = scope.node.descendant_for_byte_range(use.start_byte, use.end_byte)
    branch: Node | None = None
    while node is not None and node.type not in ("assignment", "instrument_definition", "udo_definition"):
        parent = node.parent
        branches = (
            (parent.child_by_field_name("consequence"), parent.child_by_field_name("alternative"))
            if parent is not None and parent.type == "ternary_expression"
            else ()
        )
        if node in branches:
            branch = parent
        node = parent
    if node is None or node.type != "assignment" or branch is None:
        return False
    lefts = node.children_by_field_name("left")
    rights = node.children_by_field_name("right")
    operator = node.child_by_field_name("operator")
    if len(lefts) != 1 or len(rights) != 1 or operator is None or operator.text != b"=":
        return False
    value = rights[0]
    while value.type == "parenthesized_expression" and value.named_child_count == 1:
        value = value.named_children[0]
    return value == branch and lefts[0].text == name.encode()
