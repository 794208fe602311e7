"""Turn Csound's compile messages into raw diagnostics (pure; fixtures are real Csound 6.18 and 7.0 output).

Csound prints a message in many small chunks (``error:``, `` from file *string* (1),``, `` line 12:``,
one chunk per character of the source excerpt...), so the chunks are joined and cut again into records,
each starting at a known opener (``error:``, ``WARNING:``, ``Cannot open #include'd file``...).

Line numbers, as Csound 6.18 reports them at compile time (``tests/fixtures/csound6/*.messages.json``):

* CSD files: lines count from the top of the *CSD file* (``--csd-line-nums=1``, the default, which the
  worker also forces and the sanitiser keeps users from turning off), not from ``<CsInstruments>``.
* ``.orc`` files compiled with ``compileOrc``: lines count from the top of the orchestra text.
* Errors inside an ``#include``d file name that file (`` from file inc/x.inc (2), from file *string*
  (1), line 3:``) and count lines in it; ``*string*`` is the document itself.
* "Variable 'x' used before defined" is often reported one line early (the line before the statement;
  exact for a label after ``goto``), and "Unable to find opcode entry for '='" (an ``i = k``
  assignment) one line late: `LineQuality` says so, and `token` names what to look for when the
  analysis layer re-anchors the diagnostic on the syntax tree.
* Duplicate instruments, redefined UDOs, missing includes, unterminated macros and score (``sread``)
  problems come with no line at all (`LineQuality.ABSENT`).

Csound 7.0 (``tests/fixtures/csound7/*.messages.json``, the same sources) words things differently:
every error starts ``syntax error, `` (no ``error:``), warnings ``warning: ``, and the place follows
the message as ``, line N`` with, for most errors, ``columns A,B`` or ``columns A-B`` (1-based, both
ends included: `RawDiagnostic.column`/`end_column` keep them 0-based, end excluded). Its lines are
exact ("used before defined" included), the include chain is one ``from file X (n)`` per line after
bison's syntax errors and absent otherwise, so an error inside an included file that is not a syntax
error names the included file's line without saying which file; the columns only count when the
token Csound names is found there (`analysis.csound_findings` checks). 7 also warns about deprecated
opcodes (``opcode outs is deprecated; use out instead, line 13``).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

__all__ = ["MAIN_FILE", "LineQuality", "RawDiagnostic", "Severity", "parse_messages"]

#: The name Csound 6.18 gives the text passed to ``compileCsdText``.
MAIN_FILE = "*string*"


class Severity(enum.IntEnum):
    """Same numbering as LSP's DiagnosticSeverity."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3


class LineQuality(enum.Enum):
    """How far to trust `RawDiagnostic.line`."""

    EXACT = "exact"
    #: The real line is `line` or the one after it.
    MAYBE_EARLY = "maybe-early"
    #: The real line is `line` or the one before it.
    MAYBE_LATE = "maybe-late"
    #: Csound gave no line; `line` is None.
    ABSENT = "absent"


@dataclass(frozen=True)
class RawDiagnostic:
    """One Csound complaint, located in the document (``file`` None) or in an included file."""

    message: str
    severity: Severity
    kind: str
    line: int | None
    file: str | None = None
    line_quality: LineQuality = LineQuality.EXACT
    token: str | None = None
    include_chain: tuple[str, ...] = ()
    #: Csound 7's columns: 0-based start and exclusive end on `line`, in bytes (None from Csound 6).
    column: int | None = None
    end_column: int | None = None


_ERROR_BIT = 0x1000
_WARNING_BIT = 0x4000
_TYPE_MASK = 0x7000

