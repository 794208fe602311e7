"""Realistic mistakes made on purpose, for fix pairs: the broken text, Csound's own complaint about it,
and the piece as it was.

Four kinds, the ones beginners make most: a variable written with the wrong rate prefix, an
instrument left without `endin`, a misspelled opcode and a table that is used but never made. Each
kind offers a few candidates in a seeded order; the exporter keeps the first one Csound rejects.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from csound_lsp.catalog import default_catalog
from csound_lsp.dataset.corpus import Piece
from csound_lsp.dataset.pairs import _code_part, opcodes_used

__all__ = ["KINDS", "Mutation", "candidates", "misspell"]

KINDS = ("rate-prefix", "missing-endin", "misspelled-opcode", "missing-table")

_LOCAL_VARIABLE = re.compile(r"\b([ak])([A-Z]\w*)\b")
_ENDIN = re.compile(r"^[ \t]*endin\b")
_TABLE_LINE = re.compile(
    r"^[ \t]*(g?i[A-Za-z_]\w*)\s*(?:=\s*ftgen\b|\bftgen\b|=\s*ftgenonce\b|\bftgenonce\b)"
)
_SWAP = {"a": "k", "k": "a"}


@dataclass(frozen=True)
class Mutation:
    kind: str
    text: str
    #: What was broken, in our words (kept as metadata next to the pair).
    what: str


def _replace_in_code(text: str, pattern: re.Pattern[str], replacement: str, *, count: int = 0) -> str:
    """Replaces in code only (comments untouched); `count` 0 means every occurrence."""
    out: list[str] = []
    left = count
    for line in text.splitlines(keepends=True):
        code = _code_part(line)
        if count and left <= 0:
            out.append(line)
            continue
        new_code, made = pattern.subn(replacement, code, count=left if count else 0)
        if count:
            left -= made
        out.append(new_code + line[len(code) :])
    return "".join(out)


def _rate_prefix(piece: Piece, rng: random.Random) -> list[Mutation]:
    seen: dict[str, None] = {}
    for line in piece.text.splitlines():
        for match in _LOCAL_VARIABLE.finditer(_code_part(line)):
            seen.setdefault(match.group(0), None)
    names = list(seen)
    rng.shuffle(names)
    found: list[Mutation] = []
    for name in names[:3]:
        wrong = _SWAP[name[0]] + name[1:]
        if wrong in seen:
            continue
        pattern = re.compile(rf"\b{re.escape(name)}\b")
        rate = "audio" if name[0] == "a" else "control"
        found.append(
            Mutation(
                "rate-prefix",
                _replace_in_code(piece.text, pattern, wrong),
                f"`{name}` was renamed `{wrong}`, which makes a {rate}-rate signal the wrong rate",
            )
        )
        found.append(
            Mutation(
                "rate-prefix",
                _replace_in_code(piece.text, pattern, wrong, count=1),
                f"`{name}` was written `{wrong}` where it is first set, so `{name}` is never defined",
            )
        )
    return found


def _missing_endin(piece: Piece, rng: random.Random) -> list[Mutation]:
    lines = piece.text.splitlines(keepends=True)
    ends = [index for index, line in enumerate(lines) if _ENDIN.match(line)]
    rng.shuffle(ends)
    return [
        Mutation(
            "missing-endin", "".join(lines[:index] + lines[index + 1 :]), "an instrument lost its `endin`"
        )
        for index in ends[:2]
    ]


def misspell(name: str, rng: random.Random) -> str | None:
    """A typo of `name` that is not itself an opcode: a dropped, doubled or swapped letter."""
    catalog = default_catalog()
    options: list[str] = []
    for index in range(1, len(name)):
        options.append(name[:index] + name[index + 1 :])  # dropped
        options.append(name[:index] + name[index] + name[index:])  # doubled
        if index + 1 < len(name) and name[index] != name[index + 1]:
            options.append(name[:index] + name[index + 1] + name[index] + name[index + 2 :])  # swapped
    options = sorted({option for option in options if option not in catalog and option != name})
    return rng.choice(options) if options else None


def _misspelled_opcode(piece: Piece, rng: random.Random) -> list[Mutation]:
    names = [name for name in opcodes_used(piece.orchestra) if len(name) >= 4]
    rng.shuffle(names)
    found: list[Mutation] = []
    for name in names[:3]:
        typo = misspell(name, rng)
        if typo is None:
            continue
        pattern = re.compile(rf"(?<![\w\"]){re.escape(name)}\b")
        text = _replace_in_code(piece.text, pattern, typo, count=1)
        if text != piece.text:
            found.append(Mutation("misspelled-opcode", text, f"the opcode `{name}` was misspelled `{typo}`"))
    return found


def _missing_table(piece: Piece, rng: random.Random) -> list[Mutation]:
    lines = piece.text.splitlines(keepends=True)
    found: list[Mutation] = []
    tables = [
        (index, match.group(1)) for index, line in enumerate(lines) if (match := _TABLE_LINE.match(line))
    ]
    rng.shuffle(tables)
    for index, name in tables[:2]:
        rest = "".join(lines[:index] + lines[index + 1 :])
        if not re.search(
            rf"\b{re.escape(name)}\b", "".join(_code_part(line) for line in rest.splitlines(True))
        ):
            continue
        found.append(
            Mutation("missing-table", rest, f"the table `{name}` is used but its `ftgen` line is gone")
        )
    return found


def candidates(piece: Piece, rng: random.Random) -> dict[str, list[Mutation]]:
    """Per kind, the mutations to try in order (any of them may turn out to compile)."""
    return {
        "rate-prefix": _rate_prefix(piece, rng),
        "missing-endin": _missing_endin(piece, rng),
        "misspelled-opcode": _misspelled_opcode(piece, rng),
        "missing-table": _missing_table(piece, rng),
    }
