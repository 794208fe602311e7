"""How loud a piece means its signals to be: the amplitudes it hands to sound generators.

Without `0dbfs`, full scale is 32768, and older pieces write `oscil 20000, 440`. Setting `0dbfs = 1` on such a
piece would clip everything, so a fix that sets 0dbfs must know which scale the piece is written for. The
evidence is what can be read without running anything: numbers given as a generator's amplitude, the score
values of a p-field given there (directly or through a variable set from it), and `ampdb(N)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from csound_lsp.catalog.cheatsheet import cheat_entry
from csound_lsp.syntax.model import DocumentModel, OpcodeCall, Scope

#: First-argument names that mean "the output's amplitude" in our cheat sheet.
_AMPLITUDE_ARGUMENTS = frozenset({"xamp", "kamp", "iamp", "amp"})
#: Their first argument is an amplitude, but of a modulator or a conversion, not of the sound.
_NOT_THE_SOUND = frozenset({"lfo", "randh", "randi", "dbamp", "ampmidi"})
_PFIELD = re.compile(r"^p(\d+)$")
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_AMPDB = re.compile(r"^ampdb\s*\(\s*([-+]?(?:\d+\.?\d*|\.\d+))\s*\)$")


@dataclass(frozen=True)
class AmplitudeScale:
    """The largest amplitude found, and how many places gave evidence (0: the piece does not say)."""

    largest: float
    evidence: int

    @property
    def sixteen_bit(self) -> bool:
        """Written for full scale 32768 (amplitudes in the hundreds or thousands)."""
        return self.evidence > 0 and self.largest > 1.5

    @property
    def normalised(self) -> bool:
        """Written for 0dbfs = 1."""
        return self.evidence > 0 and self.largest <= 1.5


def _is_generator(name: str) -> bool:
    if name in _NOT_THE_SOUND:
        return False
    entry = cheat_entry(name)
    return entry is not None and bool(entry.args) and entry.args[0].name.lower() in _AMPLITUDE_ARGUMENTS


def amplitude_scale(model: DocumentModel) -> AmplitudeScale:
    values: list[float] = []
    for scope in [model.global_scope, *model.scopes]:
        for call in scope.calls:
            if call.arguments and _is_generator(call.name):
                values.extend(_values_of(model, scope, call.arguments[0], call))
    return AmplitudeScale(max((abs(v) for v in values), default=0.0), len(values))


def _values_of(
    model: DocumentModel, scope: Scope, node: Node, call: OpcodeCall, depth: int = 0
) -> list[float]:
    text = model.text(node).strip()
    number = _number(text)
    if number is not None:
        return [number]
    ampdb = _AMPDB.match(text)
    if ampdb:
        return [10 ** (float(ampdb.group(1)) / 20)]
    pfield = _PFIELD.match(text)
    if pfield:
        return _score_values(model, int(pfield.group(1)))
    if depth > 0 or not text.isidentifier():
        return []
    variable = model.lookup_variable(text, scope)
    if variable is None:
        return []
    found: list[float] = []
    for definition in variable.definitions:
        right = _assigned_from(model, definition.start_byte)
        if right is not None:
            found.extend(_values_of(model, scope, right, call, depth + 1))
    return found


def _assigned_from(model: DocumentModel, offset: int) -> Node | None:
    """The value of `name = value` or `name init value` whose target starts at `offset`."""
    node: Node | None = model.root.descendant_for_byte_range(offset, offset)
    while node is not None and node.type not in ("assignment", "opcode_statement"):
        node = node.parent
    if node is None:
        return None
    if node.type == "assignment":
        operator = node.child_by_field_name("operator")
        if operator is None or model.text(operator) != "=":
            return None
        return node.child_by_field_name("right")
    opcode = node.child_by_field_name("opcode")
    argument_list = node.child_by_field_name("arguments")
    arguments = [c for c in argument_list.named_children if c.type != "comment"] if argument_list else []
    if opcode is not None and model.text(opcode) == "init" and len(arguments) == 1:
        return arguments[0]
    return None


def _score_values(model: DocumentModel, pfield: int) -> list[float]:
    values: list[float] = []
    for statement in model.score:
        if statement.letter != "i" or len(statement.fields) < pfield:
            continue
        number = _number(model.text(statement.fields[pfield - 1]).strip())
        if number is not None:
            values.append(number)
    return values


def _number(text: str) -> float | None:
    if not _NUMBER.match(text):
        return None
    try:
        return float(text)
    except ValueError:
        return None
