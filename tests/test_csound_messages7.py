"""Csound 7.0's real compile messages (scripts/record_csound_messages.py --engine 7) become diagnostics.

The sources are the Csound 6 fixtures (tests/fixtures/csound6/); tests/fixtures/csound7/ holds what the
Csound 7.0 bundled with cycsound said about them. 7 words errors differently, gives exact lines and, for
most errors, columns: each expectation was checked against the source, and `test_columns_hold_the_token`
checks mechanically that the token Csound names is where the columns say.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from csound_lsp.csound.messages import LineQuality, RawDiagnostic, Severity, parse_messages

SOURCES = Path(__file__).parent / "fixtures" / "csound6"
FIXTURES7 = Path(__file__).parent / "fixtures" / "csound7"
E, W = Severity.ERROR, Severity.WARNING
EXACT, ABSENT = LineQuality.EXACT, LineQuality.ABSENT
NO = (None, None)

Columns = tuple[int | None, int | None]
Expectation = tuple[Severity, str, int | None, str | None, LineQuality, str | None, Columns]


def _outs(line: int) -> Expectation:
    """Csound 7 deprecates outs (use out) and warns on its line."""
    return (W, "deprecated-opcode", line, None, EXACT, "outs", NO)


#: fixture -> [(severity, kind, 0-based line, file, quality, token, (column, end column))]
EXPECTED7: dict[str, list[Expectation]] = {
    "clean.csd": [_outs(12)],
    "unknown_opcode.csd": [(E, "unknown-opcode", 11, None, EXACT, "oscilz", (5, 11))],
    "udo_body_error.csd": [(E, "unknown-opcode", 12, None, EXACT, "oscilz", (7, 13))],
    # 7 names the included file's line (3) but not the file: the anchor finds no oscilz there.
    "include_error.csd": [(E, "unknown-opcode", 2, None, EXACT, "oscilz", (5, 11))],
    "syntax_newline.csd": [(E, "syntax-error", 12, None, EXACT, None, (12, 13))],
    "syntax_eof.csd": [(E, "syntax-eof", 13, None, EXACT, None, (0, 1))],
    "macro_undefined.csd": [(E, "undefined-macro", 11, None, EXACT, "$AMP", (12, 13))],
    "used_before_defined.csd": [(E, "used-before-defined", 11, None, EXACT, "kamp", NO)],
    "used_before_defined_expr.csd": [(E, "used-before-defined", 12, None, EXACT, "abad", NO)],
    "used_before_defined_if.csd": [(E, "used-before-defined", 11, None, EXACT, "kundef", NO)],
    "label_undefined.csd": [(E, "used-before-defined", 11, None, EXACT, "nowhere", NO)],
    "two_errors.csd": [(E, "used-before-defined", 11, None, EXACT, "kx", NO)],
    "no_overload.csd": [(E, "no-matching-opcode", 12, None, EXACT, "oscili", (5, 11))],
    "too_many_args.csd": [(E, "no-matching-opcode", 11, None, EXACT, "oscili", (5, 11))],
    # 7 accepts an i-rate assignment from a k-rate value and a string into an array slot (6 does not).
    "assign_i_from_k.csd": [_outs(14)],
    "assign_array_string.csd": [_outs(14)],
    "instr_redefined.csd": [_outs(12), _outs(16), (E, "instr-redefined", None, None, ABSENT, "1", NO)],
    "opcode_redefined.csd": [(W, "opcode-redefined", None, None, ABSENT, "Foo", NO), _outs(22)],
    "udo_xout.csd": [(E, "udo-signature", None, None, ABSENT, "xout", NO)],
    "include_missing.csd": [(E, "include-not-found", None, None, ABSENT, "does_not_exist.inc", NO)],
    "macro_unterminated.csd": [(E, "unterminated-macro", None, None, ABSENT, None, NO)],
    "missing_end_tag.csd": [(E, "missing-end-tag", None, None, ABSENT, "</CsInstruments>", NO)],
    "no_synthesizer_tag.csd": [(E, "no-csd-tag", None, None, ABSENT, None, NO)],
    "unterminated_string.csd": [(E, "unterminated-string", 11, None, EXACT, '"hello', NO)],
    "score_error.csd": [(W, "score", None, None, ABSENT, "x", NO)],
    "sco_error.sco": [(W, "score", None, None, ABSENT, "x", NO)],
    "orc_syntax.orc": [(E, "unknown-opcode", 4, None, EXACT, "oscilz", (5, 11))],
    "orc_types.orc": [(E, "no-matching-opcode", 1, None, EXACT, "oscili", (5, 11))],
    "orc_used_before.orc": [(E, "used-before-defined", 2, None, EXACT, "kq", NO)],
}


def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES7 / f"{name}.messages.json").read_text())
    return data


def parse_fixture(name: str) -> list[RawDiagnostic]:
    record = recorded(name)
    chunks = [(int(attr), str(text)) for attr, text in record["chunks"]]
    return parse_messages(
        chunks, line_offset=int(record["line_offset"]), return_code=int(record["return_code"])
    )


def test_every_source_has_a_csound7_recording_and_an_expectation() -> None:
    sources = {p.name for p in SOURCES.iterdir() if p.suffix in (".csd", ".orc", ".sco")}
    assert sources == set(EXPECTED7)
    assert all((FIXTURES7 / f"{name}.messages.json").exists() for name in sources)


def test_recordings_come_from_csound_7() -> None:
    assert recorded("clean.csd")["engine"] == "csound7 7000"


@pytest.mark.parametrize("name", sorted(EXPECTED7))
def test_fixture_parses_to_expected_diagnostics(name: str) -> None:
    got = [
        (d.severity, d.kind, d.line, d.file, d.line_quality, d.token, (d.column, d.end_column))
        for d in parse_fixture(name)
    ]
    assert got == EXPECTED7[name]


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED7.items() if any(x[2] is not None for x in e)))
def test_lines_are_exact(name: str) -> None:
    """Csound 7's lines hold the token it names (the include case aside: that line is in the .inc)."""
    for diagnostic in parse_fixture(name):
        if diagnostic.line is None:
            continue
        assert diagnostic.line_quality is EXACT
        source = SOURCES / "inc" / "broken.inc" if name == "include_error.csd" else SOURCES / name
        line = source.read_text().splitlines()[diagnostic.line]
        assert (diagnostic.token or "").lstrip("$") in line, diagnostic


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED7.items() if any(x[5] and x[6][0] for x in e)))
def test_columns_hold_the_token(name: str) -> None:
    for diagnostic in parse_fixture(name):
        if diagnostic.line is None or diagnostic.column is None or not diagnostic.token:
            continue
        source = SOURCES / "inc" / "broken.inc" if name == "include_error.csd" else SOURCES / name
        line = source.read_text().splitlines()[diagnostic.line]
        assert line[diagnostic.column :].startswith(diagnostic.token or ""), (line, diagnostic)


