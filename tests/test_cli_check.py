"""`csound-lsp check`: output formats, exit status, and bad input handled without a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

BROKEN = ROOT / "examples" / "broken-fm.csd"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "csound_lsp", "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_text_output_names_each_problem_and_exits_1() -> None:
    result = run(str(BROKEN.relative_to(ROOT)))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "examples/broken-fm.csd:12:1: error: missing endin for instr 1 [missing-endin]" in lines
    assert any(":17:9: error: unknown opcode 'oscilli'; did you mean 'oscili'?" in line for line in lines)
    assert any(":19:21: error:" in line and "[rate-mismatch]" in line for line in lines)
    assert "Traceback" not in result.stderr


def test_json_output_has_the_documented_fields() -> None:
    result = run("--format", "json", "--no-csound", str(BROKEN))
    records = json.loads(result.stdout)
    assert {tuple(sorted(r)) for r in records} == {
        tuple(
            sorted(
                ["path", "line", "column", "end_line", "end_column", "severity", "code", "source", "message"]
            )
        )
    }
    first = next(r for r in records if r["code"] == "unknown-opcode")
    assert (first["line"], first["column"], first["end_line"], first["end_column"]) == (17, 9, 17, 16)


def test_clean_folder_exits_0(tmp_path: Path) -> None:
    piece = ROOT / "corpus" / "instruments" / "fm-bell.csd"
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "fm-bell.csd").write_text(piece.read_text())
    (tmp_path / "notes.txt").write_text("not csound")
    result = run(str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line for line in result.stdout.splitlines() if ": error:" in line] == []


def test_syntax_only_reports_only_syntax(tmp_path: Path) -> None:
    result = run("--syntax-only", str(BROKEN))
    codes = {line.rsplit("[", 1)[-1].rstrip("]") for line in result.stdout.splitlines()}
    assert codes == {"missing-endin", "unclosed-block"}  # where the block opens, where Csound finds out


def test_bad_input_gives_a_message_and_exit_2(tmp_path: Path) -> None:
    binary = tmp_path / "noise.csd"
    binary.write_bytes(bytes(range(256)) * 10)
    latin = tmp_path / "latin.orc"
    latin.write_bytes("instr 1\n; caf\xe9\nendin\n".encode("latin-1"))
    result = run(str(tmp_path / "missing.csd"), str(binary), str(latin), "--no-csound")
    assert result.returncode == 2
    assert "missing.csd: no such file or directory" in result.stderr
    assert "noise.csd: looks like a binary file" in result.stderr
    assert "latin.orc: not UTF-8; read as Windows-1252" in result.stderr
    assert "Traceback" not in result.stderr


def test_old_8_bit_text_keeps_its_characters(tmp_path: Path) -> None:
    """A Windows-1252 piece: its accented words are read intact (no U+FFFD), and it is checked."""
    from csound_lsp.syntax.store import read_source

    latin = tmp_path / "ancien.orc"
    text = 'instr 1 ; pièce de René\n  Sx = "café \u2013 1998"\n  kUnused = 1\nendin\n'
    latin.write_bytes(text.encode("cp1252"))  # the dash is one of the bytes Latin-1 lacks
    assert 'Sx = "café \u2013 1998"' in read_source(latin).text
    assert "pièce de René" in read_source(latin).text
    result = run("--no-csound", "--format", "json", str(latin))
    assert "read as Windows-1252" in result.stderr and "Traceback" not in result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    assert "\ufffd" not in result.stdout
    assert any(record["code"] == "unused-variable" for record in json.loads(result.stdout)), result.stdout


def test_a_csd_with_a_binary_section_is_checked_by_its_text(tmp_path: Path) -> None:
    """Raw bytes in a section Csound reads as data: that section is left out (and said so), the
    orchestra and score are checked, and the exit code follows the findings, not the bytes."""
    piece = tmp_path / "with-midi.csd"
    piece.write_bytes(
        b"<CsoundSynthesizer>\n<CsInstruments>\n0dbfs = 1\ninstr 1\n  out oscilli(0.1, 440)\nendin\n"
        b'</CsInstruments>\n<CsFileB filename="tune.mid">\nMThd\x00\x00\x00\x06\x00\x00\xff\x2f\n'
        b"</CsFileB>\n<CsScore>\ni 1 0 1\n</CsScore>\n</CsoundSynthesizer>\n"
    )
    clean = tmp_path / "clean.orc"
    clean.write_text("0dbfs = 1\ninstr 1\n  out oscili(0.1, 440)\nendin\n")
    result = run("--no-csound", str(piece), str(clean))
    assert "<CsFileB> (lines 8-10) holds binary data" in result.stderr
    assert "looks like a binary file" not in result.stderr
    assert "unknown opcode 'oscilli'" in result.stdout
    assert result.returncode == 1, result.stdout + result.stderr


def test_huge_file_is_checked_without_trouble(tmp_path: Path) -> None:
    big = tmp_path / "big.orc"
    body = "instr 1\n  aSig oscili 0.1, 440\n  out aSig\nendin\n"
    big.write_text("0dbfs = 1\n" + body * (10 * 1024 * 1024 // len(body)))
    result = run("--no-csound", str(big))
    assert "Traceback" not in result.stderr
    assert result.returncode == 0
    assert "only syntax is checked" in result.stdout


def test_usage_error_exits_2() -> None:
    result = run("--format", "yaml", str(BROKEN))
    assert result.returncode == 2


def test_a_binary_file_met_in_a_folder_is_skipped_without_failing_the_run(tmp_path: Path) -> None:
    (tmp_path / "._piece.csd").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ")
    (tmp_path / "piece.orc").write_text("0dbfs = 1\ninstr 1\n  out oscili(0.1, 440)\nendin\n")
    result = run("--no-csound", str(tmp_path))
    assert "._piece.csd: looks like a binary file, skipped" in result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
