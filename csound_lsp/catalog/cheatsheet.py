"""Our cheat sheet: one-line descriptions, argument names and a tiny example per opcode.

Files: ``csound_lsp/data/cheatsheet/*.json``, each a JSON object ``{opcode name: entry}``::

    "oscili": {
      "description": "Table oscillator with linear interpolation ...",   # one line, ours
      "category": "oscillators",                                        # one of CATEGORIES
      "args":    [{"name": "xamp", "meaning": "amplitude", "rates": ["a", "k", "i"]}, ...],
      "outputs": [{"name": "xSig", "meaning": "the oscillator output"}],
      "example": "aSig oscili 0.3, 440"                                 # one line of Csound
    }

``rates`` uses argument type letters (``a k i S f w B b l``, arrays as ``k[]``). A name ending in
``...`` stands for a repeating tail (``"iVal..."``) and is only allowed where Csound has an
open-ended signature. ``docs/cheatsheet-style.md`` is the writers' guide.

``cheatsheet()`` loads and merges every file lazily (an opcode in two files is an error);
``validate_entry`` / ``validate_all`` return problems in words, checked against the catalog:
the opcode must exist, must not list more args or outputs than any overload takes, and every
listed rate must fit that position in at least one overload.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from csound_lsp.catalog._data import DATA_DIR, DataFileError, Lazy, read_json
from csound_lsp.catalog.opcodes import Catalog, Opcode, default_catalog
from csound_lsp.catalog.types import SCALAR_TYPES, arity, fits, parse_types, split_found

CHEATSHEET_DIR = DATA_DIR / "cheatsheet"

CATEGORIES: dict[str, str] = {
    "structure": "instr/endin, opcode/endop, xin/xout and other orchestra structure",
    "variables": "init, assignment and variable set-up",
    "control-flow": "jumps, conditions and loops",
    "instrument-control": "starting, stopping and scheduling instruments and events",
    "oscillators": "periodic signal generators, table and band-limited",
    "envelopes": "segments, ramps and attack/release shapes",
    "filters": "low/high/band-pass, resonators and equalisers",
    "delay-reverb": "delay lines, echoes and reverberators",
    "dynamics-distortion": "compressors, limiters, waveshapers and distortion",
    "audio-io": "audio in and out, channels, buses and mixing",
    "sound-files": "reading and writing sound files",
    "spectral": "FFT analysis, the pvs family and spectral processing",
    "granular": "grain-based synthesis",
    "physical-models": "plucked strings, waveguides, STK and other models",
    "synthesis": "other synthesis methods (FM, additive, noise shaping...)",
    "random": "noise and random number generators",
    "tables": "creating, reading and writing function tables",
    "arrays": "array creation and array operations",
    "strings": "string building and parsing",
    "math": "arithmetic and math functions",
    "conversion": "pitch, amplitude and rate converters",
    "control": "control-signal tools: metronomes, triggers, smoothing",
    "midi": "MIDI input and output",
    "printing": "printing values and messages",
    "files-data": "reading and writing text and data files",
    "channels": "named software channels to and from the host",
    "time": "clocks, timing and duration",
    "system": "operating-system access (shell, environment)",
    "network": "OSC and other network I/O",
    "gui": "FLTK widgets and other graphical controls",
    "plugins": "opcodes from optional plugin libraries (Faust, DSSI, Python...)",
}

ENTRY_KEYS = frozenset({"description", "category", "args", "outputs", "example"})
MAX_DESCRIPTION = 140
MAX_EXAMPLE = 100


@dataclass(frozen=True, slots=True)
class CheatArg:
    name: str
    meaning: str
    rates: tuple[str, ...]

    @property
    def repeats(self) -> bool:
        return self.name.endswith("...")


@dataclass(frozen=True, slots=True)
class CheatOutput:
    name: str
    meaning: str

    @property
    def repeats(self) -> bool:
        return self.name.endswith("...")


@dataclass(frozen=True, slots=True)
class CheatEntry:
    opcode: str
    description: str
    category: str
    args: tuple[CheatArg, ...]
    outputs: tuple[CheatOutput, ...]
    example: str
    source: str
    """File the entry came from (``core.json``)."""


def validate_entry(name: str, raw: Any, catalog: Catalog | None = None) -> list[str]:
    """Problems with one raw entry, each starting with the opcode name; [] when it is fine."""
    cat = catalog if catalog is not None else default_catalog()
    problems: list[str] = []

    def bad(message: str) -> None:
        problems.append(f"{name}: {message}")

    if not isinstance(raw, dict):
        return [f"{name}: entry must be an object"]
    missing = ENTRY_KEYS - raw.keys()
    extra = raw.keys() - ENTRY_KEYS
    if missing:
        bad(f"missing keys {sorted(missing)}")
    if extra:
        bad(f"unknown keys {sorted(extra)}")
    _check_line(raw.get("description"), "description", MAX_DESCRIPTION, bad)
    _check_line(raw.get("example"), "example", MAX_EXAMPLE, bad)
    if isinstance(raw.get("example"), str) and name not in _words(raw["example"]):
        bad("example does not use the opcode")
    if raw.get("category") not in CATEGORIES:
        bad(f"category {raw.get('category')!r} is not one of CATEGORIES")
    args = raw.get("args")
    outputs = raw.get("outputs")
    if not isinstance(args, list) or not isinstance(outputs, list):
        bad("args and outputs must be lists")
        return problems
    for index, arg in enumerate(args):
        if not isinstance(arg, dict) or set(arg) != {"name", "meaning", "rates"}:
            bad(f"arg {index + 1} must have exactly name, meaning, rates")
            continue
        _check_name(arg["name"], f"arg {index + 1}", bad)
        _check_line(arg["meaning"], f"arg {index + 1} meaning", MAX_DESCRIPTION, bad)
        rates = arg["rates"]
        if not isinstance(rates, list) or not rates or not all(_valid_rate(r) for r in rates):
            bad(f"arg {index + 1} rates must be a non-empty list of type letters like 'k' or 'k[]'")
    for index, out in enumerate(outputs):
        if not isinstance(out, dict) or set(out) != {"name", "meaning"}:
            bad(f"output {index + 1} must have exactly name, meaning")
            continue
        _check_name(out["name"], f"output {index + 1}", bad)
        _check_line(out["meaning"], f"output {index + 1} meaning", MAX_DESCRIPTION, bad)

    opcode = cat.get(name)
    if opcode is None:
        bad("Csound has no opcode of this name")
        return problems
    if not problems:
        problems += [f"{name}: {p}" for p in _against_catalog(opcode, args, outputs)]
    return problems


def _against_catalog(opcode: Opcode, args: list[dict[str, Any]], outputs: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    most_in = _most(arity(o.inputs, "in")[1] for o in opcode.overloads)
    most_out = _most(arity(o.outputs, "out")[1] for o in opcode.overloads)
    if most_in is not None and len(args) > most_in:
        problems.append(f"lists {len(args)} args but no overload takes more than {most_in}")
    if most_out is not None and len(outputs) > most_out:
        problems.append(f"lists {len(outputs)} outputs but no overload gives more than {most_out}")
    if any(str(a["name"]).endswith("...") for a in args) and most_in is not None:
        problems.append("an arg repeats ('...') but no overload takes a variable number of args")
    for index, arg in enumerate(args):
        for rate in arg["rates"]:
            if not any(_fits_position(rate, index, o.inputs) for o in opcode.overloads):
                problems.append(f"arg {index + 1} ({arg['name']}) cannot be {rate!r} in any overload")
    return problems


def _fits_position(rate: str, index: int, spec: str) -> bool:
    params = parse_types(spec, "in")
    for position, param in enumerate(params):
        if param.variadic and position <= index:
            return fits(rate, param)
        if position == index:
            return fits(rate, param)
    return False


def _most(limits: Any) -> int | None:
    best = 0
    for limit in limits:
        if limit is None:
            return None
        best = max(best, limit)
    return best


def _valid_rate(rate: object) -> bool:
    if not isinstance(rate, str):
        return False
    base, dims = split_found(rate)
    return base in SCALAR_TYPES and rate == base + "[]" * dims


def _check_line(value: object, label: str, limit: int, bad: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        bad(f"{label} must be a non-empty string")
    elif "\n" in value:
        bad(f"{label} must be one line")
    elif len(value) > limit:
        bad(f"{label} is {len(value)} characters; keep it under {limit}")


def _check_name(value: object, label: str, bad: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        bad(f"{label} name must be a non-empty string")
        return
    core = value.removesuffix("...").replace("[]", "")
    parts = [p.strip() for p in core.split(",")]
    if not all(p and (p[0].isalpha() or p[0] == "_") and p.replace("_", "a").isalnum() for p in parts):
        bad(f"{label} name {value!r} should be an identifier (optionally a list ending in '...')")


def _words(text: str) -> set[str]:
    word = []
    found: set[str] = set()
    for char in text + " ":
        if char.isalnum() or char == "_":
            word.append(char)
        elif word:
            found.add("".join(word))
            word = []
    return found


def load_file(path: Path) -> dict[str, Any]:
    data = read_json(path)
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: a cheat-sheet file must hold one JSON object")
    return data


def validate_all(directory: Path = CHEATSHEET_DIR, catalog: Catalog | None = None) -> list[str]:
    """Every problem in every cheat-sheet file, including names defined in two files."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            data = load_file(path)
        except DataFileError as exc:
            problems.append(str(exc))
            continue
        for name, raw in data.items():
            if name in seen:
                problems.append(f"{name}: defined in both {seen[name]} and {path.name}")
            seen[name] = path.name
            problems += [f"{path.name}: {p}" for p in validate_entry(name, raw, catalog)]
    return problems


def _build(directory: Path = CHEATSHEET_DIR) -> dict[str, CheatEntry]:
    entries: dict[str, CheatEntry] = {}
    for path in sorted(directory.glob("*.json")):
        for name, raw in load_file(path).items():
            try:
                entries[name] = CheatEntry(
                    opcode=name,
                    description=str(raw["description"]),
                    category=str(raw["category"]),
                    args=tuple(
                        CheatArg(str(a["name"]), str(a["meaning"]), tuple(a["rates"])) for a in raw["args"]
                    ),
                    outputs=tuple(CheatOutput(str(o["name"]), str(o["meaning"])) for o in raw["outputs"]),
                    example=str(raw["example"]),
                    source=path.name,
                )
            except (KeyError, TypeError) as exc:  # malformed entries are skipped; tests report them
                _skipped.append(f"{path.name}: {name}: {exc}")
    return entries


_skipped: list[str] = []
_sheet: Lazy[dict[str, CheatEntry]] = Lazy(_build)


def cheatsheet() -> Mapping[str, CheatEntry]:
    """All entries by opcode name (loaded once)."""
    return _sheet.get()


def cheat_entry(name: str) -> CheatEntry | None:
    return cheatsheet().get(name)
