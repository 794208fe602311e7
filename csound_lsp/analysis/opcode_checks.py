"""Checks of every opcode use against the catalog: unknown names, argument counts, types and rates.

Csound reports the first of these per compile and only with a line; we report each one on the
argument that is wrong, with the overload we compared against, so a quick fix can convert it.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import itertools
from collections.abc import Callable, Iterator

from tree_sitter import Node

from csound_lsp.analysis.expressions import (
    UNKNOWN,
    TypeContext,
    argument_nodes,
    expression_type,
    input_udo_types,
    output_udo_types,
)
from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.analysis.udo_overloads import choose_udo, udo_definitions
from csound_lsp.analysis.udo_rules import compile_rule_findings
from csound_lsp.catalog import Catalog, Opcode, Overload
from csound_lsp.catalog.types import (
    TypeStringError,
    describe_letter,
    inputs_fit,
    mismatches,
    outputs_fit,
    parse_types,
)
from csound_lsp.syntax.model import DocumentModel, OpcodeCall
from csound_lsp.syntax.model_csound7 import LETTER_TYPES

#: Words that look like opcodes in the tree but are handled by the grammar or are never checked.
_NOT_CHECKED = frozenset({"xin", "xout"})

_RATE_WORDS = {
    "a": "a-rate",
    "k": "k-rate",
    "i": "i-rate",
    "c": "constant",
    "p": "p-field (i-rate)",
    "r": "i-rate",
    "S": "string",
    "f": "f-signal",
    "w": "w-signal",
    "b": "i-time condition",
    "B": "k-rate condition",
}


def rate_words(found: str) -> str:
    base = found.rstrip("[]")
    dims = (len(found) - len(base)) // 2
    words = _RATE_WORDS.get(base, found)
    return words + (" array" if dims == 1 else f" {dims}-D array" if dims > 1 else "")


def opcode_findings(model: DocumentModel, catalog: Catalog, *, includes_unresolved: bool) -> list[Finding]:
    findings: list[Finding] = []
    known_names: tuple[str, ...] | None = None
    for call in model.calls():
        if call.name in _NOT_CHECKED or _udo_read_as_result(call, model):
            continue
        udo = model.udos.get(call.name)
        opcode = catalog.get(call.name)
        ctx = TypeContext(model, call.scope, catalog)
        if udo is not None:
            definitions = udo_definitions(model, call.name)
            overloads = [u for u in definitions if _valid_udo_types(u.output_types, u.input_types)]
            if overloads:
                if len(overloads) > 1:  # Csound picks the definition by the call's types
                    udo = choose_udo(overloads, output_types(call, ctx), argument_types(call, ctx))
                findings.extend(_check_udo_call(call, output_udo_types(udo), input_udo_types(udo), ctx))
            continue
        if opcode is None:
            if b"$" in (call.node.text or b""):
                continue  # a macro may expand to the opcode: nothing can be said before expansion
            if includes_unresolved:
                # An include may define it: the document check `unknown-opcodes-with-includes`
                # decides, with what the included files define (`include_checks`).
                continue
            if known_names is None:
                known_names = (*catalog.names(), *sorted(model.udos))
            findings.append(_unknown(call, known_names, includes_unresolved))
            continue
        if opcode.deprecated:
            findings.append(
                Finding(
                    call.ref.start_byte,
                    call.ref.end_byte,
                    Severity.HINT,
                    "deprecated-opcode",
                    f"'{call.name}' is deprecated in Csound",
                    deprecated=True,
                )
            )
        checked = _check_call(call, opcode, ctx)
        if includes_unresolved:
            # An included file may define a UDO of this name: Csound adds it as one more overload
            # of the built-in (`#include "exprand.udo"`), so a call that fits no built-in form only warns.
            checked = (_as_warning(f) for f in checked)
        findings.extend(checked)
    return findings + compile_rule_findings(model, catalog)


def _udo_read_as_result(call: OpcodeCall, model: DocumentModel) -> bool:
    """`MyUdo i (kx), 1`: a UDO called with a converted first argument after a space reads, to our
    grammar, as a result `MyUdo` of the opcode `i` (without the space, `i(kx)` is a call); Csound
    knows the UDO's name and calls it. Nothing is said."""
    if call.is_function or len(call.outputs) != 1:
        return False
    return (call.outputs[0].text or b"").decode("utf-8", "replace") in model.udos


def _as_warning(finding: Finding) -> Finding:
    if finding.severity != Severity.ERROR:
        return finding
    return dataclasses.replace(finding, severity=Severity.WARNING)


