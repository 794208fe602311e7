"""Post-filters: turning what a model wrote into text that belongs in a Csound file.

Models wrap code in Markdown fences, add a sentence of prose, run past the end of the instrument,
repeat the lines that already follow the cursor, or loop on one line until the token limit. Inline
completion runs `filter_inline` on each streamed line (it also says when to stop reading); chat
answers go through `extract_code`. All pure string functions, covered by golden tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Section = Literal["orchestra", "score", "options", "other"]

#: Special tokens a server may let through; everything from the first one on is dropped.
_SPECIAL = re.compile(
    r"<\|(?:endoftext|fim_\w+|file_sep(?:arator)?|im_end|im_start|end_of_text|eot_id)\|>|"
    r"<(?:eos|end_of_turn|start_of_turn|EOT|PRE|SUF|MID|file_sep|fim_\w+)>"
)
_FENCE_LINE = re.compile(r"^\s*```")
_FENCE_BLOCK = re.compile(r"```[ \t]*([\w+#.-]*)[^\n]*\n(.*?)(?:\n[ \t]*```|\Z)", re.S)
_SECTION_TAG = re.compile(r"^\s*</?Cs\w*>", re.I)
_DEFINITION = re.compile(r"^\s*(instr|opcode)\b")
_ORC_END = re.compile(r"^\s*(endin|endop)\b")
_PROSE_START = re.compile(
    r"^(here( is|'s)|this (code|instrument|example|will|is)|the (code|above|instrument)|note:|"
    r"explanation|in this|i (have|hope|added)|sure\b|certainly|let me|you can|output:)",
    re.I,
)
_SCORE_LINE = re.compile(r"^\s*([ifaebsmnqrtvxy{}]\b|[ifaebsmnqrtvxy]\s*[\d\"$.+-]|;|$|#)")
#: At most this many lines of one inline suggestion, per section.
MAX_LINES: dict[Section, int] = {"orchestra": 16, "score": 12, "options": 1, "other": 8}
MAX_LINE_CHARS = 240


@dataclass(frozen=True)
class InlineContext:
    """What the filter needs to know about the cursor's surroundings."""

    section: Section = "orchestra"
    #: Text after the cursor on the cursor's line.
    rest_of_line: str = ""
    #: The lines after the cursor's line (up to a dozen is plenty).
    following: tuple[str, ...] = ()
    #: Whether the cursor is inside an instrument or UDO whose closing line is already in the file.
    closed_below: bool = False
    #: Whether the generation stopped on the token limit (its last line may be cut off).
    truncated: bool = False
    #: Mid-line (or before code on the line): the suggestion ends the cursor's line, one line only.
    one_line: bool = False


@dataclass(frozen=True)
class FilterResult:
    text: str
    #: A stop condition was met: reading more of the stream cannot change `text`.
    complete: bool


def _is_prose(line: str) -> bool:
    stripped = line.strip()
    if not stripped or stripped.startswith(";") or stripped.startswith("//"):
        return False
    if _PROSE_START.match(stripped):
        return True
    words = stripped.split()
    if len(words) < 6 or not words[0][:1].isupper():
        return False
    if re.search(r"[=,(\[\]\"$#<>*/+]|\d", stripped):
        return False
    return stripped[-1] in ".:!?" or len(words) >= 8


def strip_special(text: str) -> tuple[str, bool]:
    """Text up to the first special token, and whether one was found."""
    match = _SPECIAL.search(text)
    return (text[: match.start()], True) if match else (text, False)


def unfence(text: str) -> tuple[str, bool]:
    """Code from a completion that opened a Markdown fence, or text up to a fence it closed."""
    lines = text.split("\n")
    if lines and _FENCE_LINE.match(lines[0]):
        body = lines[1:]
        for index, line in enumerate(body):
            if _FENCE_LINE.match(line):
                return "\n".join(body[:index]), True
        return "\n".join(body), False
    for index, line in enumerate(lines):
        if _FENCE_LINE.match(line):
            return "\n".join(lines[:index]), True
    return text, False


def _repeats_following(line: str, following: list[str]) -> bool:
    """The line is the next non-blank line already in the file after the cursor."""
    stripped = line.strip()
    return bool(stripped) and bool(following) and stripped == following[0]


def _runaway(lines: list[str], index: int) -> int | None:
    """None, or how many kept lines to take back when line `index` makes a third copy in a row
    (of one line: cut here; of a two-line block: also drop the block's first line, kept already)."""
    line = lines[index].strip()
    if not line:
        return None
    if index >= 2 and lines[index - 1].strip() == line == lines[index - 2].strip():
        return 0
    if index >= 5:
        tail = [item.strip() for item in lines[index - 5 : index + 1]]
        if tail[0:2] == tail[2:4] == tail[4:6]:
            return 1
    return None


def _template(line: str) -> str:
    """A line with its numbers blanked: `print 2` and `print 3` share one template."""
    return re.sub(r"\d+(\.\d+)?", "#", line.strip())


#: One digit a dozen times in a row: a model stuck on `1000000000000...`, never a Csound number.
_DIGIT_RUN = re.compile(r"(\d)\1{11,}")


