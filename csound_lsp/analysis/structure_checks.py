"""Whole-document checks: instruments and score, tables, envelopes, header, options and macros."""

from __future__ import annotations

import re

from tree_sitter import Node

from csound_lsp.analysis import conditionals
from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.catalog import headers, options
from csound_lsp.catalog.cheatsheet import cheat_entry
from csound_lsp.syntax.model import DocumentModel, Instrument, OpcodeCall, Ref

_PFIELD = re.compile(r"p(\d+)$")
#: Envelope opcodes whose value arguments (every other one, from the first) must not be zero.
_EXPONENTIAL = {"expseg": 2, "expsega": 2, "expsegr": 2, "expon": 2, "expcurve": 0}
#: Table-number arguments that mean "no table" or "the default table" rather than a real one.
_NO_TABLE = {0.0, -1.0}


def _number(model: DocumentModel, node: Node) -> float | None:
    if node.type != "number":
        return None
    try:
        return float(model.text(node))
    except ValueError:
        return None


def _first_line_end(model: DocumentModel, node: Node) -> int:
    end = model.source.find(b"\n", node.start_byte, node.end_byte)
    return end if end != -1 else node.end_byte


def instrument_findings(model: DocumentModel) -> list[Finding]:
    findings: list[Finding] = []
    seen: dict[str, Instrument] = {}
    for instrument in model.instruments:
        for name in instrument.names:
            key = str(name.number) if name.number is not None else name.text.lstrip("+")
            if key in seen and seen[key] is not instrument:
                findings.append(
                    Finding(
                        name.ref.start_byte,
                        name.ref.end_byte,
                        Severity.ERROR,
                        "duplicate-instrument",
                        f"instr {name.text} is already defined on line {seen[key].node.start_point.row + 1}",
                    )
                )
            else:
                seen[key] = instrument
    return findings


def pfields_read(instrument: Instrument) -> int:
    """The highest p-field an instrument reads (p4 → 4), counting `p(N)` calls with a literal N."""
    highest = 3
    for name in instrument.scope.variables:
        match = _PFIELD.match(name)
        if match:
            highest = max(highest, int(match.group(1)))
    for call in instrument.scope.calls:
        if call.name == "p" and call.arguments and call.arguments[0].type == "number":
            text = (call.arguments[0].text or b"").decode()
            if text.isdigit():
                highest = max(highest, int(text))
    return highest


def score_findings(
    model: DocumentModel,
    *,
    includes_unresolved: bool,
    pfields: dict[int, int] | None = None,
) -> list[Finding]:
    """Score lines against the orchestra: unknown instruments and notes with too few p-fields.

    `pfields` maps an instrument's start byte to the highest p-field it reads, for callers whose
    model does not hold instrument bodies (the incremental path).
    """
    if not model.instruments or includes_unresolved or model.macro_uses:
        return []
    findings: list[Finding] = []
    longest: dict[int, int] = {}
    for statement in model.score:
        if statement.letter != "i" or not statement.fields:
            continue
        first = statement.fields[0]
        if first.type not in ("number", "string"):
            continue
        text = model.text(first)
        instrument = model.instrument_named(text.lstrip("-"))
        if instrument is None:
            # Csound compiles this and skips the note when it plays, so it is a warning.
            findings.append(
                Finding(
                    first.start_byte,
                    first.end_byte,
                    Severity.WARNING,
                    "unknown-instrument",
                    f"no instrument {text} in the orchestra",
                )
            )
            continue
        count = len(statement.fields)
        key = id(instrument)
        wanted = (
            pfields.get(instrument.node.start_byte, 3) if pfields is not None else pfields_read(instrument)
        )
        # Csound carries missing trailing p-fields from the previous note of the same instrument.
        available = max(count, longest.get(key, 0))
        longest[key] = available
        if available < wanted:
            findings.append(
                Finding(
                    statement.node.start_byte,
                    _first_line_end(model, statement.node),
                    Severity.WARNING,
                    "missing-pfields",
                    f"instr {instrument.label} reads p{wanted}, but this note gives {count} p-fields "
                    f"(p{count + 1}..p{wanted} will be 0)",
                    data={"wanted": wanted, "given": count},
                )
            )
    return findings


