"""Instruction pairs from corpus pieces: generate (description -> code), explain (code -> prose),
complete (prefix -> next lines). Fix pairs, which need Csound, are in `mutations`.

Requests and answers are shaped like the assistant's own prompts (`ai.prompts`), so a model tuned on
them answers the server in the form it parses. Explanations are assembled from our corpus metadata,
the code itself and our cheat sheet: every sentence is ours.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from csound_lsp.ai.assistant import skeleton_csd
from csound_lsp.catalog import default_catalog
from csound_lsp.catalog.cheatsheet import cheatsheet
from csound_lsp.dataset.corpus import Piece, Unit

__all__ = [
    "CATEGORIES",
    "Category",
    "Pair",
    "complete_pairs",
    "explain_pairs",
    "generate_pairs",
    "opcodes_used",
    "rng_for",
]

Category = Literal["generate", "explain", "complete", "fix"]
CATEGORIES: tuple[Category, ...] = ("generate", "explain", "complete", "fix")

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STATEMENT = re.compile(
    r"^[ \t]*((?:[A-Za-z_][\w\[\]]*[ \t]*,[ \t]*)*[A-Za-z_][\w\[\]]*)?[ \t]*\b([a-z][A-Za-z0-9_]*)\b"
)


@dataclass(frozen=True)
class Pair:
    """One training example. `check` is the whole CSD the answer's code must compile as (None: prose)."""

    category: Category
    source: str
    instruction: str
    input: str
    output: str
    check: str | None = field(default=None, compare=False)
    #: Where the check compiles from (includes and relative paths), the piece's file.
    check_path: str | None = field(default=None, compare=False)

    @property
    def user(self) -> str:
        return f"{self.instruction}\n\n{self.input}" if self.input else self.instruction

    @property
    def key(self) -> str:
        """Identity for deduplication: category and texts with whitespace runs folded."""
        folded = "\x00".join(
            re.sub(r"\s+", " ", part).strip() for part in (self.category, self.user, self.output)
        )
        return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def rng_for(seed: int, *parts: str) -> random.Random:
    """A generator that depends only on the seed and the names given, not on call order."""
    digest = hashlib.sha256("\x00".join((str(seed), *parts)).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _code_part(line: str) -> str:
    """A line without its comment (strings kept; a ; inside a string is rare in the corpus)."""
    in_string = False
    for index, char in enumerate(line):
        if char == '"':
            in_string = not in_string
        elif not in_string and (char == ";" or line.startswith("//", index)):
            return line[:index]
    return line


def opcodes_used(code: str) -> list[str]:
    """Catalog opcodes in `code`, in order of first use (comments ignored)."""
    catalog = default_catalog()
    seen: dict[str, None] = {}
    for line in code.splitlines():
        for word in _WORD.findall(_code_part(line)):
            if word in catalog and word not in seen and word not in ("instr", "endin", "opcode", "endop"):
                seen[word] = None
    return list(seen)


# --- generate ------------------------------------------------------------------------------------


def _generate_answer(piece: Piece) -> str:
    return f"```csound\n{piece.orchestra.strip()}\n```\n\n```score\n{piece.score.strip()}\n```"


def generate_pairs(piece: Piece) -> list[Pair]:
    """Two requests per piece (its description, its title), both answered with the piece's code."""
    answer = _generate_answer(piece)
    check = skeleton_csd(piece.orchestra, piece.score, header=piece.header)
    requests = [piece.description, piece.title]
    return [
        Pair(
            "generate",
            piece.id,
            f"Write a Csound instrument: {request.strip()}",
            "",
            answer,
            check,
            str(piece.path),
        )
        for request in requests
        if request.strip()
    ]


# --- explain -------------------------------------------------------------------------------------


def _header_sentence(piece: Piece) -> str:
    values = dict(re.findall(r"^(\w+)\s*=\s*([^;\s]+)", piece.header, re.M))
    parts = []
    if "sr" in values:
        parts.append(f"a sample rate of {values['sr']} Hz")
    if "ksmps" in values:
        parts.append(f"{values['ksmps']} samples per control period")
    if "nchnls" in values:
        count = values["nchnls"]
        parts.append("mono output" if count == "1" else f"{count} output channels")
    if values.get("0dbfs") == "1":
        parts.append("amplitudes scaled so that 1 is full scale")
    return "The header sets " + ", ".join(parts) + "." if parts else ""


def _opcode_facts(names: Iterable[str], limit: int = 10) -> list[str]:
    sheet = cheatsheet()
    facts = []
    for name in names:
        entry = sheet.get(name)
        if entry is not None:
            facts.append(f"- `{name}`: {entry.description}")
        if len(facts) >= limit:
            break
    return facts


def _unit_comment(unit: Unit) -> str:
    first = unit.text.splitlines()[0]
    _, _, comment = first.partition(";")
    return comment.strip()


def _flow(unit: Unit) -> list[str]:
    """What each statement of an instrument sets, in order, from the code and the cheat sheet."""
    sheet = cheatsheet()
    catalog = default_catalog()
    steps: list[str] = []
    for line in unit.text.splitlines()[1:-1]:
        code = _code_part(line).strip()
        if not code:
            continue
        first = _WORD.match(code)
        match = _STATEMENT.match(code)
        if first is not None and first.group(0) in catalog:
            outputs, opcode = "", first.group(0)
        elif match is not None:
            outputs, opcode = match.group(1) or "", match.group(2)
        else:
            continue
        if opcode not in catalog:
            assigned = re.match(r"^([A-Za-z_]\w*)\s*(?:=|\+=|-=|\*=)\s*(.+)$", code)
            if assigned:
                used = [name for name in opcodes_used(assigned.group(2)) if name in sheet]
                via = f" using {', '.join(f'`{n}`' for n in used[:3])}" if used else ""
                steps.append(f"`{assigned.group(1)}` is computed{via}")
            continue
        entry = sheet.get(opcode)
        what = entry.description.rstrip(".").lower() if entry is not None else "a Csound opcode"
        if outputs and outputs != opcode:
            steps.append(f"`{outputs.strip()}` comes from `{opcode}` ({what})")
        else:
            steps.append(f"`{opcode}` runs ({what})")
    return steps[:12]


def explain_pairs(piece: Piece, rng: random.Random) -> list[Pair]:
    """One explanation of the whole piece and one of an instrument it holds."""
    pairs: list[Pair] = []
    names = opcodes_used(piece.orchestra)
    lines = [f"**{piece.title}**", "", piece.description]
    header = _header_sentence(piece)
    if header:
        lines += ["", header]
    units = piece.units()
    if units:
        listed = []
        for unit in units:
            label = f"instrument {unit.name}" if unit.kind == "instr" else f"user opcode {unit.name}"
            comment = _unit_comment(unit)
            listed.append(f"- {label}" + (f": {comment}" if comment else ""))
        lines += ["", "It is built from:", *listed]
    notes = [line for line in piece.score.splitlines() if re.match(r"^\s*i\b", line)]
    if notes:
        lines += ["", f"The score plays {len(notes)} note{'s' if len(notes) != 1 else ''}."]
    facts = _opcode_facts(names)
    if facts:
        lines += ["", "Opcodes used:", *facts]
    code = piece.text.strip()
    pairs.append(
        Pair(
            "explain",
            piece.id,
            "Explain this Csound code:",
            f"```csound\n{code}\n```",
            "\n".join(lines).strip(),
        )
    )
    instruments = [unit for unit in units if len(unit.text.splitlines()) >= 4]
    if instruments:
        unit = rng.choice(instruments)
        steps = _flow(unit)
        label = f"Instrument {unit.name}" if unit.kind == "instr" else f"The user opcode {unit.name}"
        comment = _unit_comment(unit)
        text = [
            f'{label} is part of "{piece.title}"'
            + (f"; its own comment says: {comment}." if comment else ".")
        ]
        if steps:
            text += ["", "Step by step:", *(f"{n}. {step}" for n, step in enumerate(steps, 1))]
        facts = _opcode_facts(opcodes_used(unit.text), limit=8)
        if facts:
            text += ["", "Opcodes:", *facts]
        pairs.append(
            Pair(
                "explain",
                piece.id,
                "Explain this Csound code:",
                f"```csound\n{unit.text.strip()}\n```",
                "\n".join(text),
            )
        )
    return pairs


# --- complete ------------------------------------------------------------------------------------

PREFIX_LINES = 60


def complete_pairs(piece: Piece, rng: random.Random, count: int = 2) -> list[Pair]:
    """Cut points inside instruments: the text before (up to 60 lines) and the next one to three lines."""
    lines = piece.text.splitlines()
    cuts: list[tuple[int, int]] = []
    for unit in piece.units():
        for index in range(unit.start_line + 1, unit.end_line):
            if _code_part(lines[index]).strip():
                cuts.append((index, unit.end_line))
    if not cuts:
        return []
    chosen = sorted(rng.sample(cuts, min(count, len(cuts))))
    pairs = []
    for index, unit_end in chosen:
        take = rng.randint(1, 3)
        stop = min(index + take, unit_end + 1)
        prefix = "\n".join(lines[max(0, index - PREFIX_LINES) : index])
        following = "\n".join(lines[index:stop])
        pairs.append(
            Pair(
                "complete",
                piece.id,
                "Continue this Csound code with the next lines; answer with code only.",
                f"```csound\n{prefix}\n```",
                following,
                piece.text,
                str(piece.path),
            )
        )
    return pairs
