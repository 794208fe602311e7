"""Overload choice and parameter naming shared by hover, signature help and completion.

The catalog's `Opcode.choose` needs every type known. While typing, or with a macro in an argument,
some are not (`?`), and the argument list may be unfinished; `rank` then keeps every overload the
known part fits, best first. Parameter names come from our cheat sheet where it has them, else from
the type letter (`kval`, `ifn`...), so every opcode gets readable signatures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from csound_lsp.analysis.expressions import UNKNOWN, TypeContext, highest_rate, variable_type_of
from csound_lsp.catalog import Catalog, Opcode, Overload
from csound_lsp.catalog.cheatsheet import CheatEntry, cheat_entry
from csound_lsp.catalog.types import Direction, Param, TypeStringError, compact, exactness, fits, parse_types
from csound_lsp.syntax.model import DocumentModel, Udo

_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_WORD = re.compile(r"(?<![\w$])([A-Za-z_]\w*)(\s*(?::\s*\w+\s*)?\()?")
_COMPARE = re.compile(r"==|!=|<=|>=|(?<![<>=!])[<>](?![<>])|&&|\|\|")

#: Readable stand-in names per type letter, for overloads our cheat sheet does not name.
_LETTER_NAMES = {
    "a": "asig", "k": "kval", "i": "ival", "S": "Sstr", "f": "fsig", "w": "wsig", "B": "kcond",
    "b": "icond", "l": "label", "x": "xsig", "T": "Sval", "U": "xval", "K": "kval", ".": "arg",
    "?": "arg", "o": "iopt", "p": "iopt", "q": "iopt", "v": "iopt", "j": "iopt", "h": "iopt",
    "O": "kopt", "J": "kopt", "V": "kopt", "P": "kopt", "m": "ivals", "M": "xvals", "N": "args",
    "n": "ivals", "W": "Sstrs", "y": "asigs", "z": "kvals", "Z": "kavals", "*": "args",
    "s": "xsig", "I": "ivals", "X": "xvals", "F": "fsigs",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class NamedParam:
    """One slot of a displayed signature: its name, its letter and what it means."""

    name: str
    param: Param
    meaning: str = ""

    @property
    def label(self) -> str:
        """`kamp`, `[ifn = -1]` for optional slots, `kvals...` for variadic ones."""
        text = self.name
        if self.param.variadic and not text.endswith("..."):
            text += "..."
        if self.param.optional:
            default = self.param.default
            text = f"[{text} = {default:g}]" if default is not None else f"[{text}]"
        return text


def safe_params(spec: str, direction: Direction) -> tuple[Param, ...]:
    try:
        return compact(parse_types(spec, direction))
    except TypeStringError:
        return ()


def slot_at(params: Sequence[Param], index: int) -> Param | None:
    for position, param in enumerate(params):
        if param.variadic and position <= index:
            return param
        if position == index:
            return param
    return None


def fits_partly(found: Sequence[str], spec: str, direction: Direction, complete: bool) -> bool:
    """Whether the known types in `found` fit `spec`; `?` fits anything.

    `complete` says the list is finished, so every required slot after it must be filled.
    """
    try:
        params = parse_types(spec, direction)
    except TypeStringError:
        return False
    if not params:
        return not found
    for index, arg in enumerate(found):
        slot = slot_at(params, index)
        if slot is None:
            return False
        if arg != UNKNOWN and not fits(arg, slot):
            return False
    if not complete:
        return True
    rest = params[len(found) :]
    if direction == "out":
        return not rest or rest[0].variadic or rest[0].optional
    return all(p.optional or p.variadic for p in rest)


def rank(
    opcode: Opcode, outputs: Sequence[str] | None, inputs: Sequence[str] | None, complete: bool
) -> list[Overload]:
    """Overloads the known types fit, best first: live, exact letters, fewest slots left to fill."""
    found: list[tuple[tuple[int, int, int, int, int, str], Overload]] = []
    for overload in opcode.overloads:
        if not _parses(overload):
            continue  # a UDO declared with a type letter Csound does not have: nothing fits it
        if outputs is not None and outputs and not fits_partly(outputs, overload.outputs, "out", True):
            continue
        if inputs is not None and not fits_partly(inputs, overload.inputs, "in", complete):
            continue
        known_in = [t for t in inputs or () if t != UNKNOWN]
        known_out = [t for t in outputs or () if t != UNKNOWN]
        exact = exactness(known_in, overload.inputs, "in") + exactness(known_out, overload.outputs, "out")
        params = safe_params(overload.inputs, "in")
        given = len(inputs or ())
        rest = params[given:]
        required_left = sum(1 for p in rest if not (p.optional or p.variadic))
        arrays = sum(1 for p in params if p.is_array)
        # Among equals, the form whose next slots take the most kinds of value (k over a) is the usual one.
        general = sum(len(p.info.accepts) for p in rest if not p.optional)
        key = (int(overload.deprecated), -exact, required_left, arrays, -general, overload.inputs)
        found.append((key, overload))
    found.sort(key=lambda pair: pair[0])
    return [overload for _, overload in found]


def _parses(overload: Overload) -> bool:
    try:
        parse_types(overload.inputs, "in")
        parse_types(overload.outputs, "out")
    except TypeStringError:
        return False
    return True


def choose(
    opcode: Opcode, outputs: Sequence[str] | None, inputs: Sequence[str] | None, complete: bool
) -> Overload | None:
    ranked = rank(opcode, outputs, inputs, complete)
    return ranked[0] if ranked else None


def text_type(text: str, ctx: TypeContext) -> str:
    """The type of an argument from its text alone (for half-typed statements the tree cannot read)."""
    text = text.strip()
    if not text:
        return UNKNOWN
    if _NUMBER.match(text):
        return "c"
    if text.startswith('"') or text.startswith("{{"):
        return "S"
    if "$" in text:
        return UNKNOWN
    annotated = re.match(r"^[A-Za-z_]\w*\s*:\s*([akiSfw])\s*\(", text)
    if annotated:
        return annotated.group(1)
    if re.match(r"^[A-Za-z_]\w*$", text):
        return variable_type_of(text, ctx)
    types: list[str] = []
    for match in _WORD.finditer(text):
        if match.group(2):  # a function call
            return UNKNOWN
        types.append(variable_type_of(match.group(1), ctx))
    rate = highest_rate(types) if types else "i"
    if rate != UNKNOWN and _COMPARE.search(text):
        return "B" if rate in ("k", "a") else "b"
    return rate


def _letter_name(param: Param, taken: dict[str, int]) -> str:
    base = _LETTER_NAMES.get(param.letter, "arg")
    if param.is_array:
        base = (param.letter if param.letter in "akiSf" else "x") + "Arr"
    count = taken.get(base, 0) + 1
    taken[base] = count
    return base if count == 1 else f"{base}{count}"


def named_inputs(spec: str, entry: CheatEntry | None, udo: Udo | None = None) -> list[NamedParam]:
    """Input slots with names: cheat-sheet names by position, a typed UDO's own names, else letters."""
    params = safe_params(spec, "in")
    taken: dict[str, int] = {}
    named: list[NamedParam] = []
    for index, param in enumerate(params):
        meaning = ""
        if entry is not None and index < len(entry.args):
            name = entry.args[index].name
            meaning = entry.args[index].meaning
        elif udo is not None and index < len(udo.parameters) and udo.parameters[index][0]:
            name = udo.parameters[index][0]
        else:
            name = _letter_name(param, taken)
        named.append(NamedParam(name, param, meaning))
    return named


