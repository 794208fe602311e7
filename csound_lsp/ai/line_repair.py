"""Holding a model's rest-of-line to the opcode's argument count, from the catalog (Csound's own table).

Small models get the shape of a call wrong more often than its content: `vco2 1` (one argument of the
two it needs), `oscili ka1, ifreq1, 1, 0, 1, 0, 1, ...` (a list that never ends). Such a line adds an
error and is not shown, and the user gets nothing. Counting the arguments against the signatures that
fit the outputs says which way it is wrong: too many are cut to the most the opcode takes; too few ask
the model to go on after a comma (a short continuation of the same prompt: the server has it cached).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from csound_lsp.catalog import Catalog, default_catalog

from .line_evidence import LineHead


def split_arguments(text: str) -> list[str]:
    """Top-level comma-separated pieces of `text` (commas inside brackets or strings do not split)."""
    pieces: list[str] = []
    depth = 0
    quoted = False
    current: list[str] = []
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "([{":
            depth += 1
        elif not quoted and char in ")]}":
            depth = max(0, depth - 1)
        elif not quoted and depth == 0 and char == ",":
            pieces.append("".join(current))
            current = []
            continue
        current.append(char)
    pieces.append("".join(current))
    return pieces


@dataclass(frozen=True)
class Arity:
    fewest: int
    most: int | None


def arity_for(head: LineHead, catalog: Catalog | None = None) -> Arity | None:
    """The argument counts the opcode takes with this many outputs, over every overload that fits."""
    catalog = catalog or default_catalog()
    opcode = catalog.get(head.opcode.split(":", 1)[0])
    if opcode is None:
        return None
    outputs = len(head.outputs)
    counts = []
    for overload in opcode.overloads:
        if overload.deprecated:
            continue
        low, high = overload.output_arity
        if low <= outputs and (high is None or outputs <= high):
            counts.append(overload.input_arity)
    if not counts:
        return None
    fewest = min(low for low, _ in counts)
    most = None if any(high is None for _, high in counts) else max(high for _, high in counts if high)
    return Arity(fewest, most)


def _code_part(text: str) -> tuple[str, str]:
    """`text` split before its comment (strings respected)."""
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            return text[:index], text[index:]
    return text, ""


def argument_count(head: LineHead, rest: str) -> int:
    """Arguments on the whole line once `rest` follows what was typed."""
    code, _ = _code_part(head.typed + rest)
    if not code.strip():
        return 0
    return len([piece for piece in split_arguments(code) if piece.strip()])


def cut_to_most(head: LineHead, rest: str, arity: Arity) -> str | None:
    """`rest` without the arguments beyond the most the opcode takes; None when it has no more."""
    if arity.most is None:
        return None
    code, _ = _code_part(rest)
    typed = [piece for piece in split_arguments(_code_part(head.typed)[0]) if piece.strip()]
    keep = arity.most - len(typed)
    pieces = split_arguments(code)
    if keep <= 0 or len([p for p in pieces if p.strip()]) <= keep:
        return None
    return ",".join(pieces[:keep]).rstrip()


def needs_more(head: LineHead, rest: str, arity: Arity) -> bool:
    """The line would have fewer arguments than the opcode needs (and the rest is not a comment)."""
    code, comment = _code_part(rest)
    return bool(code.strip()) and not comment and argument_count(head, rest) < arity.fewest


#: Continuations asked for at most when a line has too few arguments.
MORE_ROUNDS = 2


async def shaped(head: LineHead, rest: str, arity: Arity, go_on: Callable[[str], Awaitable[str]]) -> str:
    """`rest` held to the opcode's argument count: cut when it runs on; when it stops short, the
    model goes on after `rest, ` (`go_on(text)` continues the same prompt followed by `text`)."""
    cut = cut_to_most(head, rest, arity)
    rest = cut if cut is not None else rest
    for _ in range(MORE_ROUNDS):
        if not needs_more(head, rest, arity):
            break
        joined = rest.rstrip() + ", "
        more = (await go_on(joined)).strip()
        if not more:
            break
        rest = joined + more
        cut = cut_to_most(head, rest, arity)
        rest = cut if cut is not None else rest
    return rest
