"""A quick fix only ever comes with the diagnostic it repairs; the 0dbfs fix keeps the piece's loudness."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lsprotocol import types

from csound_lsp.analysis.findings import Finding
from csound_lsp.analysis.incremental import document_findings
from csound_lsp.features import convert
from csound_lsp.features.quick_fixes import apply_edits, fixes_for, quick_fixes
from csound_lsp.syntax.document import Document
from tests.test_quick_fixes import HEADER, csd

ZERO_DBFS = ("missing-header", "amplitudes-without-0dbfs")

#: One piece per fix kind, each with at least one other finding beside the one the fix is for.
BY_KIND = {
    "rate-mismatch": csd(
        "instr 1\n  aMod oscili 1, 5\n  kTrem oscili 0.1, aMod\n  kUnused = 6\n  out aMod*kTrem\nendin\n"
    ),
    "output-rate": csd(
        "instr 1\n  iEnv linseg 0, p3, 1\n  aSig oscilli iEnv, 440\n  outs aSig, aSig\nendin\n"
    ),
    "unknown-opcode": csd("instr 1\n  aSig oscilli 0.1, 440\n  kUnused = 1\n  out aSig\nendin\n"),
    "missing-header": csd("instr 1\n  aSig rand 0.1\n  kUnused = 2\n  outs aSig, aSig\nendin\n", header=""),
    "amplitudes-without-0dbfs": csd(
        "instr 1\n  aSig oscili 20000, 440\n  kUnused = 9\n  outs aSig, aSig\nendin\n",
        header="sr = 44100\nksmps = 32\n",
    ),
    "missing-table": csd("instr 1\n  aSig oscili 0.1, 440, 7\n  kUnused = 3\n  out aSig\nendin\n"),
    "unused-variable": csd("instr 1\n  kUnused = 4\n  aSig oscilli 0.1, 440\n  out aSig\nendin\n"),
    "exponential-zero": csd("instr 1\n  kEnv expseg 0, p3, 1\n  aSig oscilli kEnv, 440\n  out aSig\nendin\n"),
    "missing-endin": csd("instr 1\n  aSig oscili 0.1, 440\n  kUnused = 5\n  out aSig\n"),
    "undefined-macro": csd(
        "instr 1\n  aSig oscili 0.1, $PICTH\n  kUnused = 7\n  out aSig\nendin\n",
        header=HEADER + "#define PITCH #440#\n",
    ),
    "syntax-error": csd(
        "instr 1\n  aSig oscili 0.1, 440 ?\n  kUnused = 8\n  out aSig\nendin\ninstr 2\n  out 0 @\nendin\n"
    ),
    "undefined-variable": csd("instr 1\n  aTrig metro 2\n  kUnused = 1\n  printk2 kTrig\nendin\n"),
    "used-before-defined": csd(
        "instr 1\n  aCount = 0\n  kCount = kCount + 1\n  kUnused = 1\n  printk2 kCount\nendin\n"
    ),
}


def diagnostics_of(document: Document) -> list[types.Diagnostic]:
    return [convert.diagnostic(document, f) for f in document_findings(document) if f.path is None]


@pytest.mark.parametrize("kind", sorted(BY_KIND))
def test_each_fix_comes_only_with_its_own_diagnostic(kind: str) -> None:
    document = Document("file:///tmp/targets.csd", BY_KIND[kind])
    everything = diagnostics_of(document)
    mine = [d for d in everything if d.code == kind]
    others = [d for d in everything if d.code != kind]
    assert mine and len(everything) >= 2, [(d.code, d.message) for d in everything]
    whole = (0, len(document.source))
    for diagnostic in mine:
        actions = quick_fixes(document, *whole, for_diagnostics=[diagnostic])
        assert actions, f"no fix for {kind}"
        assert all(a.diagnostics == [diagnostic] for a in actions), [a.title for a in actions]
    for diagnostic in others:
        actions = quick_fixes(document, *whole, for_diagnostics=[diagnostic])
        assert all(a.diagnostics == [diagnostic] for a in actions), (
            diagnostic.code,
            [a.title for a in actions],
        )


def test_missing_end_tag_gets_no_0dbfs_fix() -> None:
    """The case users met: the cursor on `<CsInstruments>`, where both the end-tag error and the 0dbfs
    information sit; asking about the end tag must not offer to insert 0dbfs."""
    text = "<CsoundSynthesizer>\n<CsInstruments>\nsr = 44100\ninstr 1\n  out oscili(0.1, 440)\nendin\n"
    text += "<CsScore>\ni 1 0 1\n</CsScore>\n</CsoundSynthesizer>\n"
    document = Document("file:///tmp/end-tag.csd", text)
    everything = diagnostics_of(document)
    tag_errors = [d for d in everything if d.code not in ZERO_DBFS and d.range.start.line == 1]
    assert tag_errors, [(d.code, d.range.start.line, d.message) for d in everything]
    line = types.Range(start=types.Position(line=1, character=0), end=types.Position(line=1, character=3))
    start, end = (document.index.offset(convert.position_from_lsp(p)) for p in (line.start, line.end))
    offered = quick_fixes(document, start, end, for_diagnostics=tag_errors)
    assert not [a for a in offered if "0dbfs" in a.title]
    # what it gets instead: the end tag, attached to the end-tag error
    assert [(a.title, a.diagnostics) for a in offered] == [("Insert '</CsInstruments>'", tag_errors)]


@pytest.mark.skipif(shutil.which("csound") is None, reason="needs the csound command")
@pytest.mark.parametrize("section", ["CsOptions", "CsInstruments"])
def test_a_missing_section_end_tag_is_inserted(section: str, tmp_path: Path) -> None:
    """Csound rejects a section left open; the end tag goes before the next section and it accepts."""
    whole = csd("instr 1\n  aSig oscili 0.1, 440\n  outs aSig, aSig\nendin\n")
    if "<CsOptions>" not in whole:
        whole = whole.replace("<CsInstruments>", "<CsOptions>\n-d\n</CsOptions>\n<CsInstruments>")
    text = whole.replace(f"</{section}>\n", "")
    document = Document("file:///tmp/open-section.csd", text)
    finding = next(f for f in document_findings(document) if f.code == "syntax-error")
    (fix,) = fixes_for(document, finding)
    assert fix.title == f"Insert '</{section}>'"
    fixed = apply_edits(document.source, fix.edits).decode()
    assert fixed == whole
    verdicts = []
    for name, piece in (("broken", text), ("fixed", fixed)):
        path = tmp_path / f"{name}.csd"
        path.write_text(piece)
        done = subprocess.run(
            ["csound", "--syntax-check-only", str(path)], capture_output=True, timeout=60, check=False
        )
        verdicts.append(done.returncode == 0)
    assert verdicts == [False, True]


def zero_dbfs_finding(document: Document) -> Finding:
    """The finding about 0dbfs: a warning where the amplitudes are sized for 32768, else information."""
    return next(f for f in document_findings(document) if f.code in ZERO_DBFS)


def fixes_titled(text: str) -> list[str]:
    document = Document("file:///tmp/loudness.csd", text)
    finding = zero_dbfs_finding(document)
    return [fix.title for fix in fixes_for(document, finding)]


def test_sixteen_bit_amplitudes_get_0dbfs_32768() -> None:
    loud = "instr 1\n  aSig oscili 20000, 440\n  outs aSig, aSig\nendin\n"
    assert fixes_titled(csd(loud, header="sr = 44100\nksmps = 32\n")) == ["Insert '0dbfs = 32768'"]


def test_amplitudes_from_the_score_count_too() -> None:
    through_pfield = "instr 1\n  iAmp = p4\n  aSig poscil iAmp, 440\n  outs aSig, aSig\nendin\n"
    loud = csd(through_pfield, score="i 1 0 1 12000\n", header="sr = 44100\n")
    quiet = csd(through_pfield, score="i 1 0 1 0.3\n", header="sr = 44100\n")
    assert fixes_titled(loud) == ["Insert '0dbfs = 32768'"]
    assert fixes_titled(quiet) == ["Insert '0dbfs = 1'"]


def test_no_fix_when_the_amplitudes_do_not_say() -> None:
    unclear = "instr 1\n  aSig poscil p4 * p5, 440\n  outs aSig, aSig\nendin\n"
    assert fixes_titled(csd(unclear, score="i 1 0 1 100 0.5\n", header="sr = 44100\n")) == []


def test_whole_header_for_a_loud_piece_keeps_its_scale() -> None:
    loud = "instr 1\n  aSig oscil 10000, 440\n  outs aSig, aSig\nendin\n"
    assert fixes_titled(csd(loud, header="")) == ["Insert the standard header (sr, ksmps, nchnls, 0dbfs)"]
    document = Document("file:///tmp/loud.csd", csd(loud, header=""))
    finding = zero_dbfs_finding(document)
    (fix,) = fixes_for(document, finding)
    assert b"0dbfs = 32768" in apply_edits(document.source, fix.edits)


@pytest.mark.skipif(shutil.which("csound") is None, reason="needs the csound command")
def test_the_32768_fix_renders_at_the_same_level(tmp_path: Path) -> None:
    """Real Csound: the loud piece with the fix peaks where it did without 0dbfs (no clipping)."""
    loud = "instr 1\n  aSig oscili 20000, 440\n  outs aSig, aSig\nendin\n"
    text = csd(loud, header="sr = 44100\nksmps = 32\nnchnls = 2\n")
    document = Document("file:///tmp/loud.csd", text)
    finding = zero_dbfs_finding(document)
    (fix,) = fixes_for(document, finding)
    fixed = apply_edits(document.source, fix.edits).decode()
    assert HEADER not in fixed
    peaks = []
    for name, body in (("before", text), ("after", fixed)):
        path = tmp_path / f"{name}.csd"
        path.write_text(body.replace("-d -m0", "-d -m0 -n"))
        done = subprocess.run(["csound", str(path)], capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        peaks.append([line for line in done.stderr.splitlines() if "overall amps" in line])
    assert peaks[0] == peaks[1] and peaks[0], peaks


@pytest.mark.skipif(shutil.which("csound") is None, reason="needs the csound command")
@pytest.mark.parametrize("kind", ["undefined-macro", "syntax-error"])
def test_fixes_for_real_breakage_make_the_piece_compile(kind: str, tmp_path: Path) -> None:
    """A stray character and a misspelt macro: Csound rejects the piece, and accepts it once fixed."""
    text = BY_KIND[kind].replace("  kUnused = 7\n", "").replace("  kUnused = 8\n", "")
    text = text.replace("instr 2\n  out 0 @\nendin\n", "")
    document = Document("file:///tmp/breakage.csd", text)
    finding = next(f for f in document_findings(document) if f.code == kind)
    (fix,) = fixes_for(document, finding)
    verdicts = []
    for name, body in (("broken", text), ("fixed", apply_edits(document.source, fix.edits).decode())):
        path = tmp_path / f"{name}.csd"
        path.write_text(body)
        done = subprocess.run(
            ["csound", "--syntax-check-only", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        verdicts.append(done.returncode == 0)
    assert verdicts == [False, True]


def test_no_fix_that_changes_nothing() -> None:
    """A macro defined with its body on the next line is one our model does not read (Csound does):
    renaming `$STEP` to `$STEP` would be offered as a fix and applied again and again."""
    text = csd("instr 1\n#define STEP(N)\n  #\n  print $N\n  #\n  $STEP(1)\nendin\n")
    document = Document("file:///tmp/macro.csd", text)
    findings = [f for f in document_findings(document) if f.code == "undefined-macro"]
    for finding in findings:
        for fix in fixes_for(document, finding):
            assert apply_edits(document.source, fix.edits) != document.source, fix.title


@pytest.mark.skipif(shutil.which("csound") is None, reason="needs the csound command")
def test_a_comma_lost_in_a_long_list_is_put_back(tmp_path: Path) -> None:
    """`89,.0112,0  144,.0069,0`: Csound rejects the piece; the fix comes only with the syntax error
    (not with the unused variable beside it) and Csound accepts the result."""
    text = csd(
        "giHarm ftgen 2, 0, 1024, 9, 1,1,0, 2,.5,0, 89,.0112,0  144,.0069,0\n"
        "instr 1\n  kUnused = 1\n  aSig poscil 0.1, 220, giHarm\n  outs aSig, aSig\nendin\n"
    )
    document = Document("file:///tmp/comma.csd", text)
    everything = diagnostics_of(document)
    assert {d.code for d in everything} >= {"syntax-error", "unused-variable"}
    whole = (0, len(document.source))
    for diagnostic in everything:
        titles = [a.title for a in quick_fixes(document, *whole, for_diagnostics=[diagnostic])]
        assert ("Insert the missing comma" in titles) == (diagnostic.code == "syntax-error"), titles
    finding = next(f for f in document_findings(document) if f.code == "syntax-error")
    (fix,) = fixes_for(document, finding)
    fixed = apply_edits(document.source, fix.edits).decode()
    assert "89,.0112,0,  144,.0069,0" in fixed
    verdicts = []
    for name, body in (("broken", text), ("fixed", fixed)):
        path = tmp_path / f"{name}.csd"
        path.write_text(body)
        done = subprocess.run(
            ["csound", "--syntax-check-only", str(path)], capture_output=True, timeout=60, check=False
        )
        verdicts.append(done.returncode == 0)
    assert verdicts == [False, True]


#: A rate letter slipped where a variable is set (`aVal` for `kVal`), and in one output of two.
SLIPS = {
    "undefined-variable": (
        "instr 1\n  aTrig metro 2\n  kUnused = 1\n  printk2 kTrig\nendin\n",
        "Rename 'aTrig' to 'kTrig' where it is set",
        "  kTrig metro 2\n",
    ),
    "used-before-defined": (
        "instr 1\n  aCount = 0\n  kCount = kCount + 1\n  kUnused = 1\n  printk2 kCount\nendin\n",
        "Rename 'aCount' to 'kCount' where it is set",
        "  kCount = 0\n",
    ),
    "output-rate": (
        "instr 1\n  aSig oscili 0.1, 440\n  kL, aR pan2 aSig, 0.5\n  kUnused = 1\n  outs kL, aR\nendin\n",
        "Rename 'kL' to 'aL' (the opcode gives a-rate)",
        "  aL, aR pan2 aSig, 0.5\n",
    ),
}


@pytest.mark.skipif(shutil.which("csound") is None, reason="needs the csound command")
@pytest.mark.parametrize("kind", sorted(SLIPS))
def test_a_slipped_rate_letter_is_renamed_back(kind: str, tmp_path: Path) -> None:
    body, title, line = SLIPS[kind]
    text = csd(body)
    document = Document("file:///tmp/slip.csd", text)
    everything = diagnostics_of(document)
    assert any(d.code == kind for d in everything), [(d.code, d.message) for d in everything]
    whole = (0, len(document.source))
    for diagnostic in everything:  # offered with its own diagnostic only
        titles = [a.title for a in quick_fixes(document, *whole, for_diagnostics=[diagnostic])]
        if diagnostic.code not in (kind, "output-rate", "undefined-variable", "rate-mismatch"):
            assert title not in titles, (diagnostic.code, titles)
    finding = next(f for f in document_findings(document) if f.code == kind)
    fixes = fixes_for(document, finding)
    assert fixes and fixes[0].title == title and fixes[0].preferred, [f.title for f in fixes]
    fixed = apply_edits(document.source, fixes[0].edits).decode()
    assert line in fixed
    verdicts = []
    for name, piece in (("broken", text), ("fixed", fixed)):
        path = tmp_path / f"{name}.csd"
        path.write_text(piece)
        done = subprocess.run(
            ["csound", "--syntax-check-only", str(path)], capture_output=True, timeout=60, check=False
        )
        verdicts.append(done.returncode == 0)
    assert verdicts == [False, True]
