"""How loud a piece means its signals to be: the amplitudes it hands to sound generators.

Without `0dbfs`, full scale is 32768, and older pieces write `oscil 20000, 440`. Setting `0dbfs = 1` on such a
piece would clip everything, so a fix that sets 0dbfs must know which scale the piece is written for. The
evidence is what can be read without running anything: numbers given as a generator's amplitude, the score
values of a p-field given there (directly or through a variable set from it), and `ampdb(N)`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from tree_sitter import Node

from csound_lsp.catalog.cheatsheet import cheat_entry
from csound_lsp.syntax.model import DocumentModel

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


@dataclass(frozen=True)
class AmplitudeFacts:
    """What one model's generator calls give as amplitude, with what only the whole document settles
    left open: p-fields (the score's values) and global-scope variables (defined anywhere). Free of
    byte offsets, so an instrument's facts stay valid wherever it moves."""

    values: tuple[float, ...] = ()
    pfields: tuple[int, ...] = ()
    #: Global-scope variables given as an amplitude.
    globals_read: tuple[str, ...] = ()
    #: Per global-scope variable defined in this model: what each definition assigns (values, p-fields).
    global_sources: tuple[tuple[str, tuple[float, ...], tuple[int, ...]], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.values or self.pfields or self.globals_read or self.global_sources)


def amplitude_facts(model: DocumentModel) -> AmplitudeFacts:
    """The amplitudes one model gives, as far as it alone can say (one instrument, or a whole piece)."""
    values: list[float] = []
    pfields: list[int] = []
    globals_read: list[str] = []
    for scope in [model.global_scope, *model.scopes]:
        for call in scope.calls:
            if not (call.arguments and _is_generator(call.name)):
                continue
            node = call.arguments[0]
            text = model.text(node).strip()
            if _direct(text, values, pfields) or not text.isidentifier():
                continue
            variable = model.lookup_variable(text, scope)
            if variable is None:
                continue
            if variable is model.global_scope.variables.get(text):
                globals_read.append(text)
                continue
            for definition in variable.definitions:
                _assigned_sources(model, definition.start_byte, values, pfields)
    sources = []
    for name, variable in model.global_scope.variables.items():
        if not variable.definitions:
            continue
        assigned: list[float] = []
        assigned_pfields: list[int] = []
        for definition in variable.definitions:
            _assigned_sources(model, definition.start_byte, assigned, assigned_pfields)
        if assigned or assigned_pfields:
            sources.append((name, tuple(assigned), tuple(assigned_pfields)))
    return AmplitudeFacts(tuple(values), tuple(pfields), tuple(globals_read), tuple(sources))


def combined_scale(model: DocumentModel, facts: list[AmplitudeFacts]) -> AmplitudeScale:
    """The scale of a document from the facts of its parts; `model` holds its score."""
    assigned: dict[str, list[tuple[tuple[float, ...], tuple[int, ...]]]] = {}
    for part in facts:
        for name, values, pfields in part.global_sources:
            assigned.setdefault(name, []).append((values, pfields))
    found: list[float] = []
    wanted: list[int] = []
    for part in facts:
        found += part.values
        wanted += part.pfields
        for name in part.globals_read:
            for values, pfields in assigned.get(name, ()):
                found += values
                wanted += pfields
    largest = max((abs(v) for v in found), default=0.0)
    evidence = len(found)
    # Every instrument may read p4 as its amplitude: read the score once per p-field, not per place.
    for pfield, places in Counter(wanted).items():
        scored = _score_values(model, pfield)
        largest = max(largest, max((abs(v) for v in scored), default=0.0))
        evidence += places * len(scored)
    return AmplitudeScale(largest, evidence)


def amplitude_scale(model: DocumentModel) -> AmplitudeScale:
    """The scale a whole-document model is written for."""
    return combined_scale(model, [amplitude_facts(model)])


def _direct(text: str, values: list[float], pfields: list[int]) -> bool:
    """A number, `ampdb(N)` or a p-field: what a value says without looking anything up."""
    number = _number(text)
    if number is not None:
        values.append(number)
        return True
    ampdb = _AMPDB.match(text)
    if ampdb:
        values.append(10 ** (float(ampdb.group(1)) / 20))
        return True
    pfield = _PFIELD.match(text)
    if pfield:
        pfields.append(int(pfield.group(1)))
        return True
    return False


def _assigned_sources(model: DocumentModel, offset: int, values: list[float], pfields: list[int]) -> None:
    right = _assigned_from(model, offset)
    if right is not None:
        _direct(model.text(right).strip(), values, pfields)


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