def _table_arguments(call: OpcodeCall) -> list[Node]:
    entry = cheat_entry(call.name)
    if entry is None:
        return []
    found = []
    for index, arg in enumerate(entry.args):
        name = arg.name.lower()
        if (name.startswith(("ifn", "kfn", "ift", "ifnum")) or name in {"ifn", "kfn"}) and index < len(
            call.arguments
        ):
            found.append(call.arguments[index])
    return found


def table_facts(model: DocumentModel) -> tuple[set[float], list[tuple[float, int, int]]]:
    """Table numbers the document creates (`f` lines, ftgen) and literal table arguments it uses."""
    defined: set[float] = set()
    for statement in model.score:
        if statement.letter == "f" and statement.fields:
            number = _number(model, statement.fields[0])
            if number is not None:
                defined.add(abs(number))
    used: list[tuple[float, int, int]] = []
    for call in model.calls():
        if call.name in ("ftgen", "ftgenonce", "ftgentmp") and call.arguments:
            number = _number(model, call.arguments[0])
            if number is not None:
                defined.add(number)
        for argument in _table_arguments(call):
            number = _number(model, argument)
            if number is not None:
                used.append((number, argument.start_byte, argument.end_byte))
    return defined, used


def table_findings(model: DocumentModel, *, includes_unresolved: bool) -> list[Finding]:
    """Table numbers written as literals in the orchestra with no `f` statement or ftgen for them."""
    if includes_unresolved or model.macro_uses:
        return []
    defined, used = table_facts(model)
    return missing_tables(model, defined, used)


def missing_tables(
    model: DocumentModel, defined: set[float], used: list[tuple[float, int, int]]
) -> list[Finding]:
    # Without a score in this file (a bare .orc), tables may come from anywhere: stay quiet.
    if not any(s.tag in ("CsScore",) for s in model.sections) and not model.score:
        return []
    findings: list[Finding] = []
    for number, start, end in used:
        if number in _NO_TABLE or number in defined or number != int(number):
            continue
        findings.append(
            Finding(
                start,
                end,
                Severity.WARNING,
                "missing-table",
                f"function table {int(number)} is never created (no 'f {int(number)}' score line or ftgen)",
                data={"table": int(number)},
            )
        )
    return findings


def unfinished_findings(model: DocumentModel) -> list[Finding]:
    """`if kX > 1` with nothing after the condition: the grammar reads it as one line so the rest of
    the file parses; Csound wants `then` (or a goto) or `do` on that line."""
    findings: list[Finding] = []
    for node in model.unfinished:
        if node.type == "unterminated_string":  # ends with its line, as Csound's lexer ends it
            findings.append(
                Finding(
                    node.start_byte,
                    node.end_byte,
                    Severity.ERROR,
                    "unterminated-string",
                    'this string has no closing quote (") on its line',
                )
            )
            continue
        keyword = node.child_by_field_name("keyword")
        word = model.text(keyword) if keyword is not None else "if"
        wanted = "'then' (or 'goto' and a label)" if word == "if" else "'do'"
        findings.append(
            Finding(
                node.start_byte,
                _first_line_end(model, node),
                Severity.ERROR,
                "unfinished-condition",
                f"'{word}' needs {wanted} after its condition, on the same line",
            )
        )
    return findings


def envelope_findings(model: DocumentModel) -> list[Finding]:
    findings: list[Finding] = []
    for call in model.calls():
        step = _EXPONENTIAL.get(call.name)
        if step is None or step == 0:
            continue
        for index in range(0, len(call.arguments), step):
            argument = call.arguments[index]
            number = _number(model, argument)
            if number == 0:
                findings.append(
                    Finding(
                        argument.start_byte,
                        argument.end_byte,
                        Severity.ERROR,
                        "exponential-zero",
                        f"'{call.name}' cannot reach or leave 0 on an exponential curve; use a small "
                        "value such as 0.001",
                    )
                )
    return findings


