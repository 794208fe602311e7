"""Every static diagnostic kind, with its exact range, on small real Csound texts."""

from __future__ import annotations

import pytest

from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.syntax.document import Document

HEADER = "sr = 44100\nksmps = 32\nnchnls = 2\n0dbfs = 1\n"


def csd(orchestra: str, score: str = "i 1 0 1\n", options: str = "-d -m0") -> str:
    return (
        "<CsoundSynthesizer>\n<CsOptions>\n"
        + options
        + "\n</CsOptions>\n<CsInstruments>\n"
        + HEADER
        + orchestra
        + "</CsInstruments>\n<CsScore>\n"
        + score
        + "</CsScore>\n</CsoundSynthesizer>\n"
    )


def findings(text: str, *, includes_unresolved: bool | None = None) -> list[Finding]:
    return static_findings(Document("file:///t.csd", text), includes_unresolved=includes_unresolved)


def only(text: str, code: str) -> list[Finding]:
    return [f for f in findings(text) if f.code == code]


def span_of(text: str, snippet: str, occurrence: int = 1, after: str = "") -> tuple[int, int]:
    """Byte range of the n-th occurrence of a snippet after some context (the texts here are ASCII)."""
    start = text.index(after) + len(after) - 1 if after else -1
    for _ in range(occurrence):
        start = text.index(snippet, start + 1)
    return start, start + len(snippet)


def assert_one(
    text: str, code: str, snippet: str, severity: Severity, occurrence: int = 1, after: str = ""
) -> Finding:
    found = only(text, code)
    assert len(found) == 1, [f"{f.code}: {f.message}" for f in findings(text)]
    finding = found[0]
    assert (finding.start_byte, finding.end_byte) == span_of(text, snippet, occurrence, after)
    assert finding.severity == severity
    return finding


CLEAN = csd(
    "giSine ftgen 0, 0, 8192, 10, 1\n"
    "instr 1\n  iAmp = p4\n  kEnv linseg 0, p3 / 2, iAmp, p3 / 2, 0\n"
    "  aSig oscili kEnv, 440, giSine\n  outs aSig, aSig\nendin\n",
    "i 1 0 1 0.5\n",
)


def test_clean_piece_has_no_findings() -> None:
    assert findings(CLEAN) == []


def test_missing_endin_is_named_on_the_instr_line() -> None:
    text = csd("instr 1\n  aSig rand 0.1\n  outs aSig, aSig\ninstr 2\nendin\n")
    finding = assert_one(text, "missing-endin", "instr 1", Severity.ERROR)
    assert finding.message == "missing endin for instr 1"


def test_missing_endin_is_also_named_where_the_reader_finds_out() -> None:
    """Where the next `instr` (or the end of the orchestra) shows the block is still open."""
    text = csd("instr 1\n  aSig rand 0.1\n  outs aSig, aSig\n\ninstr 2\nendin\n")
    finding = assert_one(text, "unclosed-block", "instr 2", Severity.ERROR)
    assert finding.message == "missing endin: instr 1 (line 10) is still open here"
    text = csd("instr 1\n  aSig rand 0.1\n  outs aSig, aSig\n")
    assert_one(text, "unclosed-block", "</CsInstruments>", Severity.ERROR)
    text = csd("instr 1\n  aSig rand 0.1\n  outs aSig, aSig\ninstr 2\nendin\n")
    assert_one(text, "unclosed-block", "instr 2", Severity.ERROR)


def test_unknown_opcode_with_suggestion() -> None:
    text = csd("instr 1\n  aSig oscilli 0.1, 440\n  outs aSig, aSig\nendin\n")
    finding = assert_one(text, "unknown-opcode", "oscilli", Severity.ERROR)
    assert "did you mean 'oscili'" in finding.message


def test_unknown_opcode_is_a_warning_when_includes_are_unread() -> None:
    text = csd("instr 1\n  aSig MyInc 0.1\n  outs aSig, aSig\nendin\n")
    found = [f for f in findings(text, includes_unresolved=True) if f.code == "unknown-opcode"]
    assert [f.severity for f in found] == [Severity.WARNING]


def test_a_rate_argument_where_only_k_is_accepted() -> None:
    text = csd(
        "instr 1\n  aMod oscili 1, 2\n  kTrem oscili 0.1, aMod\n  out aMod\n  printk 1, kTrem\nendin\n"
    )
    finding = assert_one(text, "rate-mismatch", "aMod", Severity.ERROR, occurrence=2)
    assert finding.data["index"] == 1 and finding.data["found"] == "a"


def test_output_rate_no_overload_provides() -> None:
    text = csd("instr 1\n  aNote notnum\n  out aNote\nendin\n")
    finding = assert_one(text, "output-rate", "aNote", Severity.ERROR)
    assert "cannot produce a-rate" in finding.message


