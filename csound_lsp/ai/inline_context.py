"""The fill-in-the-middle prompt for an inline suggestion, built within a token budget.

Section-aware: in the orchestra the model sees the header, the enclosing instrument or UDO, the
catalog's signatures for the opcodes on the cursor's line and a few retrieved examples, all as `;`
comments above the local code (so the prompt is still a Csound file); in the score it sees which
instruments exist and the p-fields they read; in `<CsOptions>` a one-line list of common flags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import skeleton_model
from csound_lsp.syntax.languages import FileKind

from .budget import _head_within, _tail_within, estimate_tokens
from .filters import InlineContext, Section
from .grounding import Example, as_comments, opcodes_in, signature_lines

#: Answer sizes per section: a few lines of orchestra, a few score lines, one options line.
MAX_TOKENS: dict[Section, int] = {"orchestra": 96, "score": 64, "options": 24, "other": 48}
STOPS: dict[Section, tuple[str, ...]] = {
    "orchestra": ("\ninstr ", "\nopcode ", "</Cs", "```"),
    "score": ("</CsScore", "```", "\ninstr "),
    "options": ("\n", "</CsOptions"),
    "other": ("```", "</Cs"),
}
_SECTION_BY_TAG: dict[str, Section] = {
    "csinstruments": "orchestra",
    "csscore": "score",
    "csoptions": "options",
}
_HEADER_LINE = re.compile(r"^\s*(sr|kr|ksmps|nchnls|nchnls_i|0dbfs|A4)\s*=.*$", re.M)
_PFIELD = re.compile(r"\bp(\d+)\b")
#: Lines after which a block may follow: an item's first line, `if ... then`, `while ... do`, `else`.
_OPENER = re.compile(
    r"^\s*(instr\b|opcode\b|(else)?if\b.*\bthen\s*(;.*)?$|else\s*(;.*)?$|(while|until)\b.*\bdo\s*(;.*)?$)",
    re.I,
)
#: Answer size of a one-line suggestion.
LINE_TOKENS = 40
_OPTIONS_HINT = "; Csound options, for example: -odac -W -o out.wav -d -m0 --sample-rate=48000 -k 4800"


@dataclass(frozen=True)
class Cursor:
    """Where the cursor is, in characters of `Document.text`, and what surrounds it."""

    section: Section
    char_offset: int
    prefix: str
    suffix: str
    #: Character range of the enclosing instrument or UDO, when there is one.
    unit: tuple[int, int] | None
    closed_below: bool
    line_text: str
    rest_of_line: str


@dataclass(frozen=True)
class InlinePrompt:
    section: Section
    prefix: str
    suffix: str
    max_tokens: int
    stop: tuple[str, ...]
    filter: InlineContext


def locate(document: Document, byte_offset: int) -> Cursor:
    """The cursor's section and surroundings from the document's model."""
    text = document.text
    char_offset = len(document.source[:byte_offset].decode("utf-8", errors="replace"))
    section: Section
    if document.kind is FileKind.SCO:
        section = "score"
    elif document.kind is FileKind.ORC:
        section = "orchestra"
    else:
        found = skeleton_model(document).section_at(byte_offset)
        section = _SECTION_BY_TAG.get(found.tag.lower(), "other") if found else "other"
    unit: tuple[int, int] | None = None
    closed_below = False
    if section == "orchestra":
        scope_node = skeleton_model(document).scope_at(byte_offset).node
        if scope_node is not None:
            start = len(document.source[: scope_node.start_byte].decode("utf-8", errors="replace"))
            end = len(document.source[: scope_node.end_byte].decode("utf-8", errors="replace"))
            unit = (start, end)
            tail = text[char_offset:end]
            closed_below = re.search(r"^\s*(endin|endop)\b", tail, re.M) is not None
    line_start = text.rfind("\n", 0, char_offset) + 1
    line_end = text.find("\n", char_offset)
    line_end = len(text) if line_end < 0 else line_end
    return Cursor(
        section,
        char_offset,
        text[:char_offset],
        text[char_offset:],
        unit,
        closed_below,
        text[line_start:line_end],
        text[char_offset:line_end],
    )


def one_line(cursor: Cursor) -> bool:
    """Whether only the rest of the cursor's line fits the moment: code before or after the cursor
    on its line. A block may follow at the end of an opener (`instr`, `if ... then` ...) and on a
    blank line."""
    before = cursor.line_text[: len(cursor.line_text) - len(cursor.rest_of_line)]
    if cursor.rest_of_line.strip():
        return True
    return bool(before.strip()) and _OPENER.match(before) is None


def _suffix_comments(suffix: str, rest_of_line: str, limit: int = 8) -> str:
    """The code after the cursor as `;` comments, for a model that cannot take a suffix."""
    lines = [line for line in suffix.split("\n")[1:] if line.strip()][:limit]
    parts = []
    if rest_of_line.strip():
        parts.append(f"; the cursor's line ends with: {rest_of_line.strip()}")
    if lines:
        parts.append(
            "; the code after the cursor's line:\n" + "\n".join(f";   {line.rstrip()}" for line in lines)
        )
    return "\n".join(parts)


def retrieval_query(cursor: Cursor) -> str:
    """Words that say what is being written: the unit's comments and opcodes, the current line."""
    if cursor.section != "orchestra":
        return ""
    if cursor.unit is not None:
        start = cursor.unit[0]
        around = (cursor.prefix[start:] + cursor.suffix[: max(0, cursor.unit[1] - cursor.char_offset)])[:3000]
    else:
        around = cursor.prefix[-1500:]
    comments = " ".join(re.findall(r";+\s*(.*)", around))[:300]
    return f"{comments} {' '.join(opcodes_in(around, limit=8))} {cursor.line_text.strip()}".strip()


