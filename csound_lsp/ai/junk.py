"""Telling junk from an answer: prompt echo, runaway repetition, and what an explanation may keep.

Small models asked to explain or fix often recite the system prompt, open the same code fence again
and again, or loop on one line until the token cap. `JunkWatch` sees the stream as it comes and says
when to stop reading (a junk answer costs seconds, not a minute); `clean_explanation` keeps only the
prose that is the model's own, so that nothing echoed or code-like is ever inserted into a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

#: Consecutive words shared with the instructions that count as an echo.
ECHO_WORDS = 8
_WORD = re.compile(r"[A-Za-z0-9_']+")
_FENCE = re.compile(r"^\s*```")
_SECTION_TAG = re.compile(r"</?\s*Cs[A-Za-z]*\s*[^>]*>", re.I)


def words(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(text)]


def shingles(text: str, size: int = ECHO_WORDS) -> set[tuple[str, ...]]:
    """Every run of `size` consecutive words of `text`, lower-cased."""
    items = words(text)
    return {tuple(items[i : i + size]) for i in range(len(items) - size + 1)}


def echoes(text: str, source: set[tuple[str, ...]], size: int = ECHO_WORDS) -> bool:
    """Whether `text` shares a run of `size` words with the shingles of a prompt."""
    if not source:
        return False
    items = words(text)
    return any(tuple(items[i : i + size]) in source for i in range(len(items) - size + 1))


@dataclass
class JunkWatch:
    """Fed the growing answer; `reason` becomes non-empty once the answer is junk.

    `instructions` are the parts of the prompt a model has no reason to repeat (the system prompt,
    the request's wording), never the user's code, which a fix legitimately gives back."""

    instructions: Sequence[str] = ()
    reason: str = ""
    _source: set[tuple[str, ...]] = field(default_factory=set)
    _checked: int = 0

    def __post_init__(self) -> None:
        for text in self.instructions:
            self._source |= shingles(text)

    def feed(self, answer: str) -> str:
        """The reason to stop reading `answer` (all of it so far), or ""."""
        if self.reason:
            return self.reason
        done = answer.rfind("\n") + 1
        if done <= self._checked:
            return ""
        lines = answer[:done].splitlines()
        self._checked = done
        if echoes(answer[:done], self._source):
            self.reason = "the answer repeats the instructions"
        elif repeated_fence(lines):
            self.reason = "the answer opens the same code fence again and again"
        elif repeated_line(lines):
            self.reason = "the answer repeats one line over and over"
        return self.reason


def repeated_fence(lines: Sequence[str]) -> bool:
    """The same fence line (```csound, ```) three times: a model stuck opening blocks."""
    fences = [line.strip() for line in lines if _FENCE.match(line)]
    return any(fences.count(fence) >= 3 for fence in set(fences))


def repeated_line(lines: Sequence[str], times: int = 3) -> bool:
    """One non-blank line `times` times in a row."""
    run, last = 0, None
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        run = run + 1 if stripped == last else 1
        last = stripped
        if run >= times:
            return True
    return False


def clean_explanation(answer: str, instructions: Iterable[str], code: str) -> str:
    """The prose of an explanation: no line that echoes the instructions, no section tag, no code
    fence or fenced block, no line copied from the code that was explained."""
    source: set[tuple[str, ...]] = set()
    short: set[tuple[str, ...]] = set()
    for text in instructions:
        source |= shingles(text)
        short |= shingles(text, 4)
    code_lines = {line.strip() for line in code.splitlines() if len(line.strip()) > 6}
    kept: list[str] = []
    in_fence = False
    for line in answer.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        stripped = line.strip()
        if in_fence or _SECTION_TAG.search(line) or stripped in code_lines or echoes(line, source):
            continue
        line_words = words(line)
        if len(line_words) >= 4 and shingles(line, 4) <= short:  # a short line, wholly recited
            continue
        kept.append(line.rstrip())
    while kept and not kept[-1].strip():
        kept.pop()
    while kept and not kept[0].strip():
        kept.pop(0)
    text = "\n".join(kept)
    return text if len(words(text)) >= 3 else ""
