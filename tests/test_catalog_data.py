"""GEN routines, header constants, command-line options and usage counts."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from csound_lsp.catalog.gen_routines import all_gen_routines, gen_routine, gen_table, normalise_gen_key
from csound_lsp.catalog.headers import check_header, check_header_value, header_constant, header_constants
from csound_lsp.catalog.options import (
    all_options,
    find_flag,
    flags_in_help,
    match_option,
    option,
    output_target_kind,
    safety_kinds,
    scan_options,
)
from csound_lsp.catalog.usage import most_used, usage_count, usage_counts

MANUAL = Path("/usr/share/doc/csound-doc/html")


# --- GEN routines -------------------------------------------------------------------------
def test_gen_lookup_forms() -> None:
    assert gen_routine(10) is gen_routine("-10") is gen_routine("10") is gen_routine("10.0")
    assert gen_routine('"tanh"') is gen_routine("tanh")
    assert gen_routine(22) is None and gen_routine(26) is None and gen_routine("1.5") is None
    assert normalise_gen_key("07") == "7"
    assert gen_routine(7) is not None and gen_routine(7).title == "GEN07"  # type: ignore[union-attr]
    assert gen_routine("padsynth").title == 'GEN "padsynth"'  # type: ignore[union-attr]


def test_gen10_worked_example() -> None:
    gen10 = gen_routine(10)
    assert gen10 is not None and gen10.worked_example is not None
    assert gen10.worked_example.statement == "f 1 0 8192 10 1"
    assert "sine" in gen10.worked_example.explanation
    assert [f.name for f in gen10.worked_example.fields][:2] == ["f", "1"]


def test_every_gen_has_text_and_example() -> None:
    for routine in all_gen_routines():
        assert routine.summary and routine.pfields, routine.key
        assert routine.example.startswith("f "), routine.key
        fields = routine.example.split()
        gen_field = fields[4].strip('"').lstrip("-")
        assert gen_field == routine.key, (routine.key, routine.example)
    assert len(gen_table().statement_fields) == 4


@pytest.mark.skipif(not MANUAL.exists(), reason="csound-doc not installed")
def test_gens_match_the_manual() -> None:
    pages = {p.stem[3:] for p in MANUAL.glob("GEN*.html")}
    numbered = {str(int(p)) for p in pages if p.isdigit()}
    named = {p for p in pages if not p.isdigit()}
    ours = {r.key for r in all_gen_routines()}
    deprecated = {"22"}  # the manual keeps a stub page for it
    assert ours == (numbered - deprecated) | named


# --- header constants ---------------------------------------------------------------------
def test_header_constants() -> None:
    assert set(header_constants()) == {"sr", "kr", "ksmps", "nchnls", "nchnls_i", "0dbfs", "A4"}
    sr = header_constant("sr")
    assert sr is not None and sr.default == 44100 and "-r" in sr.overridden_by
    assert header_constant("0dbfs").default == 32768  # type: ignore[union-attr]
    assert check_header_value("sr", 48000) == []
    assert check_header_value("sr", 0) == ["sr must be above 0"]
    assert check_header_value("ksmps", 32.5) == ["ksmps must be a whole number"]
    assert any("unusual" in p for p in check_header_value("sr", 1000))
    assert check_header_value("nchnls", 0) == ["nchnls must be at least 1"]
    assert check_header_value("unknown", 1) == []
    assert check_header({"sr": 44100, "ksmps": 32, "nchnls": 2, "0dbfs": 1}) == []
    assert any("not a whole number" in p for p in check_header({"sr": 44100, "kr": 1000}))
    assert any("must agree" in p for p in check_header({"sr": 48000, "kr": 1500, "ksmps": 64}))


# --- options -------------------------------------------------------------------------------
def _help_text() -> str:
    done = subprocess.run(
        ["csound", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return done.stdout + done.stderr


@pytest.mark.skipif(shutil.which("csound") is None, reason="csound not installed")
def test_every_help_flag_is_described() -> None:
    flags = flags_in_help(_help_text())
    assert len(flags) > 100
    missing = sorted(f for f in flags if find_flag(f) is None)
    assert missing == []


def test_option_fields_and_safety() -> None:
    kinds = set(safety_kinds())
    for opt in all_options():
        assert opt.description and opt.forms, opt.name
        assert set(opt.safety) <= kinds, opt.name
    for name, kind in [
        ("--opcode-lib", "loads-code"),
        ("--opcode-dir", "loads-code"),
        ("-o", "writes-files"),
        ("-o", "opens-devices"),
        ("-+rtaudio", "opens-devices"),
        ("-M", "opens-devices"),
        ("--env", "changes-environment"),
        ("--realtime", "system-priority"),
        ("--port", "network"),
        ("-U", "runs-program"),
        ("--logfile", "writes-files"),
    ]:
        found = option(name)
        assert found is not None and kind in found.safety, name
    for harmless in ("-d", "--nchnls", "--ksmps", "-m", "--omacro", "--syntax-check-only", "-n"):
        found = option(harmless)
        assert found is not None and found.safe, harmless
    ksmps = option("--ksmps")
    assert ksmps is not None and ksmps.takes_value and ksmps.value == "N"
    assert option("--devices").value_optional  # type: ignore[union-attr]


def test_match_and_scan() -> None:
    assert match_option("--output=x.wav") == (option("--output"), "x.wav")
    assert match_option("-odac") == (option("-o"), "dac")
    assert match_option("-+rtaudio=jack") == (option("-+rtaudio"), "jack")
    assert match_option("--env:SSDIR+=/tmp") == (option("--env"), "SSDIR+=/tmp")
    assert match_option("--omacro:X=1") == (option("--omacro"), "X=1")
    assert match_option("--format=schar")[0] is option("--format")
    assert match_option("--no-such-flag") == (None, None)
    uses = scan_options(["-dWo", "out.wav", "-m0", "--opcode-lib=x.so", "file.csd", "-b", "128"])
    assert [(u.text, u.value) for u in uses] == [
        ("-d", None),
        ("-W", None),
        ("-o", "out.wav"),
        ("-m", "0"),
        ("--opcode-lib", "x.so"),
        ("-b", "128"),
    ]
    assert [u.word_index for u in uses] == [0, 0, 1, 2, 3, 6]
    assert output_target_kind("dac:hw:1") == "device"
    assert output_target_kind("out.wav") == "file"
    assert output_target_kind("stdout") == "pipe"
    assert output_target_kind(None) == "none"


# --- usage ---------------------------------------------------------------------------------
def test_usage_counts() -> None:
    counts = usage_counts()
    assert len(counts) > 500
    values = list(counts.values())
    assert values == sorted(values, reverse=True)
    assert usage_count("oscili") > usage_count("pvsbandr") and usage_count("no_such") == 0
    top = most_used(40)
    assert "outs" in top and "oscili" in top and len(top) == 40
    assert all(re.fullmatch(r"[A-Za-z_]\w*", n) for n in counts)