_OPENERS = re.compile(
    r"error:|WARNING:|Cannot open #include'd file|Undefined macro:|unexpected EOF!|Missing end tag"
    r"|Could not find <CsoundSynthesizer>|missing \" to terminate string|unknown CSD tag:|sread:"
    r"|Parsing failed|Stopping on parser failure|Unexpected untyped word|Includes nested too deeply"
    r"|Ill formed #include|macro error|define macro runaway|Too few arguments to macro"
    r"|Invalid arguments in <CsOptions>|More than \d+ arguments in <CsOptions>|Error: "
    r"|(?<!error: )syntax error, |warning: |unterminated string found on line"
)
_CHAIN = re.compile(r" ?from file (?P<name>.+?) \((?P<depth>\d+)\),?")
_LINE_AFTER_CHAIN = re.compile(r"((?: from file .+? \(\d+\),)*) line (?P<line>\d+):")
_LINE_BEFORE_CHAIN = re.compile(r"\bLine:? (?P<line>\d+)\s*\n?((?: from file .+? \(\d+\),)*)")
#: Csound 7's place: ", line 22, columns 1,5", ", line 13 columns 6-11", ", line 12", "on line 12".
_LINE7 = re.compile(r"(?:,|\bon)\s+line (?P<line>\d+)(?:,? columns (?P<first>\d+)[,-](?P<last>\d+))?")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

_SYNTAX = re.compile(
    r"(?:error: )?syntax error, unexpected (?P<what>.+?)(?:, expecting (?P<expecting>.+?))?\s+"
    r"\(token \"(?P<token>.*?)\"\)",
    re.DOTALL,
)
_NO_MATCH = re.compile(
    r"Unable to find opcode (?:entry for '(?P<op>[^']*)'\s+with matching argument types"
    r"|with (?P<io>input|output) arg types)"
)
_FOUND = re.compile(r"Found:\s*(?P<found>[^\n]*)")
_USED_BEFORE = re.compile(r"(?:Variable|input arg(?:ument)?) '(?P<var>[^']+)' used before defined", re.I)
_TYPE_UNKNOWN = re.compile(r"Variable type for (?P<var>\S+) could not be determined")
_INSTR_REDEFINED = re.compile(r"instr (?P<name>\S+) redefin(?:ed|ition)")
_OPCODE_REDEFINED = re.compile(r"redefined opcode: (?P<name>\S+)")
_INCLUDE_MISSING = re.compile(r"Cannot open #include'd file (?P<name>[^\n]+)")
_UNDEFINED_MACRO = re.compile(r"Undefined macro: '(?P<name>[^']+)'")
_MISSING_END = re.compile(r"Missing end tag (?P<tag></?\w+>)")
_UNKNOWN_TAG = re.compile(r"unknown CSD tag: (?P<tag>\S+)")
_SREAD = re.compile(r"sread: (?P<what>[^\n]*)")
_SREAD_WARNS = re.compile(r"unexpected char|substituted|illegal use of carry", re.I)
_NO_OPCODE7 = re.compile(r"unable to find opcode with name: (?P<name>[^\s,]+)")
_DEPRECATED7 = re.compile(r"opcode (?P<name>\S+) is deprecated(?P<rest>[^\n]*?)(?:, line \d+|\n|$)")
_UNTERMINATED7 = re.compile(r"unterminated string found on line \d+ >>(?P<text>.*?)<<")
#: Csound 7's follow-ups of an error already reported ("Foo UDO" after a bad xout).
_CONSEQUENCE7 = re.compile(r"syntax error, (?:\S+ UDO|conditional expression not valid)\b")
_UNTYPED_WORD = re.compile(r"Unexpected untyped word (?P<word>\S+)")
_SUMMARY = re.compile(
    r"Parsing failed|Stopping on parser failure|\d+ syntax errors in orchestra"
    r"|Internal error in print_input_backtrace"
)
_TOKEN_NAMES = {
    "T_IDENT": "identifier",
    "NEWLINE": "end of line",
    "ERROR_TOKEN": "invalid character",
    "$end": "end of file",
    "INSTR_TOKEN": "instr",
}


@dataclass
class _Record:
    text: str
    attr: int