def named_outputs(spec: str, entry: CheatEntry | None) -> list[NamedParam]:
    params = safe_params(spec, "out")
    taken: dict[str, int] = {}
    named: list[NamedParam] = []
    for index, param in enumerate(params):
        if entry is not None and index < len(entry.outputs):
            named.append(NamedParam(entry.outputs[index].name, param, entry.outputs[index].meaning))
        else:
            named.append(NamedParam(_letter_name(param, taken), param))
    return named


def signature_label(
    name: str, overload: Overload, entry: CheatEntry | None, udo: Udo | None = None
) -> tuple[str, list[NamedParam], list[tuple[int, int]]]:
    """`xSig oscili xamp:k, xcps:k, [ifn = -1]`, its input slots and each one's [start, end) in it."""
    outs = named_outputs(overload.outputs, entry)
    head = ", ".join(o.name + ("..." if o.param.variadic else "") for o in outs)
    label = f"{head} {name}" if head else name
    spans: list[tuple[int, int]] = []
    inputs = named_inputs(overload.inputs, entry, udo)
    for index, named in enumerate(inputs):
        label += " " if index == 0 else ", "
        text = f"{named.label}:{named.param.spelled}" if not named.param.optional else named.label
        spans.append((len(label), len(label) + len(text)))
        label += text
    return label, inputs, spans


def entry_for(name: str) -> CheatEntry | None:
    return cheat_entry(name)


def udo_opcode(udo: Udo) -> Opcode:
    """A UDO as a one-overload opcode, so overload choice and signatures treat both alike."""
    outputs = "" if udo.output_types in ("0", "") else udo.output_types
    inputs = "" if udo.input_types in ("0", "") else udo.input_types
    return Opcode(udo.name, (Overload(outputs, inputs),))


def find_opcode(name: str, model: DocumentModel, catalog: Catalog) -> tuple[Opcode, Udo | None] | None:
    """A UDO of this file (it shadows a built-in of the same name) or a catalog opcode."""
    udo = model.udos.get(name)
    if udo is not None:
        return udo_opcode(udo), udo
    opcode = catalog.get(name)
    return (opcode, None) if opcode is not None else None


class KnownOpcodes:
    """Names that may open a statement with no outputs (`out aSig`): catalog opcodes and UDOs."""

    def __init__(self, catalog: Catalog, model: DocumentModel) -> None:
        self.catalog = catalog
        self.model = model

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (name in self.catalog or name in self.model.udos)