def _loop_in_line(line: str) -> int | None:
    """Where a line starts looping over numbered words (`i3 i4 i5 i6 i7 i8`) or one digit, or None."""
    digits = _DIGIT_RUN.search(line)
    if digits is not None:
        return digits.start()
    tokens = list(re.finditer(r"\S+", line))
    run = 1
    for index in range(1, len(tokens)):
        word, before = tokens[index].group(0), tokens[index - 1].group(0)
        numbered = re.search(r"[A-Za-z_]", word) and re.search(r"\d", word)
        if numbered and _template(word).strip(",") == _template(before).strip(","):
            run += 1
            if run >= 6:
                return tokens[index - run + 2].start()
        else:
            run = 1
    return None


def _repetition(kept: list[str], line: str) -> int | None:
    """None, or how many kept lines to keep when `line` repeats: an earlier kept line again, or a
    third line in a row of one numbered template (`print 2 / print 3 / print 4`: keep the first)."""
    stripped = line.strip()
    if len(stripped) < 3 or stripped.startswith(";"):
        return None
    if any(stripped == earlier.strip() for earlier in kept):
        return len(kept)
    template = _template(stripped)
    if template != stripped and len(kept) >= 2:
        last, before = kept[-1].strip(), kept[-2].strip()
        if _template(last) == template == _template(before) and len({stripped, last, before}) == 3:
            return len(kept) - 1
    return None


def filter_inline(raw: str, context: InlineContext) -> FilterResult:
    """The part of a raw completion worth showing, cut at the first stop condition.

    The first line continues the cursor's line; each later line is a whole line of the file. While
    streaming, the last line may be partial: `complete` says whether a stop condition was met.
    """
    text, complete = strip_special(raw)
    text, fenced = unfence(text)
    complete = complete or fenced
    lines = text.split("\n")
    following = [line.strip() for line in context.following if line.strip()]
    limit = MAX_LINES[context.section]
    kept: list[str] = []
    for index, line in enumerate(lines):
        if index == 0:
            rest = context.rest_of_line.strip()
            if rest and line.rstrip().endswith(rest):
                line = line.rstrip()[: -len(rest)]
            if _is_prose(line):
                return FilterResult("", True)
            loop = _loop_in_line(line)
            if loop is not None:  # a numbered loop on the line: keep what came before it
                kept.append(line[:loop].rstrip())
                complete = True
                break
            kept.append(line)
            if (context.section == "options" or context.one_line) and len(lines) > 1:
                complete = True
                break
            continue
        stop = (
            len(kept) >= limit
            or _SECTION_TAG.match(line) is not None
            or _is_prose(line)
            or _DEFINITION.match(line) is not None
            or (context.section == "score" and not _SCORE_LINE.match(line))
            or _repeats_following(line, following)
            or len(line) > MAX_LINE_CHARS
        )
        runaway = _runaway(lines, index)
        repeated = _repetition(kept, line)
        if repeated is not None or _loop_in_line(line) is not None:
            del kept[repeated if repeated is not None else len(kept) :]
            complete = True
            break
        if stop or runaway is not None:
            if runaway:
                del kept[-runaway:]
            complete = True
            break
        if _ORC_END.match(line):
            if not context.closed_below:
                kept.append(line)
            complete = True
            break
        kept.append(line)
    if kept and len(kept[0]) > MAX_LINE_CHARS:
        return FilterResult("", True)
    if context.one_line and kept and not kept[0].split(";", 1)[0].strip():
        return FilterResult("", complete)  # mid-line, a bare comment adds no code
    # Whole lines only: when the token limit cut the generation, its last line may be cut too.
    if context.truncated and not complete and kept:
        kept.pop()
    result = "\n".join(kept).rstrip()
    return FilterResult(result if result.strip() else "", complete)


def extract_code(answer: str, *, prefer: tuple[str, ...] = ("csound", "csd", "orc", "")) -> str:
    """The code in a chat answer: the first fenced block of a preferred language, else its code lines."""
    answer, _ = strip_special(answer)
    blocks = [(lang.lower(), body) for lang, body in _FENCE_BLOCK.findall(answer)]
    for wanted in prefer:
        for lang, body in blocks:
            if lang == wanted or (wanted == "" and lang not in ("score", "sco")):
                return str(body).strip("\n")
    if blocks:
        return str(blocks[0][1]).strip("\n")
    kept = [line for line in answer.splitlines() if not _is_prose(line)]
    return "\n".join(kept).strip("\n")


def extract_score(answer: str) -> str:
    """Score lines from a generate answer: a ```score block, else `i`/`f` lines outside the code."""
    for lang, body in _FENCE_BLOCK.findall(answer):
        if lang.lower() in ("score", "sco"):
            return "\n".join(line for line in body.splitlines() if _SCORE_LINE.match(line)).strip()
    return ""


def comment_lines(markdown: str, *, indent: str = "", width: int = 96) -> str:
    """Markdown as `;` comment lines: fences and emphasis marks dropped, long lines wrapped."""
    out: list[str] = []
    for line in markdown.splitlines():
        if _FENCE_LINE.match(line):
            continue
        line = re.sub(r"^#+\s*", "", line.rstrip())
        line = line.replace("**", "").replace("`", "")
        while len(line) > width:
            cut = line.rfind(" ", 0, width)
            cut = cut if cut > 20 else width
            out.append(line[:cut].rstrip())
            line = "  " + line[cut:].lstrip() if line.lstrip().startswith(("-", "*")) else line[cut:].lstrip()
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    while out and not out[0].strip():
        out.pop(0)
    return "\n".join(f"{indent}; {line}".rstrip() for line in out) + ("\n" if out else "")