def parse_messages(
    chunks: Iterable[tuple[int, str]] | str,
    *,
    line_offset: int = 0,
    return_code: int = 0,
) -> list[RawDiagnostic]:
    """Raw diagnostics from Csound's message chunks (``(attr, text)`` pairs, or already joined text).

    `line_offset` is the number of lines the caller put before the document (a wrapper CSD); the lines
    of the document's own diagnostics are shifted back by it. When the compile failed
    (`return_code` != 0) and nothing specific was recognised, one generic error carries Csound's
    summary so a failure is never silent.
    """
    records = _records(chunks)
    diagnostics: list[RawDiagnostic] = []
    summaries: list[str] = []
    for index, record in enumerate(records):
        body = _ANSI.sub("", record.text)
        bare = body.removeprefix("WARNING:").removeprefix("warning:").strip()
        if _SUMMARY.match(bare) or body.startswith("Unexpected untyped word"):
            if body.startswith("Parsing failed"):
                summaries.append(body.strip())
            continue
        diagnostic = _classify(body, record.attr, records[index + 1 :])
        if diagnostic is not None:
            diagnostics.append(_shift(diagnostic, line_offset))
    diagnostics = _merge(diagnostics)
    if not any(d.severity == Severity.ERROR for d in diagnostics) and return_code != 0:
        detail = "; ".join(summaries) or f"return code {return_code}"
        diagnostics.append(
            RawDiagnostic(
                f"Csound failed to compile ({detail})",
                Severity.ERROR,
                "compile-failed",
                None,
                line_quality=LineQuality.ABSENT,
            )
        )
    return diagnostics


def _records(chunks: Iterable[tuple[int, str]] | str) -> list[_Record]:
    """Join the chunks and cut at every opener; each record keeps the attribute of its first chunk."""
    pieces = [(0, chunks)] if isinstance(chunks, str) else list(chunks)
    text_parts: list[str] = []
    attr_at: list[tuple[int, int]] = []
    position = 0
    for attr, piece in pieces:
        attr_at.append((position, attr))
        text_parts.append(piece)
        position += len(piece)
    text = "".join(text_parts)
    starts = [match.start() for match in _OPENERS.finditer(text)]
    records: list[_Record] = []
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(text)
        records.append(_Record(text[start:end], _attr_at(attr_at, start)))
    return records


def _attr_at(attr_at: Sequence[tuple[int, int]], offset: int) -> int:
    found = 0
    for position, attr in attr_at:
        if position > offset:
            break
        found = attr
    return found


def _severity(body: str, attr: int, default: Severity) -> Severity:
    if body.startswith(("error", "Error")) or attr & _TYPE_MASK == _ERROR_BIT:
        return Severity.ERROR
    if body.startswith(("WARNING", "warning")) or attr & _TYPE_MASK == _WARNING_BIT:
        return Severity.WARNING
    return default


_Location = tuple[int | None, str | None, tuple[str, ...], tuple[int, int] | None]


def _location(body: str) -> _Location:
    """(Csound's 1-based line, innermost file or None for the document, include chain innermost first,
    Csound 7's 0-based column span or None)."""
    match = _LINE_AFTER_CHAIN.search(body)
    chain_text = match.group(1) if match else ""
    span: tuple[int, int] | None = None
    if match is None:
        match = _LINE7.search(body)
        chain_text = body[match.end() :] if match else ""
        if match is not None and match.group("first"):
            first, last = int(match.group("first")), int(match.group("last"))
            span = (max(first - 1, 0), max(last, first))
    if match is None:
        match = _LINE_BEFORE_CHAIN.search(body)
        chain_text = match.group(2) if match else ""
    if match is None:
        return None, None, (), None
    files = sorted(
        ((int(m.group("depth")), m.group("name")) for m in _CHAIN.finditer(chain_text)), reverse=True
    )
    chain = tuple(name for _, name in files)
    innermost = chain[0] if chain else MAIN_FILE
    return int(match.group("line")), (None if innermost == MAIN_FILE else innermost), chain, span


