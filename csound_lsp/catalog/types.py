"""Csound's argument type letters: decoded into words, parsed, and matched against arguments.

Every opcode overload carries two type strings, e.g. ``oscili`` has outputs ``"a"`` and
inputs ``"kkjo"``. Each character (plus an optional ``[]`` per array dimension) is one
parameter. This module

* describes every letter in plain words (``describe_letter``), with the default value of
  optional letters;
* parses a type string into ``Param`` objects (``parse_types``);
* answers "does an argument of type X fit parameter Y" (``fits``) and "does this whole
  argument list fit" (``inputs_fit`` / ``outputs_fit``), the checks hover, completion rate
  filtering, overload choice and rate-mismatch diagnostics build on.

Where the facts come from (Csound 6.18 source, read for facts only):

* Letter meanings and the defaults of optional letters: the ``inarg types`` / ``outarg types``
  comment block at the top of ``Engine/entry1.c`` (o=0, p=1, q=10, v=0.5, j=-1, h=127,
  O=0, J=-1, V=0.5, P=1), which matches the UDO type table in the manual's ``opcode.html``.
* Which argument types each letter accepts: the ``POLY_IN_TYPES``, ``OPTIONAL_IN_TYPES``,
  ``VAR_ARG_IN_TYPES``, ``POLY_OUT_TYPES`` and ``VAR_ARG_OUT_TYPES`` tables in
  ``Engine/csound_standard_types.c``.
* How a list of arguments is matched: ``check_in_arg(s)`` / ``check_out_arg(s)`` in
  ``Engine/csound_orc_semantics.c`` (a variadic letter swallows every remaining argument;
  missing trailing inputs must be optional or variadic; missing trailing outputs are only
  allowed where the next output letter is variadic; arrays match arrays of the same base
  letter, dimensions are not compared).

Argument ("found") types use Csound's own letters: ``a k i S f w B b l`` for variables and
expressions of that type, ``c`` for a numeric constant, ``p`` for a p-field (``p4``), ``r``
for a reserved read-only value (``sr``, ``0dbfs``...), and a trailing ``[]`` per array
dimension (``"k[]"``). Wherever ``i`` fits, ``c``, ``p`` and ``r`` fit as well, so callers
that do not track them can pass ``i``. The one place the difference matters is outputs: a
constant can never be written to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Direction = Literal["in", "out"]

CONSTANT = "c"
PFIELD = "p"
RESERVED = "r"
SCALAR_TYPES = frozenset("akiSfwBbl")
"""Types a variable or expression can have (besides arrays of them)."""

_I_LIKE = "icpr"  # what Csound accepts wherever an i-rate value is wanted


@dataclass(frozen=True, slots=True)
class LetterInfo:
    """What one type letter means on one side (inputs or outputs) of a signature."""

    letter: str
    words: str
    accepts: str
    """Argument type letters this slot takes (Csound's tables); ``"*"`` means anything."""
    optional: bool = False
    variadic: bool = False
    default: float | None = None
    note: str = ""


def _in(letter: str, words: str, accepts: str, **extra: object) -> LetterInfo:
    return LetterInfo(letter, words, accepts, **extra)  # type: ignore[arg-type]


# Input letters. Wording is ours; accepted sets follow csound_standard_types.c.
IN_LETTERS: dict[str, LetterInfo] = {
    info.letter: info
    for info in (
        _in("a", "audio signal (a-rate)", "a"),
        _in("k", "control value (k-rate; i-rate values and numbers fit too)", "k" + _I_LIKE),
        _in("i", "init-time value (i-rate; numbers and p-fields fit too)", _I_LIKE),
        _in("S", "string", "S"),
        _in("f", "streaming spectral signal (f-sig)", "f"),
        _in("w", "spectral data of the older spectrum family (w-sig)", "w"),
        _in("B", "condition tested every control cycle", "Bb"),
        _in("b", "condition tested once at init time", "b"),
        _in("l", "label to jump to", "l"),
        _in("x", "audio or control signal (a- or k-rate; i-rate values fit too)", "ka" + _I_LIKE),
        _in("T", "string or init-time number", "S" + _I_LIKE),
        _in("U", "string, control value or init-time number", "Sk" + _I_LIKE),
        _in("K", "control value that also runs at init time", "k" + _I_LIKE),
        _in(".", "one value of any type", "*"),
        _in("?", "optional value of any type", "*", optional=True),
        _in("o", "optional init-time value, 0 when left out", _I_LIKE, optional=True, default=0.0),
        _in("p", "optional init-time value, 1 when left out", _I_LIKE, optional=True, default=1.0),
        _in("q", "optional init-time value, 10 when left out", _I_LIKE, optional=True, default=10.0),
        _in("v", "optional init-time value, 0.5 when left out", _I_LIKE, optional=True, default=0.5),
        _in("j", "optional init-time value, -1 when left out", _I_LIKE, optional=True, default=-1.0),
        _in("h", "optional init-time value, 127 when left out", _I_LIKE, optional=True, default=127.0),
        _in("O", "optional control value, 0 when left out", "k" + _I_LIKE, optional=True, default=0.0),
        _in("J", "optional control value, -1 when left out", "k" + _I_LIKE, optional=True, default=-1.0),
        _in("V", "optional control value, 0.5 when left out", "k" + _I_LIKE, optional=True, default=0.5),
        _in("P", "optional control value, 1 when left out", "k" + _I_LIKE, optional=True, default=1.0),
        _in("m", "any number of init-time values", _I_LIKE, variadic=True),
        _in("M", "any number of audio, control or init-time values", "ka" + _I_LIKE, variadic=True),
        _in(
            "N", "any number of values: audio, control, init-time or strings", "kaS" + _I_LIKE, variadic=True
        ),
        _in("n", "an odd number of init-time values", _I_LIKE, variadic=True, note="the count must be odd"),
        _in("W", "any number of strings", "S", variadic=True),
        _in("y", "any number of audio signals", "a", variadic=True),
        _in("z", "any number of control values", "k" + _I_LIKE, variadic=True),
        _in(
            "Z",
            "any number of values alternating control, audio, control, audio...",
            "ka" + _I_LIKE,
            variadic=True,
            note="pairs of control value then audio signal",
        ),
        _in("*", "any number of values of any type", "*", variadic=True),
        # Csound 7 only.
        _in("c", "constant number", "c"),
    )
}

# Output letters. Same sources (POLY_OUT_TYPES, VAR_ARG_OUT_TYPES); "ip" means an i-variable
# or a p-field may receive an i output. Constants ("c") and reserved names never fit an output.
OUT_LETTERS: dict[str, LetterInfo] = {
    info.letter: info
    for info in (
        _in("a", "audio signal (a-rate)", "a"),
        _in("k", "control value (k-rate)", "k"),
        _in("i", "init-time value (i-rate)", "ip"),
        _in("S", "string", "S"),
        _in("f", "streaming spectral signal (f-sig)", "f"),
        _in("w", "spectral data of the older spectrum family (w-sig)", "w"),
        _in("B", "condition (control rate)", "B"),
        _in("b", "condition (init time)", "b"),
        _in("K", "control value that also runs at init time", "k"),
        _in("s", "audio or control signal (old-style letter)", "ka"),
        _in(".", "one value of any type", "*"),
        _in("?", "optional value of any type", "*", optional=True),
        _in("m", "one or more audio signals", "a", variadic=True),
        _in("z", "one or more control values", "k", variadic=True),
        _in("I", "one or more init-time values or strings", "Sip", variadic=True),
        _in("X", "one or more audio, control or init-time values", "akip", variadic=True),
        _in("N", "one or more values: audio, control, init-time or strings", "akipS", variadic=True),
        _in("F", "one or more streaming spectral signals (f-sigs)", "f", variadic=True),
        # Csound 7 only: any number of conditions.
        _in("v", "one or more i-time conditions", "b", variadic=True),
        _in("V", "one or more k-rate conditions", "B", variadic=True),
        _in("*", "any number of values of any type", "*", variadic=True),
    )
}

RATE_WORDS: dict[str, str] = {
    "a": "audio rate",
    "k": "control rate",
    "i": "init time",
    "S": "string",
    "f": "f-sig",
    "w": "w-sig",
    "B": "k-rate condition",
    "b": "i-time condition",
    "l": "label",
    "c": "constant",
    "p": "p-field",
    "r": "reserved value",
}
"""Short names for argument type letters, for messages like 'expected audio rate, got control rate'."""


class TypeStringError(ValueError):
    """A type string contains a letter this module does not know."""


def user_type(name: str) -> str:
    """A Csound 7 named type (`Complex`, `InstrDef`, a struct) spelled as the catalogs spell it."""
    return f":{name};"


def user_type_name(letter: str) -> str | None:
    """`:Complex;` -> `Complex`; None for a type letter."""
    return letter[1:-1] if len(letter) > 2 and letter[0] == ":" and letter[-1] == ";" else None


def letter_info(letter: str, direction: Direction = "in") -> LetterInfo:
    """The table entry for one letter; raises TypeStringError for unknown letters.

    Csound 7's named types (`:Complex;`) take exactly their own type.
    """
    name = user_type_name(letter)
    if name is not None:
        return LetterInfo(letter, f"{name} value", "")
    table = IN_LETTERS if direction == "in" else OUT_LETTERS
    try:
        return table[letter]
    except KeyError:
        raise TypeStringError(f"unknown {direction}put type letter {letter!r}") from None


def describe_letter(letter: str, direction: Direction = "in") -> str:
    """Plain words for one letter, e.g. ``describe_letter("j") == "optional init-time value, -1 ..."``."""
    return letter_info(letter, direction).words


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter slot of a signature: a letter, optionally an array of some dimensions."""

    letter: str
    array_dims: int = 0
    direction: Direction = "in"

    @property
    def info(self) -> LetterInfo:
        return letter_info(self.letter, self.direction)

    @property
    def optional(self) -> bool:
        return self.info.optional

    @property
    def variadic(self) -> bool:
        return self.info.variadic

    @property
    def default(self) -> float | None:
        return self.info.default

    @property
    def is_array(self) -> bool:
        return self.array_dims > 0

    @property
    def spelled(self) -> str:
        """The slot as Csound writes it: ``"k"``, ``"i[]"``, ``"k[][]"``."""
        return self.letter + "[]" * self.array_dims

    @property
    def rates(self) -> frozenset[str]:
        """Variable types that fit (``a k i S f w B b l``), leaving out ``c p r``; ``*`` stands for any."""
        accepts = self.info.accepts
        if accepts == "*":
            return frozenset("*")
        return frozenset(accepts) & SCALAR_TYPES

    @property
    def words(self) -> str:
        """Plain words for the slot, arrays included."""
        if not self.array_dims:
            return self.info.words
        base = "value of any type" if self.letter in ".?*" else _array_base_words(self.letter)
        dims = "" if self.array_dims == 1 else f"{self.array_dims}-dimensional "
        return f"{dims}array of {base}"


def _array_base_words(letter: str) -> str:
    return {
        "a": "audio signals",
        "k": "control values",
        "i": "init-time values",
        "S": "strings",
        "f": "f-sigs",
    }.get(letter, describe_letter(letter) if letter in IN_LETTERS else letter)


@lru_cache(maxsize=8192)
def parse_types(spec: str, direction: Direction = "in") -> tuple[Param, ...]:
    """Split a type string into parameter slots: ``"i[]k"`` -> ``(Param("i", 1), Param("k"))``.

    Raises TypeStringError for letters Csound 6 does not use, so a corrupt catalog is noticed.
    """
    params: list[Param] = []
    index = 0
    while index < len(spec):
        letter = spec[index]
        if letter == ":":  # Csound 7's named type, `:Complex;`
            end = spec.find(";", index)
            if end == -1:
                raise TypeStringError(f"unterminated type name in {spec!r}")
            letter = spec[index : end + 1]
            index = end
        letter_info(letter, direction)  # validates
        index += 1
        dims = 0
        while spec.startswith("[]", index):
            dims += 1
            index += 2
        params.append(Param(letter, dims, direction))
    return tuple(params)


def compact(params: Sequence[Param]) -> tuple[Param, ...]:
    """Drop repeats after the first variadic slot (``"mmmm"`` -> one ``m``) for display.

    Csound treats every slot after the first variadic one as part of that list.
    """
    out: list[Param] = []
    for param in params:
        out.append(param)
        if param.variadic:
            break
    return tuple(out)


def describe_types(spec: str, direction: Direction = "in") -> list[str]:
    """One phrase per (compacted) slot, e.g. ``describe_types("jo")``."""
    return [param.words for param in compact(parse_types(spec, direction))]


def arity(spec: str, direction: Direction = "in") -> tuple[int, int | None]:
    """(fewest, most) arguments a type string takes; most is None when a variadic slot is open-ended.

    For outputs, a run of the same variadic letter (``"mmmmmmmm"``) is how Csound states a
    fixed upper limit, so that run's length counts as the maximum.
    """
    params = parse_types(spec, direction)
    required = 0
    for index, param in enumerate(params):
        if param.variadic:
            rest = params[index:]
            if direction == "out" and len(rest) > 1 and all(p == param for p in rest):
                return (required, len(params))
            return (required, None)
        if not param.optional:
            required = index + 1
    return (required, len(params))


def split_found(found: str) -> tuple[str, int]:
    """``"k[][]"`` -> ``("k", 2)``; ``":Complex;[]"`` -> ``(":Complex;", 1)``."""
    base = found.rstrip("[]")
    return base, (len(found) - len(base)) // 2


def fits(found: str, param: Param) -> bool:
    """Whether one argument of type ``found`` (e.g. ``"k"``, ``"c"``, ``"i[]"``) fits ``param``."""
    base, dims = split_found(found)
    if param.direction == "out" and base in (CONSTANT, RESERVED):
        return False
    if param.letter in ".?*":
        return True
    if dims or param.array_dims:
        return bool(dims) and bool(param.array_dims) and base == param.letter
    if base == param.letter:
        return True
    return base in param.info.accepts


def inputs_fit(found: Sequence[str], spec: str) -> bool:
    """Whether argument types ``found`` fit the input type string ``spec`` (Csound's check_in_args)."""
    return _list_fits(found, parse_types(spec, "in"), "in")


def outputs_fit(found: Sequence[str], spec: str) -> bool:
    """Whether result variables of types ``found`` fit the output type string ``spec``."""
    return _list_fits(found, parse_types(spec, "out"), "out")


def _list_fits(found: Sequence[str], params: tuple[Param, ...], direction: Direction) -> bool:
    if not found:
        if not params:
            return True
        first = params[0]
        return first.variadic or (direction == "in" and first.optional)
    if len(found) > len(params) and not (params and params[-1].variadic):
        return False
    variadic: Param | None = None
    used = 0
    for arg in found:
        if variadic is None and used >= len(params):
            return False
        slot = variadic or params[used]
        if variadic is None:
            used += 1
        if not fits(arg, slot):
            return False
        if slot.variadic:
            variadic = slot
    if variadic is not None or used == len(params):
        return True
    if direction == "out":
        return params[used].variadic
    return all(p.optional or p.variadic for p in params[used:])


def mismatches(found: Sequence[str], spec: str, direction: Direction = "in") -> list[int]:
    """Positions of arguments whose type does not fit their slot (extra arguments included).

    Meant for diagnostics on the overload that fits best: it points at the culprits.
    """
    params = parse_types(spec, direction)
    bad: list[int] = []
    variadic: Param | None = None
    for index, arg in enumerate(found):
        slot = variadic or (params[index] if index < len(params) else None)
        if slot is None:
            bad.append(index)
            continue
        if slot.variadic:
            variadic = slot
        if not fits(arg, slot):
            bad.append(index)
    return bad


def exactness(found: Iterable[str], spec: str, direction: Direction = "in") -> int:
    """How many arguments match their slot letter exactly; ranks overloads that all fit."""
    params = parse_types(spec, direction)
    score = 0
    variadic: Param | None = None
    for index, arg in enumerate(found):
        slot = variadic or (params[index] if index < len(params) else None)
        if slot is None:
            break
        if slot.variadic:
            variadic = slot
        base, dims = split_found(arg)
        if base in (CONSTANT, PFIELD, RESERVED):
            base = "i"
        if base == slot.letter and dims == slot.array_dims:
            score += 1
    return score


def variable_type(name: str) -> str | None:
    """The type Csound gives a variable from its name: ``"gaMix"`` -> ``"a"``, ``"kEnv"`` -> ``"k"``.

    Returns None for names Csound cannot type (they are not variables, or are invalid).
    The array-ness of a variable comes from its declaration, not its name, so it is not returned here.
    """
    text = name.lstrip("#")
    if text.startswith("g") and len(text) > 1:
        text = text[1:]
    if not text:
        return None
    first = text[0]
    if first in "akiSfwB":
        return first
    if first == "t":  # legacy table variables are k-rate arrays
        return "k[]"
    return None
