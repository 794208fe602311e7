"""The typed model of one document, derived from its tree in a single walk.

Features and analyses read this model instead of raw text: sections, header settings, instruments,
UDOs, variables with their rate and every definition and use, labels, macros, includes, opcode calls
and score statements. Building it is cheap enough to redo after every edit (it is cached per version).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Final

from tree_sitter import Node

HEADER_NAMES = frozenset({"sr", "kr", "ksmps", "nchnls", "nchnls_i", "0dbfs", "A4"})
RATE_LETTERS = frozenset("aikSfwb")
_PFIELD = re.compile(r"p(\d+)$")


def rate_of(name: str) -> str | None:
    """Csound's rate of a variable from its name: the first letter, after an optional `g`."""
    if not name:
        return None
    if _PFIELD.match(name):
        return "i"
    if name[0] == "g" and len(name) > 1 and name[1] in RATE_LETTERS:
        return name[1]
    if name[0] in RATE_LETTERS:
        return name[0]
    return None


def is_global_name(name: str) -> bool:
    return len(name) > 1 and name[0] == "g" and name[1] in RATE_LETTERS


class ScopeKind(enum.Enum):
    GLOBAL = "global"
    INSTRUMENT = "instrument"
    UDO = "udo"


class Ref:
    """A named occurrence: where a name stands in the source. An immutable value (equal by its
    fields); a plain slotted class rather than a frozen dataclass, whose `__init__` sets each field
    through `object.__setattr__` at about three times the cost: a model makes one Ref per name."""

    __slots__ = ("end_byte", "name", "start_byte")

    def __init__(self, name: str, start_byte: int, end_byte: int) -> None:
        self.name: Final = name
        self.start_byte: Final = start_byte
        self.end_byte: Final = end_byte

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ref):
            return NotImplemented
        return (
            self.name == other.name
            and self.start_byte == other.start_byte
            and self.end_byte == other.end_byte
        )

    def __hash__(self) -> int:
        return hash((self.name, self.start_byte, self.end_byte))

    def __repr__(self) -> str:
        return f"Ref(name={self.name!r}, start_byte={self.start_byte!r}, end_byte={self.end_byte!r})"

    def contains(self, offset: int) -> bool:
        return self.start_byte <= offset <= self.end_byte


@dataclass(eq=False)
class Variable:
    name: str
    rate: str | None
    is_global: bool
    scope: Scope
    #: Csound 7 declared type (`freq:k` → "k"), else None.
    declared_type: str | None = None
    is_array: bool = False
    definitions: list[Ref] = field(default_factory=list)
    uses: list[Ref] = field(default_factory=list)
    #: Uses met before the first definition in Csound's evaluation order (arguments before
    #: results, the right side of `=` before its target): "used before defined" in Csound.
    early_uses: list[Ref] = field(default_factory=list)

    @property
    def refs(self) -> list[Ref]:
        return sorted([*self.definitions, *self.uses], key=lambda r: r.start_byte)


@dataclass(eq=False)
class Label:
    name: str
    scope: Scope
    definition: Ref | None = None
    uses: list[Ref] = field(default_factory=list)


@dataclass(eq=False)
class OpcodeCall:
    """One use of an opcode, as a statement (`aOut oscili 1, 440`) or a call (`oscili(1, 440)`)."""

    name: str
    ref: Ref
    node: Node
    outputs: list[Node]
    arguments: list[Node]
    is_function: bool
    scope: Scope
    #: Rate annotation of a call such as `oscili:a(...)`.
    annotated_rate: str | None = None


@dataclass(eq=False)
class Scope:
    kind: ScopeKind
    name: str
    start_byte: int
    end_byte: int
    node: Node | None
    variables: dict[str, Variable] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)
    calls: list[OpcodeCall] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class InstrumentName:
    text: str
    #: The number for numbered instruments (`instr 3`), None for named ones.
    number: float | None
    ref: Ref


#: An instrument's names kept relative to its start: (text, number, start, end) each.
RelativeNames = list[tuple[str, float | None, int, int]]


def names_at(names: RelativeNames, base: int) -> list[InstrumentName]:
    """Relative names moved to an instrument that starts at `base`."""
    return [
        InstrumentName(text, number, Ref(text, start + base, end + base))
        for text, number, start, end in names
    ]


@dataclass(eq=False)
class Instrument:
    names: list[InstrumentName]
    node: Node
    scope: Scope
    #: The comment lines directly above the instrument, without comment markers.
    doc: str = ""

    @property
    def label(self) -> str:
        return ", ".join(n.text for n in self.names)


@dataclass(eq=False)
class Udo:
    name: str
    ref: Ref
    output_types: str
    input_types: str
    node: Node
    scope: Scope
    #: "classic" (`opcode name, a, kk`), "typed" (Csound 7 `opcode name(x:k):a`) or "declared"
    #: (Csound 7 `declare name(x:k):a`, a UDO announced before its definition).
    syntax: str
    parameters: list[tuple[str, str]] = field(default_factory=list)
    doc: str = ""


@dataclass(frozen=True, slots=True)
class StructMember:
    name: str
    #: The declared type (`k`, `S[]`, `Point`), or the name's rate letter for an untyped member.
    type: str
    ref: Ref