def _first_line(body: str) -> str:
    return " ".join(body.strip().split("\n", 1)[0].split())


def _classify(body: str, attr: int, following: Sequence[_Record]) -> RawDiagnostic | None:
    line, file, chain, span = _location(body)
    seven = body.startswith(("syntax error, ", "warning: ", "unterminated string found"))

    def make(
        message: str,
        kind: str,
        quality: LineQuality = LineQuality.EXACT,
        token: str | None = None,
        severity: Severity | None = None,
    ) -> RawDiagnostic:
        severity = severity or _severity(body, attr, Severity.ERROR)
        if line is None:
            quality = LineQuality.ABSENT
        elif seven:
            quality = LineQuality.EXACT  # Csound 7's lines are where the problem is
        column, end = span if span is not None else (None, None)
        return RawDiagnostic(message, severity, kind, line, file, quality, token, chain, column, end)

    if _CONSEQUENCE7.match(body):
        return None
    if match := _NO_OPCODE7.match(body.removeprefix("syntax error, ")):
        return make(f"unknown opcode '{match.group('name')}'", "unknown-opcode", token=match.group("name"))
    if match := _DEPRECATED7.match(body.removeprefix("warning: ")):
        rest = match.group("rest").strip(" ;,.")
        message = f"opcode {match.group('name')} is deprecated" + (f" ({rest})" if rest else "")
        return make(message, "deprecated-opcode", token=match.group("name"))
    if match := _UNTERMINATED7.match(body):
        token = match.group("text").removesuffix('"') or None  # Csound 7 shows the string re-quoted
        return make('unterminated string (missing ")', "unterminated-string", token=token)

    if match := _SYNTAX.match(body):
        token = match.group("token")
        what = _TOKEN_NAMES.get(match.group("what"), match.group("what"))
        message = f"syntax error: unexpected {what}"
        if token.strip():
            message += f' "{token}"'
        if match.group("expecting"):
            expecting = ", ".join(
                _TOKEN_NAMES.get(item, item) for item in re.split(r" or ", match.group("expecting"))
            )
            message += f" (expecting {expecting})"
        untyped = following[0].text if following else ""
        if match.group("what") == "T_IDENT" and _UNTYPED_WORD.match(untyped):
            message = f"unknown opcode or misplaced word '{token}' ({message})"
            return make(message, "unknown-opcode", token=token)
        if token == "" and what == "end of file":
            return make("syntax error: unexpected end of file (missing endin, endop or endif?)", "syntax-eof")
        return make(message, "syntax-error", token=token.strip() or None)
    if match := _NO_MATCH.search(body):
        op = match.group("op")
        found = _FOUND.search(body)
        message = f"no version of '{op}' takes these argument types" if op else _first_line(body)
        if found:
            message += f" (found: {found.group('found').strip()})"
        quality = LineQuality.MAYBE_LATE if op == "=" else LineQuality.EXACT
        return make(message, "no-matching-opcode", quality, op)
    if match := _USED_BEFORE.search(body):
        var = match.group("var")
        message = f"variable '{var}' used before defined"
        return make(message, "used-before-defined", LineQuality.MAYBE_EARLY, var)
    if match := _TYPE_UNKNOWN.search(body):
        var = match.group("var").rstrip(".")
        return make(f"type of variable '{var}' could not be determined", "type-undetermined", token=var)
    if match := _INSTR_REDEFINED.search(body):
        return make(f"instr {match.group('name')} redefined", "instr-redefined", token=match.group("name"))
    if match := _OPCODE_REDEFINED.search(body):
        name = match.group("name")
        return make(f"opcode {name} redefined (the last definition wins)", "opcode-redefined", token=name)
    if "invalid xout" in body or "invalid xin" in body:
        message = _first_line(body).removeprefix("error:").strip().removeprefix("syntax error,").strip()
        return make(message, "udo-signature", token="xout")
    if match := _INCLUDE_MISSING.match(body):
        name = match.group("name").strip()
        return make(f"cannot open included file '{name}'", "include-not-found", token=name)
    if match := _UNDEFINED_MACRO.match(body):
        return make(f"undefined macro {match.group('name')}", "undefined-macro", token=match.group("name"))
    if body.startswith("unexpected EOF!"):
        return make("unexpected end of file in a macro (unterminated #define?)", "unterminated-macro")
    if match := _MISSING_END.match(body):
        return make(f"missing end tag {match.group('tag')}", "missing-end-tag", token=match.group("tag"))
    if body.startswith("Could not find <CsoundSynthesizer>"):
        return make("no <CsoundSynthesizer> tag in this CSD file", "no-csd-tag")
    if body.startswith('missing " to terminate string'):
        return make('unterminated string (missing ")', "unterminated-string")
    if match := _UNKNOWN_TAG.match(body):
        # Csound skips what it does not know outside its sections and goes on: a hint at most.
        tag = match.group("tag")
        message = f"unknown CSD tag {tag} (Csound ignores it)"
        return make(message, "unknown-csd-tag", token=tag, severity=Severity.INFORMATION)
    if match := _SREAD.match(body):
        what = match.group("what").strip()
        token = what.rsplit(" ", 1)[-1] if what.startswith("unexpected char") else None
        # The score reader skips the character or substitutes 0 and reads on: only a warning.
        warns = _SREAD_WARNS.search(what) is not None
        return make(f"score: {what}", "score", token=token, severity=Severity.WARNING if warns else None)
    if body.startswith(("Includes nested", "Ill formed #include", "macro error", "define macro", "Too few")):
        return make(_first_line(body), "preprocessor")
    text = _first_line(body).removeprefix("error:").removeprefix("WARNING:").removeprefix("warning:")
    text = text.strip().removeprefix("syntax error,").strip()
    if not text:
        return None
    is_error = _severity(body, attr, Severity.WARNING) == Severity.ERROR
    return make(text, "csound-error" if is_error else "csound-warning")