def _instrument_fields(document: Document) -> str:
    """`; instr 1 reads p4 p5` lines for the score prompt."""
    lines = []
    model = skeleton_model(document)
    for instrument in model.instruments[:24]:
        body = model.text(instrument.node)
        fields = sorted({int(n) for n in _PFIELD.findall(body) if int(n) > 3})
        reads = " reads " + " ".join(f"p{n}" for n in fields) if fields else ""
        lines.append(f"; instr {instrument.label}{reads}")
    return "\n".join(lines)


def _header_comment(document: Document, local_prefix: str) -> str:
    header = _HEADER_LINE.findall(document.text)
    if not header:
        return ""
    lines = [m.group(0).strip() for m in _HEADER_LINE.finditer(document.text)]
    if all(line in local_prefix for line in lines):
        return ""
    return "; header: " + ", ".join(lines)


def build_prompt(
    document: Document,
    cursor: Cursor,
    examples: list[Example],
    budget: int,
    *,
    suffix_in_prefix: bool = False,
) -> InlinePrompt:
    """Prefix and suffix for the completion model; the caller's `budget` is in prompt tokens.

    `suffix_in_prefix`: the model has no fill-in-the-middle format, so the code after the cursor
    reaches it as comments above the local code instead."""
    section = cursor.section
    line_only = one_line(cursor)
    suffix_budget = budget // 5
    suffix_text = cursor.suffix
    if cursor.unit is not None and section == "orchestra":
        unit_end = max(0, cursor.unit[1] - cursor.char_offset)
        # the rest of the instrument, then a little more (the next definition's first lines)
        suffix_text = cursor.suffix[: unit_end + 200]
    elif section == "options":
        suffix_text = cursor.suffix.split("\n", 1)[0]
    suffix = _head_within(suffix_text, suffix_budget)
    comments: list[str] = []
    # Mid-line in the orchestra the model gets the code itself, nothing else: measured on the dev half
    # with a small model, signature, header and after-the-cursor comments above the local code lowered
    # both similarity and compile rate (the engine checks argument counts against the catalog itself).
    plain = line_only and section == "orchestra"
    if section == "orchestra" and not plain:
        names = opcodes_in(cursor.line_text, limit=3)
        comments += [f"; {line}" for line in signature_lines(names, overloads=2)]
        examples_text = as_comments(examples)
        if examples and estimate_tokens(examples_text) <= budget // 4:
            comments.append(examples_text.rstrip("\n"))
    elif section == "score":
        fields = _instrument_fields(document)
        if fields:
            comments.append("; instruments in this file:\n" + fields)
    elif section == "options":
        comments.append(_OPTIONS_HINT)
    if suffix_in_prefix and section in ("orchestra", "score") and not plain:
        after = _suffix_comments(suffix, cursor.rest_of_line)
        if after:
            comments.append(after)
    # Comments never take more than a third of the prompt: the local code matters most.
    while comments and sum(estimate_tokens(c) for c in comments) > budget // 3:
        comments.pop()
    prefix_budget = budget - estimate_tokens(suffix) - sum(estimate_tokens(c) for c in comments) - 8
    local = _tail_within(cursor.prefix, max(prefix_budget, 32))
    if section == "orchestra" and not plain:
        header = _header_comment(document, local)
        spent = sum(estimate_tokens(c) for c in comments)
        if header and spent + estimate_tokens(header) <= budget // 3:
            comments.insert(0, header)
            local = _tail_within(cursor.prefix, max(prefix_budget - estimate_tokens(header), 32))
    block = "\n".join(c for c in comments if c)
    prefix = local
    if block:
        # Comments go at a line start just above the local code; a cut line is never split.
        if local and not local.startswith("\n") and len(local) < len(cursor.prefix):
            first_newline = local.find("\n")
            local = local[first_newline + 1 :] if first_newline >= 0 else local
        prefix = f"{block}\n{local}"
    stops = STOPS[section]
    if cursor.closed_below:
        stops = (*stops, "\nendin", "\nendop")
    max_tokens = MAX_TOKENS[section]
    if line_only:
        stops = (*stops, "\n") if "\n" not in stops else stops
        max_tokens = min(max_tokens, LINE_TOKENS)
    following = tuple(cursor.suffix.split("\n")[1:13])
    return InlinePrompt(
        section,
        prefix,
        suffix,
        max_tokens,
        stops,
        InlineContext(section, cursor.rest_of_line, following, cursor.closed_below, one_line=line_only),
    )
