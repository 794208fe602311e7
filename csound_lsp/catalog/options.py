"""Csound command-line / ``<CsOptions>`` flags: forms, descriptions and a safety mark each.

* ``all_options()`` / ``option(name)`` - the table from ``csound_lsp/data/options.json``.
* ``match_option(arg)`` - which flag one command-line word is (``-odac``, ``--output=x.wav``,
  ``-+rtaudio=jack``, ``--env:SSDIR=/tmp``...), with its value when attached.
* ``scan_options(words)`` - walks a whole ``<CsOptions>`` word list, including clustered short
  flags such as ``-dWo out.wav``, and reports each flag with its value; the Csound worker uses
  it to drop or replace flags whose ``safety`` list is not empty.
* ``flags_in_help(text)`` - the flag names printed by ``csound --help`` (keeps the data honest
  in tests).

``safety`` kinds: writes-files, reads-files, opens-devices, loads-code, runs-program, network,
changes-environment, system-priority, keeps-running. ``-o``/``-i`` carry both a file and a device
kind; ``output_target_kind(value)`` tells which one a value means.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from csound_lsp.catalog._data import DATA_DIR, Lazy, read_json


@dataclass(frozen=True, slots=True)
class CsoundOption:
    name: str
    """Canonical spelling: the long form when there is one (``--output``), else the short (``-Q``)."""
    short: str | None
    value: str | None
    """Placeholder for the value (``FNAME``, ``N``, ``[=in|out]`` when optional), None for switches."""
    forms: tuple[str, ...]
    description: str
    safety: tuple[str, ...]
    note: str | None = None
    aliases: tuple[str, ...] = ()
    in_help: bool = True

    @property
    def takes_value(self) -> bool:
        return self.value is not None and not self.value.startswith("[")

    @property
    def value_optional(self) -> bool:
        return self.value is not None and self.value.startswith("[")

    @property
    def safe(self) -> bool:
        return not self.safety


@dataclass(frozen=True, slots=True)
class OptionUse:
    """One flag found in a word list."""

    option: CsoundOption | None
    """None when the word looks like a flag Csound does not list."""
    text: str
    """The flag as written (for a cluster, the single letter with its dash)."""
    value: str | None
    word_index: int


@dataclass(frozen=True, slots=True)
class _Index:
    options: tuple[CsoundOption, ...]
    by_name: dict[str, CsoundOption]
    by_short: dict[str, CsoundOption]
    prefixes: tuple[tuple[str, CsoundOption], ...]
    safety_kinds: dict[str, str]


# Long flags written with a ':' or a trailing name part instead of '='.
_PREFIX_FORMS = ("--env:", "--omacro:", "--smacro:", "--strset", "--list-opcodes")


def _build() -> _Index:
    data = read_json(DATA_DIR / "options.json")
    options = tuple(
        CsoundOption(
            name=row["name"],
            short=row.get("short"),
            value=row.get("value"),
            forms=tuple(row.get("forms", ())),
            description=row["description"],
            safety=tuple(row.get("safety", ())),
            note=row.get("note"),
            aliases=tuple(row.get("aliases", ())),
            in_help=bool(row.get("in_help", True)),
        )
        for row in data["options"]
    )
    by_name = {o.name: o for o in options}
    by_short = {o.short: o for o in options if o.short}
    prefixes = tuple((p, by_name[p.rstrip(":")]) for p in _PREFIX_FORMS if p.rstrip(":") in by_name)
    return _Index(options, by_name, by_short, prefixes, dict(data.get("safety_kinds", {})))


_index: Lazy[_Index] = Lazy(_build)


def all_options() -> tuple[CsoundOption, ...]:
    return _index.get().options


def option(name: str) -> CsoundOption | None:
    """By canonical name or short form: ``option("--output")``, ``option("-o")``."""
    index = _index.get()
    return index.by_name.get(name) or index.by_short.get(name)


def safety_kinds() -> dict[str, str]:
    return dict(_index.get().safety_kinds)


def match_option(word: str) -> tuple[CsoundOption | None, str | None]:
    """Identify a single flag word. For short flags only the first letter is read (see scan_options)."""
    index = _index.get()
    if word.startswith("-+"):
        name, _, value = word.partition("=")
        return index.by_name.get(name), (value if "=" in word else None)
    if word.startswith("--"):
        for prefix, opt in index.prefixes:
            if word.startswith(prefix):
                rest = word[len(prefix) :]
                return opt, rest or None
        name, eq, value = word.partition("=")
        found = index.by_name.get(name)
        if found is None:
            alias = next((o for o in index.options if word in o.aliases), None)
            return alias, None
        return found, (value if eq else None)
    if word.startswith("-") and len(word) >= 2:
        short = index.by_short.get(word[:2])
        return short, ((word[2:] or None) if short and short.value is not None else None)
    return None, None


def scan_options(words: Sequence[str]) -> list[OptionUse]:
    """Every flag in a word list with its value, following Csound's short-flag clustering.

    In a short cluster (``-dWo``) each letter is a flag; a letter that takes a value uses the
    rest of the cluster, or else the next word. Words that are not flags (file names) are skipped.
    """
    uses: list[OptionUse] = []
    index = _index.get()
    i = 0
    while i < len(words):
        word = words[i]
        if word.startswith("--") or word.startswith("-+"):
            found, value = match_option(word)
            uses.append(OptionUse(found, word.partition("=")[0] if found is None else found.name, value, i))
        elif word.startswith("-") and len(word) >= 2:
            pos = 1
            while pos < len(word):
                letter = "-" + word[pos]
                opt = index.by_short.get(letter)
                if opt is not None and opt.value is not None:
                    rest = word[pos + 1 :]
                    attached: str | None = rest or None
                    if attached is None and opt.takes_value and i + 1 < len(words):
                        i += 1
                        attached = words[i]
                    uses.append(OptionUse(opt, letter, attached, i))
                    break
                uses.append(OptionUse(opt, letter, None, i))
                pos += 1
        i += 1
    return uses


def output_target_kind(value: str | None) -> str:
    """What ``-o``/``-i`` point at: ``"device"`` (dac/adc...), ``"pipe"``, ``"none"`` or ``"file"``."""
    if not value:
        return "none"
    lowered = value.lower()
    if lowered.startswith(("dac", "adc", "devaudio")):
        return "device"
    if lowered in ("stdout", "stdin", "-") or value.startswith("|"):
        return "pipe"
    if lowered in ("null", "/dev/null", "nul"):
        return "none"
    return "file"


_HELP_FLAG = re.compile(r"^\s{0,2}(-[-+]?[A-Za-z0-9_][\w-]*|-\d)")


def flags_in_help(text: str) -> set[str]:
    """Flag names as ``csound --help`` prints them (``-o``, ``--output``, ``-+rtaudio``, ``--env:``...)."""
    names: set[str] = set()
    for line in text.splitlines():
        if line.startswith("--Csound") or not line.startswith("-"):
            continue
        match = _HELP_FLAG.match(line)
        if not match:
            continue
        flag = match.group(1)
        if line.startswith(("--env:", "--omacro:", "--smacro:")):
            flag = line.split(":", 1)[0] + ":"
        elif flag.startswith("--strset"):
            flag = "--strset"
        elif flag.startswith("--list-opcodes"):
            flag = "--list-opcodes"
        names.add(flag)
    return names


def find_flag(flag: str) -> CsoundOption | None:
    """Look up a flag name as ``flags_in_help`` reports it."""
    if flag.endswith(":"):
        flag = flag[:-1]
    return option(flag)