@functools.lru_cache(maxsize=4096)
def suggestions_for(name: str, known_names: tuple[str, ...]) -> list[str]:
    """Did-you-mean candidates; a cheap length and letter filter keeps difflib's work small."""
    lowered = name.lower()
    candidates = [
        known
        for known in known_names
        if abs(len(known) - len(name)) <= 2 and (known[:1].lower() == lowered[:1] or known[-2:] == name[-2:])
    ]
    return difflib.get_close_matches(name, candidates, n=3, cutoff=0.75)


def _valid_udo_types(outputs: str, inputs: str) -> bool:
    """A UDO declared with letters Csound does not know cannot be checked against (Csound says why)."""
    try:
        parse_types("" if outputs in ("0", "") else outputs, "out")
        parse_types("" if inputs in ("0", "") else inputs, "in")
    except TypeStringError:
        return False
    return True


def _unknown(call: OpcodeCall, known_names: tuple[str, ...], includes_unresolved: bool) -> Finding:
    return unknown_opcode(call.name, call.ref.start_byte, call.ref.end_byte, known_names, includes_unresolved)


def unknown_opcode(
    name: str, start: int, end: int, known_names: tuple[str, ...], includes_unresolved: bool
) -> Finding:
    """The unknown-opcode finding: an error, or a warning where an unread include may define it."""
    suggestions = suggestions_for(name, known_names)
    message = f"unknown opcode '{name}'"
    if suggestions:
        message += f"; did you mean '{suggestions[0]}'?"
    severity = Severity.ERROR
    if includes_unresolved:
        severity = Severity.WARNING
        message += " (it may come from an include that could not be read)"
    return Finding(
        start,
        end,
        severity,
        "unknown-opcode",
        message,
        data={"name": name, "suggestions": suggestions},
    )


def output_types(call: OpcodeCall, ctx: TypeContext) -> list[str] | None:
    """Types of a statement's result variables; None for function calls (they have no outputs)."""
    if call.is_function:
        return [call.annotated_rate] if call.annotated_rate else None
    found: list[str] = []
    for output in call.outputs:
        if output.type == "array_declaration":
            name = output.child_by_field_name("name")
            base = expression_type(name, ctx) if name is not None else UNKNOWN
            base = base.rstrip("[]") if base != UNKNOWN else base
            dims = ctx.model.text(output).count("[]")
            found.append(base + "[]" * max(dims, 1) if base != UNKNOWN else UNKNOWN)
        else:
            found.append(expression_type(output, ctx))
    return found


def argument_types(call: OpcodeCall, ctx: TypeContext) -> list[str]:
    return [_argument_type(call, a, ctx) for a in call.arguments]


def _argument_type(call: OpcodeCall, argument: Node, ctx: TypeContext) -> str:
    if argument.type == "identifier":
        label = call.scope.labels.get(ctx.model.text(argument))
        if label is not None and any(u.start_byte == argument.start_byte for u in label.uses):
            return "l"
    return expression_type(argument, ctx)


def _call_outputs(node: Node, ctx: TypeContext) -> list[str]:
    """Every type a nested call could produce: Csound picks the one its context wants."""
    if node.type == "parenthesized_expression" and node.named_child_count == 1:
        inner = node.named_children[0]
        return _call_outputs(inner, ctx) if inner is not None else []
    if node.type != "call_expression" or node.child_by_field_name("rate") is not None:
        return []
    function = node.child_by_field_name("function")
    if function is None:
        return []
    opcode = ctx.catalog.get(ctx.model.text(function))
    if opcode is None:
        return []
    inner_args = [expression_type(a, ctx) for a in argument_nodes(node)]
    if UNKNOWN in inner_args:
        return []
    return sorted({o.out_params[0].spelled for o in opcode.fitting(None, inner_args) if o.out_params})


def _fits_with_nested_calls(
    call: OpcodeCall, opcode: Opcode, outs: list[str] | None, ins: list[str], ctx: TypeContext
) -> bool:
    return _any_nested_reading(call, ins, ctx, lambda types: bool(opcode.fitting(outs, types)))


def _any_nested_reading(
    call: OpcodeCall, ins: list[str], ctx: TypeContext, fits: Callable[[list[str]], bool]
) -> bool:
    """Tries the other result types nested calls could give (at most a few combinations)."""
    options = [_call_outputs(a, ctx) or [t] for a, t in zip(call.arguments, ins, strict=False)]
    combinations = 1
    for choice in options:
        combinations *= len(choice)
    if combinations <= 1 or combinations > 64:
        return False
    return any(fits(list(combo)) for combo in itertools.product(*options))