def _shift(diagnostic: RawDiagnostic, line_offset: int) -> RawDiagnostic:
    """Csound's 1-based line to the document's 0-based line (minus wrapper lines for the document)."""
    if diagnostic.line is None:
        return diagnostic
    line = diagnostic.line - 1 - (line_offset if diagnostic.file is None else 0)
    if line < 0:
        return replace(diagnostic, line=None, line_quality=LineQuality.ABSENT)
    return replace(diagnostic, line=line)


def _merge(diagnostics: list[RawDiagnostic]) -> list[RawDiagnostic]:
    """Fold consequences into their cause.

    * "type of variable 'x' could not be determined" right after "'x' used before defined";
    * the syntax error on ``$`` right after "undefined macro": the macro diagnostic takes its line;
    * Csound 7: the syntax error after an unterminated string, and repeats of the same diagnostic.
    """
    merged: list[RawDiagnostic] = []
    for diagnostic in diagnostics:
        previous = merged[-1] if merged else None
        if diagnostic == previous:
            continue  # Csound 7 reports a redefined instr once per definition pass
        if (
            previous is not None
            and diagnostic.kind == "type-undetermined"
            and previous.kind == "used-before-defined"
            and previous.token == diagnostic.token
        ):
            continue
        if (
            previous is not None
            and previous.kind == "undefined-macro"
            and previous.line is None
            and diagnostic.kind == "syntax-error"
            and diagnostic.token == "$"
        ):
            merged[-1] = replace(
                previous,
                line=diagnostic.line,
                file=diagnostic.file,
                include_chain=diagnostic.include_chain,
                line_quality=diagnostic.line_quality,
                column=diagnostic.column,
                end_column=diagnostic.end_column,
            )
            continue
        if (
            previous is not None
            and previous.kind == "unterminated-string"
            and previous.line is not None
            and diagnostic.kind == "syntax-error"
        ):
            continue  # Csound 7: the lexer ran on past the missing quote
        merged.append(diagnostic)
    return merged