def header_findings(model: DocumentModel) -> list[Finding]:
    """Odd header values, and the missing ones that change how a piece sounds."""
    findings: list[Finding] = []
    values: dict[str, float] = {}
    for name, setting in model.header.items():
        if setting.value is not None:
            values[name] = setting.value
            for problem in headers.check_header_value(name, setting.value):
                findings.append(
                    Finding(
                        setting.value_start_byte,
                        setting.value_end_byte,
                        Severity.WARNING,
                        "header-value",
                        problem,
                    )
                )
    per_value = {p for name, value in values.items() for p in headers.check_header_value(name, value)}
    for problem in headers.check_header(values):
        if problem in per_value:
            continue
        anchor = model.header.get("ksmps") or model.header.get("kr") or model.header.get("sr")
        if anchor is not None:
            findings.append(
                Finding(anchor.start_byte, anchor.end_byte, Severity.WARNING, "header-value", problem)
            )
    orchestra = next((s for s in model.sections if s.tag in ("CsInstruments", "CsOrchestra")), None)
    if orchestra is not None and model.instruments and "0dbfs" not in model.header:
        start_tag_end = model.source.find(b"\n", orchestra.start_byte)
        end = start_tag_end if start_tag_end != -1 else orchestra.start_byte
        findings.append(
            Finding(
                orchestra.start_byte,
                end,
                Severity.INFORMATION,
                "missing-header",
                "0dbfs is not set, so full scale is 32768; most code today sets 0dbfs = 1",
                data={"missing": "0dbfs"},
            )
        )
    return findings


def option_findings(model: DocumentModel) -> list[Finding]:
    findings: list[Finding] = []
    for section in model.sections:
        if section.node.type != "options_section":
            continue
        for child in section.node.named_children:
            before = model.source[child.start_byte - 1 : child.start_byte]
            if child.type != "comment" or not before or before.isspace() or before == b">":
                continue
            # Csound only starts a comment in <CsOptions> after white space: glued to a word, the
            # comment is read as part of that word and its other words as more command-line words.
            problem = _glued_comment_problem(model, child)
            if problem is not None:
                findings.append(
                    Finding(
                        child.start_byte,
                        _first_line_end(model, child),
                        Severity.ERROR,
                        "option-comment",
                        f"Csound reads this comment as part of the options ({problem}); "
                        "put a space before ';'",
                    )
                )
    for flag in model.options:
        if not flag.flag.startswith("-"):
            continue
        if options.match_option(flag.flag)[0] is None and options.option(flag.flag) is None:
            findings.append(
                Finding(
                    flag.node.start_byte,
                    flag.node.end_byte,
                    Severity.WARNING,
                    "unknown-option",
                    f"Csound has no option '{flag.flag}'",
                )
            )
    return findings


#: Letters that may start a score line in Csound 6.18: statements, the carry `c`, and `z`/`p`
#: read as values of the statement before (`z` is "infinity", `p2`-style references).
_SCORE_LINE_LETTERS = frozenset("abBCcdefimnqrstvwxyzp")


def score_statement_findings(model: DocumentModel) -> list[Finding]:
    """A score line that starts with a letter no statement has (`u 1 2`): Csound's score reader
    stops there ("sread: illegal opcode u"); the grammar reads it as a statement of that letter."""
    findings: list[Finding] = []
    for statement in model.score:
        letter = statement.letter[:1]
        if not letter or letter in _SCORE_LINE_LETTERS:
            continue
        kind = statement.node.child_by_field_name("kind") or statement.node
        start, end = kind.start_byte, kind.end_byte
        findings.append(
            Finding(
                start,
                end,
                Severity.ERROR,
                "score-statement",
                f"score line starts with '{letter}', which is no score statement: Csound's score "
                "reader stops here (illegal opcode)",
            )
        )
    return findings


#: Value placeholders of short options whose value Csound reads as a number: what follows the
#: number in the same word is read as more flag letters.
_NUMERIC_VALUES = frozenset({"N", "0|1", "O", "Q", "[N]", "SECONDS"})


def _glued_comment_problem(model: DocumentModel, comment: Node) -> str | None:
    """What Csound 6.18 makes of a comment glued to the word before it, or None where it accepts it.

    The comment's first word joins the word it is glued to: harmless in a file or device name or a
    long option's value (`-odac;x`, `-Q 14;x`, `--limiter=0.9;x`), but after a switch or a number of
    a short option Csound reads ';' as one more flag letter (`-d;x`: "unknown flag -;"). The
    comment's other words become file names, and more than two of them are "too many arguments".
    """
    line_start = model.source.rfind(b"\n", 0, comment.start_byte) + 1
    words_before = model.source[line_start : comment.start_byte].decode("utf-8", "replace").split()
    text = model.source[comment.start_byte : _first_line_end(model, comment)].decode("utf-8", "replace")
    if sum(1 for word in text.split()[1:] if not word.startswith("-")) > 2:
        return "'too many arguments'"
    if not words_before:
        return None
    glued = words_before[-1]
    flag = glued if glued.startswith("-") else (words_before[-2] if len(words_before) > 1 else "")
    if not flag.startswith("-") or flag.startswith(("--", "-+")):
        return None  # a file name, or a long option: the comment only lengthens its value
    found = options.option(flag[:2])
    if found is None:
        return "'unknown flag'"
    if flag is glued and found.value is not None and len(glued) == 2:
        return None  # `-o;x`: the comment is the value
    if found.value is None or found.value in _NUMERIC_VALUES:
        return "';' becomes a flag letter: 'unknown flag -;'"
    return None