def test_argument_count() -> None:
    text = csd("instr 1\n  aSig oscili\n  out aSig\nendin\n")
    finding = assert_one(text, "argument-count", "aSig oscili", Severity.ERROR)
    assert "got 0" in finding.message


def test_nested_call_takes_the_rate_its_context_wants() -> None:
    text = csd("instr 1\n  aSig = buthp(rand(0.3), 500)\n  out aSig\nendin\n")
    assert only(text, "rate-mismatch") == []


def test_variable_never_defined_and_used_before_defined() -> None:
    text = csd("instr 1\n  aSig oscili kAmp, 440\n  out aSig\nendin\n")
    assert_one(text, "undefined-variable", "kAmp", Severity.ERROR)
    text = csd("instr 1\n  kx = ky + 1\n  ky = 2\n  printk 1, kx\nendin\n")
    assert_one(text, "used-before-defined", "ky", Severity.ERROR)


def test_unused_variable_is_an_unnecessary_hint() -> None:
    text = csd("instr 1\n  kUnused = 3\n  out oscili(0.1, 440)\nendin\n")
    finding = assert_one(text, "unused-variable", "kUnused", Severity.HINT)
    assert finding.unnecessary


def test_required_outputs_are_not_unused() -> None:
    text = csd("instr 1\n  aBuf delayr 1\n  aTap deltap 0.1\n  delayw oscili(0.1, 440)\n  out aTap\nendin\n")
    assert only(text, "unused-variable") == []


def test_undefined_label() -> None:
    text = csd("instr 1\n  igoto nowhere\n  out oscili(0.1, 440)\nendin\n")
    assert_one(text, "undefined-label", "nowhere", Severity.ERROR)


def test_undefined_macro_but_not_an_ifdef_test() -> None:
    text = csd("instr 1\n  out oscili($AMP, 440)\nendin\n#ifdef DEBUG\n#end\n")
    assert_one(text, "undefined-macro", "AMP", Severity.ERROR)


def test_duplicate_instrument() -> None:
    text = csd("instr 1\n  out oscili(0.1, 440)\nendin\ninstr 1\n  out oscili(0.1, 220)\nendin\n")
    assert_one(text, "duplicate-instrument", "1", Severity.ERROR, after="endin\ninstr ")


def test_score_names_a_missing_instrument() -> None:
    text = csd("instr 1\n  out oscili(0.1, 440)\nendin\n", "i 1 0 1\ni 7 0 1\n")
    assert_one(text, "unknown-instrument", "7", Severity.WARNING, after="<CsScore>")


def test_score_gives_fewer_pfields_than_the_instrument_reads() -> None:
    orchestra = "instr 1\n  out oscili(p4, p5)\nendin\n"
    text = csd(orchestra, "i 1 0 1 0.2\n")
    assert_one(text, "missing-pfields", "i 1 0 1 0.2", Severity.WARNING)
    # A longer note before it lets Csound carry the missing fields.
    assert only(csd(orchestra, "i 1 0 1 0.2 440\ni 1 1 1 0.3\n"), "missing-pfields") == []


def test_table_number_without_f_statement() -> None:
    text = csd("instr 1\n  out oscili(0.1, 440, 5)\nendin\n", "f 1 0 8192 10 1\ni 1 0 1\n")
    finding = assert_one(text, "missing-table", "5", Severity.WARNING, after="oscili(0.1, 440, ")
    assert finding.data == {"table": 5}


def test_expseg_with_zero() -> None:
    text = csd("instr 1\n  kEnv expseg 0, 1, 1\n  out oscili(kEnv, 440)\nendin\n")
    assert_one(text, "exponential-zero", "0", Severity.ERROR, after="expseg ")


def test_odd_header_value_and_missing_0dbfs() -> None:
    text = csd("instr 1\n  out oscili(0.1, 440)\nendin\n").replace("ksmps = 32", "ksmps = 0")
    assert [f.code for f in findings(text)] == ["header-value"]
    missing = csd("instr 1\n  out oscili(0.1, 440)\nendin\n").replace("0dbfs = 1\n", "")
    assert [(f.code, f.severity) for f in findings(missing)] == [("missing-header", Severity.INFORMATION)]


def test_unknown_option_flag() -> None:
    text = csd("instr 1\n  out oscili(0.1, 440)\nendin\n", options="-d --no-such-flag")
    assert_one(text, "unknown-option", "--no-such-flag", Severity.WARNING)


@pytest.mark.parametrize("name", ["control-flow-tour", "udo-classic-and-arrays", "score-loops-sections"])
def test_corpus_examples_have_no_errors(name: str) -> None:
    from tests.conftest import ROOT

    text = (ROOT / "corpus" / "examples" / f"{name}.csd").read_text()
    assert [f.message for f in findings(text) if f.severity == Severity.ERROR] == []