def chosen_overload(call: OpcodeCall, opcode: Opcode, ctx: TypeContext) -> Overload | None:
    """The overload this call uses, judged by its result variables and the arguments' types."""
    outs = output_types(call, ctx)
    ins = argument_types(call, ctx)
    if outs is not None and UNKNOWN in outs:
        outs = None
    if UNKNOWN in ins:
        return opcode.choose(outs, None) or (opcode.overloads[0] if opcode.overloads else None)
    return opcode.choose(outs, ins) or opcode.choose(outs, None)


def _named_output(call: OpcodeCall, ctx: TypeContext) -> bool:
    """Whether a result variable has a Csound 7 named type (a struct, `Complex`): Csound 7 chooses
    the overload (a struct's `init` takes its members) by a type our catalog cannot spell."""
    for output in call.outputs:
        node = output.child_by_field_name("name") if output.type == "typed_identifier" else output
        if node is None or node.type != "identifier":
            continue
        variable = ctx.model.lookup_variable(ctx.model.text(node), call.scope)
        declared = variable.declared_type if variable is not None else None
        if declared and declared.replace(" ", "").rstrip("[]") not in LETTER_TYPES:
            return True
    return False


def _check_call(call: OpcodeCall, opcode: Opcode, ctx: TypeContext) -> Iterator[Finding]:
    outs = output_types(call, ctx)
    if outs and UNKNOWN in outs and _named_output(call, ctx):
        return
    ins = argument_types(call, ctx)
    if (outs is not None and UNKNOWN in outs) or UNKNOWN in ins:
        outs = None if outs is not None and UNKNOWN in outs else outs
        if UNKNOWN in ins:
            return
    if opcode.fitting(outs, ins) or _fits_with_nested_calls(call, opcode, outs, ins, ctx):
        return
    live = [o for o in opcode.overloads if not o.deprecated] or list(opcode.overloads)
    by_arity = [o for o in live if _arity_fits(len(ins), o)]
    if not by_arity:
        yield _arity_finding(call, live, len(ins))
        return
    if outs is not None and outs:
        by_output = [o for o in by_arity if outputs_fit(outs, o.outputs)]
        if not by_output:
            yield _output_finding(call, opcode, outs)
            return
        by_arity = by_output
    # The overload that goes wrong in the fewest places names the culprits.
    best = min(by_arity, key=lambda o: (len(mismatches(ins, o.inputs)), o.deprecated))
    bad = mismatches(ins, best.inputs)
    params = parse_types(best.inputs, "in")
    for index in bad:
        if index >= len(call.arguments):
            continue
        argument = call.arguments[index]
        yield _argument_finding(call, best, params, index, argument, ins[index], outs)


def _udo_fits_with_nested_calls(call: OpcodeCall, udo_inputs: str, ins: list[str], ctx: TypeContext) -> bool:
    return _any_nested_reading(call, ins, ctx, lambda types: inputs_fit(types, udo_inputs))


def _arity_fits(count: int, overload: Overload) -> bool:
    low, high = overload.input_arity
    return count >= low and (high is None or count <= high)


def _arity_text(live: list[Overload]) -> str:
    lows = [o.input_arity[0] for o in live]
    highs = [o.input_arity[1] for o in live]
    low = min(lows)
    high = None if any(h is None for h in highs) else max(h for h in highs if h is not None)
    if high is None:
        return f"at least {low}"
    if low == high:
        return f"{low}"
    return f"{low} to {high}"


def _arity_finding(call: OpcodeCall, live: list[Overload], count: int) -> Finding:
    expected = _arity_text(live)
    plural = "" if expected == "1" else "s"
    message = f"'{call.name}' takes {expected} argument{plural}, got {count}"
    start, end = _statement_range(call)
    return Finding(start, end, Severity.ERROR, "argument-count", message)


def _output_finding(call: OpcodeCall, opcode: Opcode, outs: list[str]) -> Finding:
    rates = sorted({o.out_params[0].spelled for o in opcode.overloads if o.out_params and not o.deprecated})
    if not rates:
        message = f"'{call.name}' has no outputs, but {len(outs)} variable(s) receive its result"
    else:
        offered = ", ".join(rate_words(r) for r in rates)
        message = f"'{call.name}' cannot produce {rate_words(outs[0])} output (it gives {offered})"
    node = call.outputs[0] if call.outputs else call.node
    return Finding(
        node.start_byte,
        call.outputs[-1].end_byte if call.outputs else node.end_byte,
        Severity.ERROR,
        "output-rate",
        message,
        data={"found": outs[0] if outs else "", "offered": rates},
    )


