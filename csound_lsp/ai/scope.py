"""What part of a file a chat prompt carries: the item around a line, the header, a window that fits.

A fix or an explanation needs the instrument, UDO or score block the problem is in, plus the
orchestra header; the rest of a file only costs tokens (whole files of 3,000 to 117,000 tokens did
not fit a small model at all). Spans are 0-based [start, end) line ranges of the file, so that an
answer replaces exactly the lines that were sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .budget import estimate_tokens

_UNIT = re.compile(r"^[ \t]*(instr|opcode)\b", re.I)
_UNIT_END = re.compile(r"^[ \t]*(endin|endop)\b", re.I)
_TAG = re.compile(r"^\s*<(/?)(Cs\w+)[^>]*>", re.I)
_HEADER = re.compile(r"^\s*(sr|kr|ksmps|nchnls|nchnls_i|0dbfs|A4)\s*=", re.I)
#: Lines either side of a line outside any item.
WINDOW = 12


@dataclass(frozen=True)
class Scope:
    start: int
    end: int
    #: "instrument", "UDO", "score", "options", "lines" or "file".
    kind: str

    def text(self, lines: list[str]) -> str:
        return "".join(lines[self.start : self.end])


def item_scope(text: str, line: int) -> Scope:
    """The item holding 1-based `line`: instrument, UDO, score or options block, else nearby lines."""
    lines = text.splitlines(keepends=True)
    index = min(max(line - 1, 0), max(len(lines) - 1, 0))
    start: int | None = None
    for number, content in enumerate(lines):
        if _UNIT.match(content):
            start = number
        elif _UNIT_END.match(content) and start is not None:
            if start <= index <= number:
                kind = "UDO" if content.strip().lower().startswith("endop") else "instrument"
                return Scope(start, number + 1, kind)
            start = None
    if start is not None and start <= index:  # an item that never ends: up to the next tag
        stop = next((n for n in range(index + 1, len(lines)) if _TAG.match(lines[n])), len(lines))
        return Scope(start, stop, "instrument")
    block = _section_block(lines, index)
    if block is not None:
        return block
    low = max(0, index - WINDOW)
    high = min(len(lines), index + WINDOW + 1)
    for n in range(index - 1, low - 1, -1):  # never across a section tag
        if _TAG.match(lines[n]):
            low = n + 1
            break
    for n in range(index + 1, high):
        if _TAG.match(lines[n]):
            high = n
            break
    if low == 0 and high == len(lines):
        return Scope(0, len(lines), "file")
    return Scope(low, max(high, low + 1), "lines")


def _section_block(lines: list[str], index: int) -> Scope | None:
    """The inside of the <CsScore> or <CsOptions> holding line `index`."""
    opened: tuple[str, int] | None = None
    for number, content in enumerate(lines):
        match = _TAG.match(content)
        if match is None:
            continue
        closing, tag = match.group(1) == "/", match.group(2).lower()
        if not closing and tag in ("csscore", "csoptions"):
            opened = (tag, number)
        elif closing and opened is not None and opened[0] == tag:
            if opened[1] < index < number:
                return Scope(opened[1] + 1, number, "score" if tag == "csscore" else "options")
            opened = None
    return None


def narrow(text: str, scope: Scope, line: int, budget: int) -> Scope:
    """`scope`, or the window of it around 1-based `line` that fits `budget` tokens."""
    lines = text.splitlines(keepends=True)
    if estimate_tokens(scope.text(lines)) <= budget:
        return scope
    index = min(max(line - 1, scope.start), max(scope.end - 1, scope.start))
    low, high = index, index + 1
    used = estimate_tokens(lines[index]) if index < len(lines) else 0
    while True:
        grown = False
        for candidate in (high, low - 1):
            if scope.start <= candidate < scope.end and not (low <= candidate < high):
                cost = estimate_tokens(lines[candidate])
                if used + cost <= budget:
                    used += cost
                    low, high = min(low, candidate), max(high, candidate + 1)
                    grown = True
        if not grown:
            break
    return Scope(low, high, "lines")


def header_of(text: str, limit: int = 10) -> str:
    """The orchestra header lines (sr, ksmps, nchnls, 0dbfs ...), at most `limit` of them."""
    found = [line.strip() for line in text.splitlines() if _HEADER.match(line)]
    return "\n".join(found[:limit])


def shrink_to(text: str, budget: int) -> str:
    """`text` cut at a line end to fit `budget` tokens, saying how much was left out."""
    if estimate_tokens(text) <= budget:
        return text
    kept: list[str] = []
    used = 0
    lines = text.splitlines(keepends=True)
    for line in lines:
        cost = estimate_tokens(line)
        if used + cost > budget - 12:
            break
        kept.append(line)
        used += cost
    left = len(lines) - len(kept)
    return "".join(kept).rstrip("\n") + f"\n; ... ({left} more lines not shown)\n"
