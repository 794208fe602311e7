"""Errors inside `#include`d files, and what included files define, as Csound 6.18 reads them.

Every file here is our own Csound, written into a temporary folder; where the test claims Csound's
verdict, the real Csound (`--syntax-check-only`) is asked first, so a test cannot pass on a program
Csound would judge otherwise. Both analyses (the whole document, and the editor's incremental path)
must say the same.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from csound_lsp.analysis import include_checks
from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.analysis.incremental import IncrementalDiagnostics
from csound_lsp.syntax.document import Document, Span
from tests.engines import csound_accepts as csound6_accepts

needs_csound = pytest.mark.skipif(shutil.which("csound") is None, reason="needs Csound 6")

HEADER = "sr = 48000\nksmps = 32\nnchnls = 2\n0dbfs = 1\n"


def csd(orchestra: str, score: str = "i 1 0 0.1\n") -> str:
    return (
        f"<CsoundSynthesizer>\n<CsOptions>\n-d -m0\n</CsOptions>\n<CsInstruments>\n{HEADER}"
        f"{orchestra}</CsInstruments>\n<CsScore>\n{score}</CsScore>\n</CsoundSynthesizer>\n"
    )


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode())


def findings(path: Path) -> list[Finding]:
    """The whole-document findings, after checking the incremental path says exactly the same."""
    document = Document(path.as_uri(), path.read_text())
    full = static_findings(document)
    assert IncrementalDiagnostics().findings(document) == full
    return full


def errors(found: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in found if f.severity == Severity.ERROR]


def line_of(path: Path, finding: Finding) -> int:
    return path.read_bytes()[: finding.start_byte].count(b"\n") + 1


def csound_accepts(path: Path) -> bool:
    return csound6_accepts(path, cwd=path.parent)  # includes are read from the piece's folder


DOUBLE = "opcode Double, i, i\n  iIn xin\n  xout iIn * 2\nendop\n"
USES_DOUBLE = "instr 1\n  iv = Double(3)\n  print iv\nendin\n"


# -- errors inside included files ---------------------------------------------------------------------

#: (files beside the piece, the piece's orchestra, code expected on the `#include` line or None)
CASES: dict[str, tuple[dict[str, str], str, str | None]] = {
    "clean-include": ({"lib/double.udo": DOUBLE}, '#include "lib/double.udo"\n' + USES_DOUBLE, None),
    "syntax-error-inside": (
        {"broken.udo": "opcode Double, i, i\n  iIn xin\n  xout iIn * \nendop\n"},
        '#include "broken.udo"\n' + USES_DOUBLE,
        "included-file-error",
    ),
    "missing-file": ({}, '#include "nowhere.udo"\n' + USES_DOUBLE, "include-not-found"),
    "error-two-levels-down": (
        {
            "lib/all.inc": '#include "inner.udo"\n',  # found beside the file that includes it
            "lib/inner.udo": "opcode Double, i, i\n  iIn xin\n  xout iIn *\nendop\n",
        },
        '#include "lib/all.inc"\n' + USES_DOUBLE,
        "included-file-error",
    ),
    "guarded-cycle": (
        {
            "a.inc": '#ifndef A_INC\n#define A_INC ##\n#include "b.inc"\ngiA = 1\n#end\n',
            "b.inc": '#ifndef B_INC\n#define B_INC ##\n#include "a.inc"\ngiB = 2\n#end\n',
        },
        '#include "a.inc"\ninstr 1\n  print giA + giB\nendin\n',
        None,
    ),
    "no-line-break-at-the-end": (
        {"tail.udo": DOUBLE.rstrip("\n")},
        '#include "tail.udo"\ninstr 1\n  print Double(2)\nendin\n',
        "included-file-error",
    ),
    "no-line-break-then-a-blank-line": (
        {"tail.udo": DOUBLE.rstrip("\n")},
        '#include "tail.udo"\n\n' + USES_DOUBLE,
        None,
    ),
}


@needs_csound
@pytest.mark.parametrize("name", sorted(CASES))
def test_include_problems_are_reported_on_the_include_line(name: str, tmp_path: Path) -> None:
    files, orchestra, code = CASES[name]
    write(tmp_path, files)
    piece = tmp_path / "piece.csd"
    piece.write_text(csd(orchestra))
    assert csound_accepts(piece) == (code is None), f"Csound's verdict on {name} is not what the test says"
    found = [f for f in findings(piece) if f.severity == Severity.ERROR]
    if code is None:
        assert found == []
        return
    assert [f.code for f in found] == [code]
    assert piece.read_bytes()[found[0].start_byte : found[0].end_byte].strip(b'"') in (
        b"broken.udo",
        b"nowhere.udo",
        b"lib/all.inc",
        b"tail.udo",
    )


def test_the_message_names_the_file_and_line_inside(tmp_path: Path) -> None:
    files, orchestra, _ = CASES["error-two-levels-down"]
    write(tmp_path, files)
    piece = tmp_path / "piece.csd"
    piece.write_text(csd(orchestra))
    (finding,) = [f for f in findings(piece) if f.code == "included-file-error"]
    assert "'inner.udo' line 3" in finding.message and "all.inc" in finding.message
    assert line_of(piece, finding) == 10  # the `#include` line of the piece


def test_score_includes_are_read_as_score(tmp_path: Path) -> None:
    write(tmp_path, {"notes.sco": "i 1 0 0.5\ni 1 0.5 0.5\n", "bad.sco": "i 1 0 0.5\nu 1 2\n"})
    good = tmp_path / "good.csd"
    good.write_text(csd("instr 1\nendin\n", '#include "notes.sco"\n'))
    assert errors(findings(good)) == []
    bad = tmp_path / "bad.csd"
    bad.write_text(csd("instr 1\nendin\n", '#include "bad.sco"\n'))
    assert [code for code, _ in errors(findings(bad))] == ["included-file-error"]


def test_a_changed_include_is_read_again(tmp_path: Path) -> None:
    write(tmp_path, {"double.udo": DOUBLE})
    piece = tmp_path / "piece.csd"
    piece.write_text(csd('#include "double.udo"\n' + USES_DOUBLE))
    assert errors(findings(piece)) == []
    udo = tmp_path / "double.udo"
    udo.write_text(DOUBLE.replace("xout iIn * 2", "xout iIn * "))
    stat = udo.stat()
    os.utime(udo, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # a later save
    assert [code for code, _ in errors(findings(piece))] == ["included-file-error"]


def test_limits_bound_the_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A chain deeper than the limit is not followed past it (and says nothing there).
    monkeypatch.setattr(include_checks, "MAX_DEPTH", 3)
    chain = {f"level{n}.inc": f'#include "level{n + 1}.inc"\n' for n in range(6)}
    chain["level6.inc"] = "instr 9\n  xout\n"  # broken, but beyond the limit
    write(tmp_path, chain)
    piece = tmp_path / "deep.csd"
    piece.write_text(csd('#include "level0.inc"\ninstr 1\nendin\n'))
    assert errors(findings(piece)) == []
    # A file larger than the size limit is not analysed.
    monkeypatch.setattr(include_checks, "MAX_BYTES", 10)
    write(tmp_path, {"big.udo": "opcode Double, i, i\n  xout\n"})
    big = tmp_path / "big.csd"
    big.write_text(csd('#include "big.udo"\ninstr 1\nendin\n'))
    assert errors(findings(big)) == []


def test_an_unsaved_document_reads_no_includes() -> None:
    document = Document("untitled:Untitled-1", csd('#include "nowhere.udo"\n' + USES_DOUBLE))
    assert errors(static_findings(document)) == []


# -- what included files define -----------------------------------------------------------------------

DEFINITIONS = "opcode Triple, i, i\n  iIn xin\n  xout iIn * 3\nendop\n#define LENGTH #4#\ngiScale init 2\n"
USES_ALL = "instr 1\n  iv = Triple($LENGTH)\n  print iv * giScale\nendin\n"


@needs_csound
def test_names_defined_in_an_include_are_known(tmp_path: Path) -> None:
    write(tmp_path, {"defs.inc": DEFINITIONS})
    piece = tmp_path / "piece.csd"
    piece.write_text(csd('#include "defs.inc"\n' + USES_ALL))
    assert csound_accepts(piece)
    assert errors(findings(piece)) == []
    assert not [f for f in findings(piece) if f.code == "unknown-opcode"]


@needs_csound
@pytest.mark.parametrize(
    ("use", "code"),
    [
        ("  iw = Quadruple(2)\n", "unknown-opcode"),
        ("  iw = $WIDTH\n", "undefined-macro"),
        ("  iw = giNowhere\n", "undefined-variable"),
    ],
)
def test_names_defined_nowhere_are_errors_once_every_include_is_read(
    use: str, code: str, tmp_path: Path
) -> None:
    write(tmp_path, {"defs.inc": DEFINITIONS})
    piece = tmp_path / "piece.csd"
    piece.write_text(csd('#include "defs.inc"\n' + USES_ALL.replace("endin", use + "  print iw\nendin")))
    assert not csound_accepts(piece)
    found = [f for f in findings(piece) if f.code == code]
    assert found and all(f.severity == Severity.ERROR for f in found)


def test_an_unread_include_leaves_unknown_opcodes_as_warnings(tmp_path: Path) -> None:
    piece = tmp_path / "piece.csd"
    piece.write_text(csd('#include "https://example.org/defs.inc"\n' + USES_ALL.replace("$LENGTH", "4")))
    found = findings(piece)
    unknown = [f for f in found if f.code == "unknown-opcode"]
    assert unknown and all(f.severity == Severity.WARNING for f in unknown)
    assert not [f for f in found if f.code in ("undefined-macro", "undefined-variable")]


def test_unknown_opcodes_keep_their_place_after_edits_above(tmp_path: Path) -> None:
    # The incremental path caches each instrument's calls without offsets: an edit above moves them.
    write(tmp_path, {"defs.inc": DEFINITIONS})
    piece = tmp_path / "piece.csd"
    text = csd('#include "defs.inc"\n' + USES_ALL + "instr 2\n  iw = Quadruple(2)\n  print iw\nendin\n")
    piece.write_text(text)
    document = Document(piece.as_uri(), text)
    analysis = IncrementalDiagnostics()
    before = analysis.findings(document)
    at = document.index.position(text.index("instr 1"))
    document = document.edited([(Span(at, at), "; a comment line\n")])
    after = analysis.findings(document)
    assert after == static_findings(Document(piece.as_uri(), document.text))
    (moved,) = [f for f in after if f.code == "unknown-opcode"]
    (first,) = [f for f in before if f.code == "unknown-opcode"]
    assert moved.start_byte == first.start_byte + len("; a comment line\n")
    assert document.source[moved.start_byte : moved.end_byte] == b"Quadruple"


def test_a_macro_defined_inside_an_instrument_is_defined_for_the_editor_too(tmp_path: Path) -> None:
    # The editor's skeleton leaves instrument bodies out; a #define in one still counts.
    piece = tmp_path / "piece.csd"
    piece.write_text(
        csd("instr 1\n#define STEP(N) #print $N#\n  $STEP(1)\nendin\ninstr 2\n  $STEP(2)\nendin\n")
    )
    assert not [f for f in findings(piece) if f.code == "undefined-macro"]


def test_a_call_that_fits_no_builtin_only_warns_in_both_paths_when_an_include_may_define_it(
    tmp_path: Path,
) -> None:
    piece = tmp_path / "piece.csd"
    piece.write_text(csd('#include "https://example.org/lib.udo"\ninstr 1\n  iv exprand 1, 2\nendin\n'))
    found = [f for f in findings(piece) if f.code == "argument-count"]
    assert [f.severity for f in found] == [Severity.WARNING]