@dataclass(eq=False)
class StructType:
    """A Csound 7 `struct Name member:type, ...` definition."""

    name: str
    ref: Ref
    node: Node
    members: list[StructMember] = field(default_factory=list)
    doc: str = ""

    def member(self, name: str) -> StructMember | None:
        return next((m for m in self.members if m.name == name), None)


@dataclass(frozen=True, slots=True)
class MemberUse:
    """`obj.member` (Csound 7): `path` names the object (`v`, `v.pt`, `pts[]`), `ref` the member."""

    path: str
    ref: Ref
    scope_start: int


@dataclass(frozen=True, slots=True)
class DialectMark:
    """A construct only one Csound major version reads: `major` 7 for Csound 7 syntax (typed
    names, new-style UDOs, struct ...), 6 for a Csound 6 leniency Csound 7 rejects."""

    major: int
    #: A few words naming the construct, for messages.
    what: str
    start_byte: int
    end_byte: int


@dataclass(frozen=True, slots=True)
class HeaderSetting:
    name: str
    value_text: str
    value: float | None
    start_byte: int
    end_byte: int
    value_start_byte: int
    value_end_byte: int


@dataclass(eq=False)
class Macro:
    name: str
    ref: Ref
    parameters: list[str]
    body: str
    node: Node
    uses: list[Ref] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Include:
    target: str
    ref: Ref
    node: Node


@dataclass(eq=False, slots=True)
class ScoreStatement:
    letter: str
    node: Node
    #: For `i` statements: the text of p1 (a number or a quoted name), else None.
    instrument: str | None = None

    @property
    def fields(self) -> list[Node]:
        """The statement's p-fields, read from the tree when asked: a long generated score has
        millions, and a list of node objects kept for each statement took most of a model's memory."""
        return score_fields(self.node)


def score_fields(node: Node) -> list[Node]:
    return [f for f in node.children_by_field_name("field") if f.type != "comment"]


@dataclass(frozen=True, slots=True)
class Section:
    tag: str
    node: Node
    start_byte: int
    end_byte: int


@dataclass(eq=False)
class OptionFlag:
    flag: str
    value: str | None
    node: Node


@dataclass(eq=False)
class DocumentModel:
    source: bytes
    root: Node
    global_scope: Scope
    scopes: list[Scope] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    header: dict[str, HeaderSetting] = field(default_factory=dict)
    instruments: list[Instrument] = field(default_factory=list)
    udos: dict[str, Udo] = field(default_factory=dict)
    macros: dict[str, Macro] = field(default_factory=dict)
    macro_uses: list[Ref] = field(default_factory=list)
    #: Macros defined more than once (`macros` keeps the first definition).
    redefined_macros: set[str] = field(default_factory=set)
    #: Names tested by `#ifdef`/`#ifndef`/`#undef`: references, but never "undefined".
    macro_tests: list[Ref] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    score: list[ScoreStatement] = field(default_factory=list)
    options: list[OptionFlag] = field(default_factory=list)
    #: Instrument references outside `instr` lines: score `i` statements and event-like opcodes.
    instrument_refs: list[Ref] = field(default_factory=list)
    #: `if`/`while`/`until` lines that end before `then`/`do`, and strings with no closing quote
    #: (mid-typing): Csound rejects them.
    unfinished: list[Node] = field(default_factory=list)
    #: Csound 7 `struct` types and `declare`d UDOs, member uses (`pt.x`) and the constructs only
    #: one Csound version reads (`analysis.dialect` decides what they mean for this document).
    structs: dict[str, StructType] = field(default_factory=dict)
    declarations: dict[str, Udo] = field(default_factory=dict)
    member_uses: list[MemberUse] = field(default_factory=list)
    dialect_marks: list[DialectMark] = field(default_factory=list)
    #: Global variables declared as arrays outside this model (an item's model reads the others').
    global_arrays: frozenset[str] = frozenset()

    def text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def scope_at(self, offset: int) -> Scope:
        for scope in self.scopes:
            if scope.start_byte <= offset <= scope.end_byte:
                return scope
        return self.global_scope

    def section_at(self, offset: int) -> Section | None:
        for section in self.sections:
            if section.start_byte <= offset <= section.end_byte:
                return section
        return None

    def calls(self) -> list[OpcodeCall]:
        result = list(self.global_scope.calls)
        for scope in self.scopes:
            result.extend(scope.calls)
        return result

    def variable_at(self, offset: int) -> tuple[Variable, Ref] | None:
        """The variable whose definition or use covers the offset."""
        scope = self.scope_at(offset)
        for candidate in (scope, self.global_scope):
            for variable in candidate.variables.values():
                for ref in variable.refs:
                    if ref.contains(offset):
                        return variable, ref
        return None

    def lookup_variable(self, name: str, scope: Scope) -> Variable | None:
        found = scope.variables.get(name)
        if found is None and scope is not self.global_scope:
            found = self.global_scope.variables.get(name)
        return found

    def instrument_named(self, text: str) -> Instrument | None:
        """Finds an instrument by number (`3`, `3.1` → 3) or by name (with or without quotes)."""
        wanted = text.strip().strip('"').lstrip("-")
        number: float | None
        try:
            number = float(int(float(wanted)))
        except ValueError:
            number = None
        for instrument in self.instruments:
            for name in instrument.names:
                if number is not None and name.number == number:
                    return instrument
                if number is None and name.text.lstrip("+") == wanted:
                    return instrument
        return None