#: The lines Csound 6.18's CSD reader acts on: one that begins, after spaces or tabs, with exactly
#: the start tag (either spelling) starts the piece; the end tag stops reading, started or not, so a
#: file with only the end tag is read too (no attributes, nothing before the tag).
_CSD_START = re.compile(rb"^[ \t]*</?CsoundSynthesi[sz]er>", re.M)


def csd_start_findings(model: DocumentModel) -> list[Finding]:
    """A CSD with no line that starts `<CsoundSynthesizer>`: Csound refuses the whole file ("Could
    not find <CsoundSynthesizer> tag"), often an orchestra fragment or an include saved as .csd."""
    if model.root.type != "csd_document" or _CSD_START.search(model.source):
        return []
    end = model.source.find(b"\n")
    return [
        Finding(
            0,
            end if end != -1 else len(model.source),
            Severity.ERROR,
            "no-csd-tag",
            "Csound does not read this file as a CSD: no line starts with <CsoundSynthesizer> "
            "(save an orchestra as .orc, or wrap it in <CsoundSynthesizer> and <CsInstruments>)",
        )
    ]


def include_findings(model: DocumentModel) -> list[Finding]:
    """Includes of URLs: we never fetch them, and Csound needs the network to."""
    return [
        Finding(
            include.ref.start_byte,
            include.ref.end_byte,
            Severity.WARNING,
            "include-url",
            f"#include of a URL ({include.target}): csound-lsp does not fetch it, and Csound can only "
            "compile this file with network access",
        )
        for include in model.includes
        if include.target.lower().startswith(("http:", "https:", "ftp:"))
    ]


def macro_findings(
    model: DocumentModel,
    *,
    includes_unresolved: bool,
    extra_uses: list[Ref] | None = None,
    defined_elsewhere: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Uses of macros defined nowhere: not in the document, not by Csound, not in `defined_elsewhere`
    (what the document's includes define)."""
    if includes_unresolved:
        return []
    findings: list[Finding] = []
    known = defined_elsewhere | _BUILTIN_MACROS
    unknown = [
        r
        for r in [*model.macro_uses, *(extra_uses or [])]
        if r.name not in model.macros and r.name not in known
    ]
    if not unknown:
        return findings  # the usual case: the text scans below cost a keystroke nothing
    # `#define`s are read from the text too: the editor's skeleton leaves out instrument bodies,
    # and a macro defined inside one is still defined for the rest of the document.
    defined = conditionals.defined_names(model.source) | defined_elsewhere
    known = defined | _BUILTIN_MACROS
    blocks = conditionals.branches(model.source) if b"#if" in model.source else []
    for ref in unknown:
        if ref.name in known or conditionals.in_skipped_branch(ref.start_byte, blocks, defined):
            continue
        findings.append(
            Finding(
                ref.start_byte,
                ref.end_byte,
                Severity.ERROR,
                "undefined-macro",
                f"macro ${ref.name} is not defined",
            )
        )
    return findings


#: Macros Csound defines itself.
_BUILTIN_MACROS = frozenset(
    {"M_PI", "M_E", "M_LN2", "M_LN10", "M_LOG2E", "M_LOG10E", "M_SQRT2", "M_SQRT1_2"}
) | {
    "M_PI_2",
    "M_PI_4",
    "M_1_PI",
    "M_2_PI",
    "M_2_SQRTPI",
    "M_INF",
    "M_NAN",
    "CSOUND_VERSION",
}

#: The same, for the checks that ask which macros expand to numbers only.
BUILTIN_MACROS = _BUILTIN_MACROS