def _argument_finding(
    call: OpcodeCall,
    overload: Overload,
    params: tuple[object, ...],
    index: int,
    argument: Node,
    found: str,
    outs: list[str] | None,
) -> Finding:
    text = _short(call, argument)
    if index >= len(params) and not (params and getattr(params[-1], "variadic", False)):
        message = f"'{call.name}' does not take argument {index + 1} ('{text}')"
        return Finding(argument.start_byte, argument.end_byte, Severity.ERROR, "argument-count", message)
    slot = parse_types(overload.inputs, "in")
    param = slot[min(index, len(slot) - 1)]
    expected = describe_letter(param.letter, "in") if not param.array_dims else param.words
    context = f" ({rate_words(outs[0])} output)" if outs else ""
    message = (
        f"'{call.name}'{context} expects {expected} for argument {index + 1}, "
        f"got {rate_words(found)} '{text}'"
    )
    return Finding(
        argument.start_byte,
        argument.end_byte,
        Severity.ERROR,
        "rate-mismatch" if found.rstrip("[]") in "akicpr" else "type-mismatch",
        message,
        data={
            "index": index,
            "found": found,
            "accepts": sorted(param.rates) if hasattr(param, "rates") else [],
            "letter": param.letter,
        },
    )


def _check_udo_call(
    call: OpcodeCall, udo_outputs: str, udo_inputs: str, ctx: TypeContext
) -> Iterator[Finding]:
    ins = argument_types(call, ctx)
    outs = output_types(call, ctx)
    if (
        UNKNOWN not in ins
        and not inputs_fit(ins, udo_inputs)
        and not _fits_with_local_ksmps(ins, udo_inputs)
        and not _udo_fits_with_nested_calls(call, udo_inputs, ins, ctx)
    ):
        bad = mismatches(ins, udo_inputs)
        if not bad or len(ins) != len(parse_types(udo_inputs, "in")):
            start, end = _statement_range(call)
            count = len(parse_types(udo_inputs, "in"))
            yield Finding(
                start,
                end,
                Severity.ERROR,
                "argument-count",
                f"UDO '{call.name}' takes {count} argument(s) ({udo_inputs or 'none'}), got {len(ins)}",
            )
        else:
            slots = parse_types(udo_inputs, "in")
            for index in bad:
                if index < len(call.arguments) and slots:
                    argument = call.arguments[index]
                    slot = slots[min(index, len(slots) - 1)]  # by slot: `k[]` is one argument
                    letter = slot.letter
                    wanted = describe_letter(letter, "in") + (" array" if slot.array_dims else "")
                    yield Finding(
                        argument.start_byte,
                        argument.end_byte,
                        Severity.ERROR,
                        "rate-mismatch",
                        f"UDO '{call.name}' expects {wanted} for argument "
                        f"{index + 1}, got {rate_words(ins[index])} '{_short(call, argument)}'",
                        data={"index": index, "found": ins[index], "letter": letter},
                    )
    if outs is not None and UNKNOWN not in outs and not outputs_fit(outs, udo_outputs):
        node = call.outputs[0] if call.outputs else call.node
        yield Finding(
            node.start_byte,
            call.outputs[-1].end_byte if call.outputs else node.end_byte,
            Severity.ERROR,
            "output-rate",
            f"UDO '{call.name}' returns '{udo_outputs or 'nothing'}', "
            f"not {', '.join(rate_words(o) for o in outs)}",
        )


#: Argument types an i-time value has (a number, a p-field, a header constant, an i-variable).
_INIT_TIME = frozenset({"c", "i", "p", "r"})


def _fits_with_local_ksmps(found: list[str], udo_inputs: str) -> bool:
    """Csound 6.18 gives every classic UDO one more, optional, i-time argument after its declared
    ones (the instance's local ksmps): `Foo 1, 2, 16` fits `opcode Foo, a, kk`; a k-rate one does not."""
    slots = parse_types(udo_inputs, "in")
    if len(found) != len(slots) + 1 or any(slot.variadic for slot in slots):
        return False
    return found[-1] in _INIT_TIME and inputs_fit(found[:-1], udo_inputs)


def _statement_range(call: OpcodeCall) -> tuple[int, int]:
    node = call.node
    end = node.end_byte
    text_end = node.text.rstrip() if node.text is not None else b""
    return node.start_byte, min(end, node.start_byte + len(text_end))


def _short(call: OpcodeCall, node: Node) -> str:
    text = (node.text or b"").decode("utf-8", errors="replace")
    return text if len(text) <= 30 else text[:27] + "..."
