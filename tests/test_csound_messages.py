"""Csound 6.18's real compile messages (recorded by scripts/record_csound_messages.py) become diagnostics.

Every expectation below was checked against the fixture source: the line is where the problem is, or,
for lines Csound is known to get wrong, the flagged neighbour. `test_line_quality_is_honest` checks
this mechanically: the reported token sits on the line (exact) or within the flagged one-line slack.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from csound_lsp.csound.messages import LineQuality, RawDiagnostic, Severity, parse_messages

FIXTURES = Path(__file__).parent / "fixtures" / "csound6"
E, W = Severity.ERROR, Severity.WARNING
EXACT, EARLY, LATE, ABSENT = (LineQuality.EXACT, LineQuality.MAYBE_EARLY, LineQuality.MAYBE_LATE,
                              LineQuality.ABSENT)  # fmt: skip

#: fixture -> [(severity, kind, 0-based line or None, file or None, quality, token)]
EXPECTED: dict[str, list[tuple[Severity, str, int | None, str | None, LineQuality, str | None]]] = {
    "clean.csd": [],
    "unknown_opcode.csd": [(E, "unknown-opcode", 11, None, EXACT, "oscilz")],
    "udo_body_error.csd": [(E, "unknown-opcode", 12, None, EXACT, "oscilz")],
    "include_error.csd": [(E, "unknown-opcode", 2, "inc/broken.inc", EXACT, "oscilz")],
    "syntax_newline.csd": [(E, "syntax-error", 12, None, EXACT, None)],
    "syntax_eof.csd": [(E, "syntax-eof", 13, None, EXACT, None)],
    "macro_undefined.csd": [(E, "undefined-macro", 11, None, EXACT, "$AMP")],
    "used_before_defined.csd": [(E, "used-before-defined", 10, None, EARLY, "kamp")],
    "used_before_defined_expr.csd": [(E, "used-before-defined", 11, None, EARLY, "abad")],
    "used_before_defined_if.csd": [(E, "used-before-defined", 10, None, EARLY, "kundef")],
    "label_undefined.csd": [(E, "used-before-defined", 11, None, EARLY, "nowhere")],
    "two_errors.csd": [(E, "used-before-defined", 10, None, EARLY, "kx")],
    "no_overload.csd": [(E, "no-matching-opcode", 12, None, EXACT, "oscili")],
    "too_many_args.csd": [(E, "no-matching-opcode", 11, None, EXACT, "oscili")],
    "assign_i_from_k.csd": [(E, "no-matching-opcode", 13, None, LATE, "=")],
    "assign_array_string.csd": [(E, "no-matching-opcode", 13, None, LATE, "=")],
    "instr_redefined.csd": [(E, "instr-redefined", None, None, ABSENT, "1")],
    "opcode_redefined.csd": [(W, "opcode-redefined", None, None, ABSENT, "Foo")],
    "udo_xout.csd": [(E, "udo-signature", None, None, ABSENT, "xout")],
    "include_missing.csd": [(E, "include-not-found", None, None, ABSENT, "does_not_exist.inc")],
    "macro_unterminated.csd": [(E, "unterminated-macro", None, None, ABSENT, None)],
    "missing_end_tag.csd": [(E, "missing-end-tag", None, None, ABSENT, "</CsInstruments>")],
    "no_synthesizer_tag.csd": [(E, "no-csd-tag", None, None, ABSENT, None)],
    "unterminated_string.csd": [
        (E, "unterminated-string", None, None, ABSENT, None),
        (Severity.INFORMATION, "unknown-csd-tag", None, None, ABSENT, "</CsInstruments>"),
    ],
    "score_error.csd": [(W, "score", None, None, ABSENT, "x")],
    "sco_error.sco": [(W, "score", None, None, ABSENT, "x")],
    "orc_syntax.orc": [(E, "unknown-opcode", 4, None, EXACT, "oscilz")],
    "orc_types.orc": [(E, "no-matching-opcode", 1, None, EXACT, "oscili")],
    "orc_used_before.orc": [(E, "used-before-defined", 1, None, EARLY, "kq")],
}


def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.messages.json").read_text())
    return data


def parse_fixture(name: str) -> list[RawDiagnostic]:
    record = recorded(name)
    chunks = [(int(attr), str(text)) for attr, text in record["chunks"]]
    return parse_messages(
        chunks,
        line_offset=int(record["line_offset"]),
        return_code=int(record["return_code"]),
    )


def test_every_fixture_has_an_expectation() -> None:
    sources = {p.name for p in FIXTURES.iterdir() if p.suffix in (".csd", ".orc", ".sco")}
    assert sources == set(EXPECTED)
    assert all((FIXTURES / f"{name}.messages.json").exists() for name in sources)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_parses_to_expected_diagnostics(name: str) -> None:
    got = [(d.severity, d.kind, d.line, d.file, d.line_quality, d.token) for d in parse_fixture(name)]
    assert got == EXPECTED[name]


WITH_LINES = sorted(name for name, expected in EXPECTED.items() if any(e[2] is not None for e in expected))


@pytest.mark.parametrize("name", WITH_LINES)
def test_line_quality_is_honest(name: str) -> None:
    """The token is on the reported line, or on the neighbour the quality flag allows."""
    for diagnostic in parse_fixture(name):
        assert diagnostic.line is not None
        source = FIXTURES / (diagnostic.file or name)
        lines = source.read_text().splitlines()
        token = diagnostic.token or ""
        if diagnostic.line_quality is LineQuality.EXACT:
            candidates = [diagnostic.line]
        elif diagnostic.line_quality is LineQuality.MAYBE_EARLY:
            candidates = [diagnostic.line, diagnostic.line + 1]
        else:
            candidates = [diagnostic.line, diagnostic.line - 1]
        assert any(token.lstrip("$") in lines[c] for c in candidates if 0 <= c < len(lines)), diagnostic


def test_recorded_fixtures_come_from_csound_6_18() -> None:
    assert str(recorded("clean.csd")["engine"]).startswith("csound6 618")


def test_messages_are_readable() -> None:
    [unknown] = parse_fixture("unknown_opcode.csd")
    assert "oscilz" in unknown.message and "T_IDENT" not in unknown.message
    [types] = parse_fixture("no_overload.csd")
    assert types.message == "no version of 'oscili' takes these argument types (found: k oscili ac)"


def test_consequences_are_folded_into_their_cause() -> None:
    """'type could not be determined' after 'used before defined', the '$' syntax error after a macro."""
    assert [d.kind for d in parse_fixture("used_before_defined.csd")] == ["used-before-defined"]
    assert [d.kind for d in parse_fixture("macro_undefined.csd")] == ["undefined-macro"]


def test_summary_lines_alone_still_report_a_failure() -> None:
    [diagnostic] = parse_messages([(0x1000, "Parsing failed due to no input!\n")], return_code=-1)
    assert diagnostic.kind == "compile-failed" and "no input" in diagnostic.message
    assert parse_messages([(0x1000, "Parsing failed due to no input!\n")], return_code=0) == []


def test_both_line_formats_and_the_wrapper_offset() -> None:
    text = "error:  Variable 'kz' used before defined\nLine 9\n\n from file *string* (1),"
    [d] = parse_messages(text, line_offset=6)
    assert d.line == 2 and d.file is None
    text = '\nerror: syntax error, unexpected T_IDENT  (token "x")\n from file *string* (1), line 3:\n'
    [d] = parse_messages(text)
    assert d.line == 2 and d.kind == "syntax-error"


def test_nested_include_names_the_innermost_file() -> None:
    text = (
        '\nerror: syntax error, unexpected NEWLINE  (token "\n")\n'
        " from file b.inc (3), from file a.inc (2), from file *string* (1), line 7:\n >>> x <<<\n"
    )
    [d] = parse_messages(text)
    assert (d.file, d.line, d.include_chain) == ("b.inc", 6, ("b.inc", "a.inc", "*string*"))


def test_other_csound_phrasings() -> None:
    text = "error:  input arg 'kfoo' used before defined\nLine 4\n"
    [d] = parse_messages(text)
    assert (d.kind, d.token, d.line) == ("used-before-defined", "kfoo", 3)
    text = "error:  Unable to find opcode with input arg types ki\nLine 5\n"
    [d] = parse_messages(text)
    assert (d.kind, d.line) == ("no-matching-opcode", 4)


def test_a_line_before_the_wrapper_has_no_line() -> None:
    [d] = parse_messages("error:  something odd\nLine 2\n", line_offset=6)
    assert d.line is None and d.line_quality is LineQuality.ABSENT


def test_ansi_colour_codes_are_ignored() -> None:
    [d] = parse_messages("\x1b[mWARNING: redefined opcode: Foo\n")
    assert d.kind == "opcode-redefined" and d.severity is Severity.WARNING


def test_garbage_does_not_crash() -> None:
    assert parse_messages("") == []
    assert parse_messages([(0, "\x00\xff random"), (4096, "error:")], return_code=0) == []
