"""Neutralise what would run code or touch the outside world before a buffer reaches Csound.

Pure text in, text out. Every change replaces characters by spaces (never a newline or a carriage
return), so the result has exactly the length, the line breaks and the columns of the input: Csound's
line numbers and columns still point into the user's document.

What is neutralised and why (Csound 6.18, checked in ``tests/test_csound_sanitize.py`` and
``tests/test_csound_worker.py``):

* ``<CsScore bin="prog">``: Csound runs ``prog`` while *reading* the CSD, even with
  ``--syntax-check-only``; the whole section is blanked, tags included (blanking only the
  attributes leaves ``<CsScore   >``, still a bin= tag to Csound), since its body is that
  program's input, not score.
* ``<CsFile>``, ``<CsFileB>``, ``<CsSampleB>``, ``<CsMidifileB>``: Csound writes these out as files while
  reading the CSD; the whole element is blanked.
* ``<CsOptions>`` flags that open devices, read or write files, load code, change the environment or
  change how messages and line numbers come out (``-odac``, ``-iadc``, ``-M``, ``-U``, ``--opcode-lib``,
  ``--env:``, ``--logfile``, ``-+rtaudio``, ``--csd-line-nums``, ``-m``...); macros (``--omacro``,
  ``--smacro``), rates and formats stay, since dropping them would invent errors.
* ``<CsOptions>`` without ``</CsOptions>``: Csound 6.18 crashes (SIGSEGV) on it; the opening tag is
  blanked so the flags become inert text, and the change is reported.
* ``#include`` of a URL (Csound fetches it over the network) or of a device/proc file (reads forever):
  blanked and reported.
* the command strings of ``system``/``system_i`` (init/perf-time code never runs on a check, but a
  literal command is emptied anyway, keeping its quotes so the types do not change).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

__all__ = ["Neutralised", "Sanitized", "sanitize"]

SourceKind = Literal["csd", "orc", "sco"]

NeutralisedKind = Literal[
    "score-bin",
    "embedded-file",
    "option",
    "unterminated-options",
    "url-include",
    "device-include",
    "system-command",
]


@dataclass(frozen=True)
class Neutralised:
    """One change: where (0-based line and column of its first character), what kind, what was there."""

    kind: NeutralisedKind
    line: int
    column: int
    detail: str


@dataclass(frozen=True)
class Sanitized:
    """The text to hand to Csound and the list of changes made to get it."""

    text: str
    changes: tuple[Neutralised, ...]

    def of_kind(self, *kinds: NeutralisedKind) -> tuple[Neutralised, ...]:
        return tuple(change for change in self.changes if change.kind in kinds)


# --- CSD structure --------------------------------------------------------------------------------

_EMBEDDED = re.compile(
    r"<(CsFileB|CsFile|CsSampleB|CsMidifileB|CsMidiFileB)\b[^>]*>(.*?)(</\1>|</CsMidi[Ff]ileB>|\Z)",
    re.DOTALL,
)
_SCORE_TAG = re.compile(r"<CsScore\b([^>]*)>")
_OPTIONS_OPEN = re.compile(r"<CsOptions>")
_OPTIONS_CLOSE = re.compile(r"</CsOptions>")
_NEXT_TAG = re.compile(r"</?Cs\w*")

# --- CsOptions ------------------------------------------------------------------------------------

#: Short flags that take an argument (glued on or the next token) and are dropped with it.
_DROP_SHORT_WITH_ARG = frozenset("oiMFLQOtmU")
#: Short flags that take an argument and are harmless.
_KEEP_SHORT_WITH_ARG = frozenset("bBrkjx")
#: Short flags without an argument that are dropped (verbose, Postscript file, list opcodes).
_DROP_SHORT = frozenset("vGz")
#: Long options dropped (matched on the name before "=" or ":").
_DROP_LONG = frozenset(
    {
        "output", "input", "logfile", "midi-device", "midifile", "midioutfile", "score-in",
        "utility", "opcode-lib", "opcode-dir", "opcode-omit", "env", "sched", "port", "udp-echo",
        "udp-console", "daemon", "devices", "midi-devices", "get-system-sr", "use-system-sr",
        "keep-sorted-score", "simple-sorted-score", "messagelevel", "messageolevel",
        "csd-line-nums", "verbose", "list-opcodes", "help", "version", "postscriptdisplay",
        "realtime", "num-threads",
    }
)  # fmt: skip
_DROP_LONG_PREFIXES = ("m-", "list-opcodes")
#: ``-+name=value`` module settings that pick or configure devices, or colour the messages.
_DROP_PLUS = re.compile(r"^(rt\w*|\w*jack\w*|server|client|msg_color|ignore_csopts)$")
_OPTION_TOKEN = re.compile(r'(?:[^\s"]|"[^"\n]*")+')

# --- orchestra / score ----------------------------------------------------------------------------

_INCLUDE = re.compile(r"#include(?:str)?[ \t]*(\S)(.*?)\1")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^(https?|ftps?):", re.IGNORECASE)
_DEVICE = re.compile(r"^/(dev|proc|sys)/")
_SYSTEM = re.compile(r"\bsystem(_i)?\b")
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\{\{.*?\}\}', re.DOTALL)
_COMMENT = re.compile(r"/\*.*?(\*/|\Z)|;[^\n]*|//[^\n]*", re.DOTALL)


class _Buffer:
    """The text as a mutable list of characters, with change records."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.chars = list(text)
        self.changes: list[Neutralised] = []
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        lo, hi = 0, len(self._line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo, offset - self._line_starts[lo]

    def blank(self, start: int, end: int, kind: NeutralisedKind | None = None, detail: str = "") -> None:
        for i in range(start, min(end, len(self.chars))):
            if self.chars[i] not in "\r\n":
                self.chars[i] = " "
        if kind is not None:
            line, column = self.position(start)
            self.changes.append(Neutralised(kind, line, column, detail))

    def text(self) -> str:
        return "".join(self.chars)


def sanitize(text: str, kind: SourceKind = "csd") -> Sanitized:
    """`text` with every unsafe construct blanked out (see the module docstring); same length and lines."""
    buf = _Buffer(text)
    code_regions = _neutralise_csd_structure(buf) if kind == "csd" else [(0, len(text))]
    for start, end in code_regions:
        _neutralise_code(buf, start, end, system_commands=kind != "sco")
    changes = sorted(buf.changes, key=lambda change: (change.line, change.column))
    return Sanitized(buf.text(), tuple(changes))


def _neutralise_csd_structure(buf: _Buffer) -> list[tuple[int, int]]:
    """Embedded files, score bin= and CsOptions; returns the regions that hold orchestra/score code."""
    text = buf.original
    skipped: list[tuple[int, int]] = []
    for match in _EMBEDDED.finditer(text):
        buf.blank(match.start(), match.end(), "embedded-file", match.group(1))
        skipped.append((match.start(), match.end()))
    for match in _SCORE_TAG.finditer(text):
        if match.group(1).strip() and not _inside(match.start(), skipped):
            # `<CsScore   >` would still be a bin= tag to Csound ("Missing program", then "unknown
            # CSD tag </CsScore>"), and the body is another program's input, not score: the whole
            # section, both tags included, is blanked, so Csound sees a CSD without a score.
            score_end = text.find("</CsScore>", match.end())
            end = score_end + len("</CsScore>") if score_end != -1 else match.end()
            buf.blank(match.start(), end, "score-bin", match.group(1).strip())
    for opening in _OPTIONS_OPEN.finditer(text):
        if _inside(opening.start(), skipped):
            continue
        closing = _OPTIONS_CLOSE.search(text, opening.end())
        following = _NEXT_TAG.search(text, opening.end())
        if closing is None or (following is not None and following.start() < closing.start()):
            buf.blank(opening.start(), opening.end(), "unterminated-options", "missing </CsOptions>")
            end = following.start() if following is not None else len(text)
        else:
            end = closing.start()
        _neutralise_options(buf, opening.end(), end)
        skipped.append((opening.start(), end))
    regions: list[tuple[int, int]] = []
    cursor = 0
    for start, end in sorted(skipped):
        if start > cursor:
            regions.append((cursor, start))
        cursor = max(cursor, end)
    regions.append((cursor, len(text)))
    return regions


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


def _option_tokens(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """Tokens of a CsOptions block, skipping ``;``/``#`` line comments and ``/* */`` comments."""
    position = start
    while position < end:
        match = _OPTION_TOKEN.search(text, position, end)
        if match is None:
            return
        token = match.group()
        if token.startswith((";", "#")):
            newline = text.find("\n", match.start(), end)
            position = end if newline < 0 else newline + 1
            continue
        if token.startswith("/*"):
            close = text.find("*/", match.start() + 2, end)
            position = end if close < 0 else close + 2
            continue
        yield match
        position = match.end()


def _neutralise_options(buf: _Buffer, start: int, end: int) -> None:
    tokens = list(_option_tokens(buf.original, start, end))
    _drop_file_names(buf, tokens)
    index = 0
    while index < len(tokens):
        match = tokens[index]
        token = match.group()
        index += 1
        if token.startswith("--"):
            name = re.split(r"[=:]", token[2:], maxsplit=1)[0]
            if name in _DROP_LONG or name.startswith(_DROP_LONG_PREFIXES):
                buf.blank(match.start(), match.end(), "option", token)
                if name == "utility":
                    _drop_rest(buf, tokens[index:])
                    return
        elif token.startswith("-+"):
            name = token[2:].split("=", 1)[0]
            if _DROP_PLUS.match(name):
                buf.blank(match.start(), match.end(), "option", token)
        elif token.startswith("-") and len(token) > 1:
            keep, drop_next, stop = _short_cluster(token)
            if keep == token:
                continue
            detail = token
            if drop_next and index < len(tokens):
                nxt = tokens[index]
                buf.blank(nxt.start(), nxt.end())
                detail = f"{token} {nxt.group()}"
                index += 1
            blank_from = match.start() if keep == "-" else match.start() + len(keep)
            buf.blank(blank_from, match.end(), "option", detail)
            if stop:  # -U: everything after it belongs to the utility
                _drop_rest(buf, tokens[index:])
                return


def _drop_file_names(buf: _Buffer, tokens: list[re.Match[str]]) -> None:
    """Words that are no flag nor a flag's value: the csound command takes up to two of them as the
    orchestra and score file names (a CSD's own sections win), while the API a check runs through
    calls them invalid arguments. One or two are dropped; more stay, for Csound to refuse as the
    command does ("too many arguments")."""
    names: list[re.Match[str]] = []
    takes_next = False
    for match in tokens:
        token = match.group()
        if takes_next:
            takes_next = False
            continue
        if token.startswith("-"):
            letter = token[1:2]
            takes_next = len(token) == 2 and letter in _DROP_SHORT_WITH_ARG | _KEEP_SHORT_WITH_ARG
            continue
        names.append(match)
    if len(names) <= 2:
        for match in names:
            buf.blank(match.start(), match.end(), "option", f"file name {match.group()}")


def _drop_rest(buf: _Buffer, tokens: list[re.Match[str]]) -> None:
    for match in tokens:
        buf.blank(match.start(), match.end(), "option", match.group())


def _short_cluster(token: str) -> tuple[str, bool, bool]:
    """Split ``-dodac`` style clusters: (the harmless prefix to keep, drop the next token, stop at -U).

    Csound reads a cluster letter by letter; a letter that takes an argument eats the rest of the token,
    or the next token when nothing is left.
    """
    for position in range(1, len(token)):
        letter = token[position]
        rest = token[position + 1 :]
        if letter in _DROP_SHORT:
            return token[:position], False, False
        if letter in _DROP_SHORT_WITH_ARG:
            return token[:position], not rest, letter == "U"
        if letter in _KEEP_SHORT_WITH_ARG:
            return token, False, False
    return token, False, False


def _comment_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Comments and strings (so a ``;`` inside a string is not a comment)."""
    spans: list[tuple[int, int]] = []
    position = start
    pattern = re.compile(_COMMENT.pattern + "|" + _STRING.pattern, re.DOTALL)
    while True:
        match = pattern.search(text, position, end)
        if match is None:
            return spans
        if not match.group().startswith(('"', "{{")):
            spans.append((match.start(), match.end()))
        position = max(match.end(), match.start() + 1)


def _neutralise_code(buf: _Buffer, start: int, end: int, *, system_commands: bool) -> None:
    text = buf.original
    comments = _comment_spans(text, start, end)
    for match in _INCLUDE.finditer(text, start, end):
        if _inside(match.start(), comments):
            continue
        target = match.group(2).strip()
        if _URL.match(target):
            buf.blank(match.start(), match.end(), "url-include", target)
        elif _DEVICE.match(target):
            buf.blank(match.start(), match.end(), "device-include", target)
    if not system_commands:
        return
    for match in _SYSTEM.finditer(text, start, end):
        if _inside(match.start(), comments):
            continue
        string = _STRING.search(text, match.end(), end)
        if string is None or "\n" in text[match.end() : string.start()]:
            continue
        quote = 2 if string.group().startswith("{{") else 1
        if string.end() - string.start() > 2 * quote:
            buf.blank(string.start() + quote, string.end() - quote, "system-command", string.group())