def test_csound7_wording_is_readable() -> None:
    [unknown] = parse_fixture("unknown_opcode.csd")
    assert unknown.message == "unknown opcode 'oscilz'"
    [types] = parse_fixture("no_overload.csd")
    assert types.message == "no version of 'oscili' takes these argument types (found: k oscili a, c)"
    [outs] = parse_fixture("clean.csd")
    assert outs.message == "opcode outs is deprecated (use out instead)" and outs.severity is W


def test_the_issue_example_gets_its_columns() -> None:
    """examples/broken-fm.csd, as Csound 7 rejects it: instr at line 22, columns 1 to 5."""
    text = 'syntax error, unexpected INSTR_TOKEN (token "instr"),  line 22, columns 1,5\n'
    [d] = parse_messages([(0x1000, text + "from file *string* (1)\n")], return_code=-1)
    got = (d.kind, d.line, d.column, d.end_column, d.token, d.file)
    assert got == ("syntax-error", 21, 0, 5, "instr", None)


def test_csound7_include_chain_names_the_innermost_file() -> None:
    """Recorded from Csound 7.0: a syntax error inside an #include'd file, one 'from file' per line."""
    text = (
        'syntax error, unexpected T_IDENT (token "a1"),  line 4, columns 7,8\n'
        "from file inc/syn.inc (2)\nfrom file *string* (1)\nParsing failed due to invalid input!\n"
    )
    [d] = parse_messages([(0x1000, text)], return_code=-1)
    assert (d.file, d.line, d.include_chain, d.column) == ("inc/syn.inc", 3, ("inc/syn.inc", "*string*"), 6)
