"""The offline renderer against real Csound: levels, silence, clipping, errors, limits and safety."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from csound_lsp.csound.render import UnsafeCsoundError, find_unsafe, read_float_wav, render
from tests.engines import engine_fixture

#: Each test renders with the csound command ("auto": Debian's 6.18 here) and with cycsound's Csound 7
#: through the library runner.
engine = engine_fixture("auto")


def piece(body: str, score: str = "i 1 0 1", options: str = "", header: str = "") -> str:
    """A minimal mono CSD around an instrument body (lines numbered from 1 in the usual layout)."""
    return f"""<CsoundSynthesizer>
<CsOptions>
{options}
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 1
0dbfs = 1
{header}
instr 1
{body}
endin
</CsInstruments>
<CsScore>
{score}
</CsScore>
</CsoundSynthesizer>
"""


SINE = piece("  aSig = oscili(0.5, 441)\n  out aSig")


def test_sine_has_expected_peak_and_rms(tmp_path: Path) -> None:
    report = render(SINE, seconds=None, out_wav=tmp_path / "sine.wav")
    assert report.ok, report.errors
    assert report.sample_rate == 44100 and report.channels == 1
    assert report.duration == pytest.approx(1.0, abs=0.01)
    assert report.peak == pytest.approx(0.5, abs=1e-3)
    assert report.peak_dbfs == pytest.approx(20 * math.log10(0.5), abs=0.02)
    assert report.rms == pytest.approx(0.5 / math.sqrt(2), abs=1e-3)
    assert not report.silent and not report.clipped and not report.non_finite
    # The file stays where we asked and holds the same audio.
    assert report.out_wav == (tmp_path / "sine.wav").resolve()
    wav = read_float_wav(tmp_path / "sine.wav")
    assert report.samples is not None
    assert np.array_equal(wav.samples, report.samples)
    # 441 Hz over one second: 441 upward zero crossings.
    crossings = np.count_nonzero((wav.samples[:-1, 0] < 0) & (wav.samples[1:, 0] >= 0))
    assert abs(crossings - 441) <= 1


def test_seconds_limits_score_time_but_never_extends_it(tmp_path: Path) -> None:
    long_piece = piece("  out oscili(0.3, 220)", score="i 1 0 30")
    limited = render(long_piece, seconds=1.5)
    assert limited.ok, limited.errors
    assert limited.duration == pytest.approx(1.5, abs=0.01)
    short_piece = piece("  out oscili(0.3, 220)", score="i 1 0 0.5")
    short = render(short_piece, seconds=3.0)
    assert short.duration == pytest.approx(0.5, abs=0.01)


def test_path_input_and_missing_file(tmp_path: Path) -> None:
    csd = tmp_path / "sine.csd"
    csd.write_text(SINE)
    assert render(csd, seconds=0.5).peak == pytest.approx(0.5, abs=1e-3)
    assert render(str(csd), seconds=0.5).ok
    with pytest.raises(FileNotFoundError, match=r"no such Csound file"):
        render(tmp_path / "missing.csd")


def test_relative_include_is_found(tmp_path: Path) -> None:
    (tmp_path / "voice.inc").write_text("instr 1\n  out oscili(0.25, 330)\nendin\n")
    text = piece("  out oscili(0.25, 330)").replace(
        "instr 1\n  out oscili(0.25, 330)\nendin\n", '#include "voice.inc"\n'
    )
    (tmp_path / "main.csd").write_text(text)
    report = render(tmp_path / "main.csd", seconds=0.5)
    assert report.ok, report.errors
    assert report.peak == pytest.approx(0.25, abs=1e-3)


def test_silent_piece_reports_silent() -> None:
    report = render(piece("  out oscili(0.00001, 440)"))
    assert report.ok
    assert report.silent
    assert report.peak_dbfs < -90


def test_clipping_piece_reports_clipped() -> None:
    report = render(piece("  out oscili(1.5, 440)"))
    assert report.ok
    assert report.clipped
    assert report.peak == pytest.approx(1.5, abs=1e-3)
    assert report.peak_dbfs > 3.0


def test_non_finite_output_is_reported() -> None:
    # 0/0 at a-rate: Csound writes NaN into the float file.
    report = render(piece("  aZero = a(0)\n  out aZero / aZero"))
    assert report.non_finite
    assert math.isfinite(report.peak)


def test_unknown_opcode_reports_csound_error_with_our_line_number() -> None:
    report = render(piece("  aSig oscilx 0.5, 440\n  out aSig"), seconds=1.0)
    assert not report.ok
    assert report.returncode not in (0, None)
    joined = "\n".join(report.errors)
    assert "oscilx" in joined
    # `aSig oscilx` is line 12 of the piece; the injected stop instrument must not shift it.
    assert re.search(r"\bline:? 12\b", joined, re.IGNORECASE)  # 6: "Line: 12", 7: "line 12 columns 8-13"


def test_init_error_is_reported() -> None:
    report = render(piece("  out oscili(0.5, 440, 99)"))
    assert not report.ok
    assert any("INIT ERROR" in error and "99" in error for error in report.errors)


def test_not_a_csd_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.csd"
    path.write_text("just some words\n")
    report = render(path)
    assert not report.ok
    assert "no <CsInstruments>" in report.errors[0]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (piece('  iRes system_i 1, "echo hi"\n  out oscili(0.1, 440)'), "system_i"),
        (piece('  kRes system 1, "echo hi"\n  out oscili(0.1, 440)'), "'system'"),
        (piece("  out oscili(0.1, 440)").replace("<CsScore>", '<CsScore bin="python3">'), "bin="),
        (piece('  iOk compileorc "other.orc"\n  out oscili(0.1, 440)'), "compileorc"),
        (piece('  SCode = "x"\n  iOk compilestr SCode\n  out oscili(0.1, 440)'), "compilestr"),
        (piece("  out oscili(0.1, 440)", header='#include "http://example.invalid/x.orc"'), "URL"),
    ],
)
def test_unsafe_piece_is_refused(text: str, reason: str, tmp_path: Path) -> None:
    out = tmp_path / "never.wav"
    with pytest.raises(UnsafeCsoundError, match=r"allow_unsafe=True") as raised:
        render(text, out_wav=out)
    assert reason in str(raised.value)
    assert not out.exists()


def test_unsafe_piece_renders_when_allowed(tmp_path: Path) -> None:
    marker = tmp_path / "ran.txt"
    text = piece(f'  iRes system_i 1, "touch {marker}"\n  out oscili(0.1, 440)')
    report = render(text, seconds=0.2, allow_unsafe=True)
    assert report.ok, report.errors
    assert marker.exists()


def test_unsafe_code_hidden_in_an_include_is_found(tmp_path: Path) -> None:
    (tmp_path / "evil.inc").write_text('instr 2\n  iRes system_i 1, "echo hi"\nendin\n')
    text = piece("  out oscili(0.1, 440)", header='#include "evil.inc"')
    assert any("evil.inc" in reason for reason in find_unsafe(text, tmp_path))


def test_comments_and_literal_compilestr_are_not_unsafe() -> None:
    text = piece(
        "  ; system_i would be refused, but this is a comment\n"
        '  /* so is\n  system "ls" here */\n'
        "  iOk compilestr {{instr 9\n out oscili(0.1, 220)\nendin}}\n"
        "  out oscili(0.1, 440)"
    )
    assert find_unsafe(text) == []
    assert render(text, seconds=0.2).ok


def test_realtime_options_are_dropped_and_dangerous_ones_reported() -> None:
    text = piece("  out oscili(0.2, 440)", options="-odac -iadc -M0 -d --opcode-lib=/tmp/x.so")
    report = render(text, seconds=0.5)
    assert report.ok, report.errors
    assert report.dropped_options == ("--opcode-lib=/tmp/x.so",)


def test_kept_options_apply() -> None:
    text = piece("  out oscili($AMP, 440)", options="--omacro:AMP=0.125")
    report = render(text, seconds=0.5)
    assert report.ok, report.errors
    assert report.peak == pytest.approx(0.125, abs=1e-3)


def test_runaway_piece_is_stopped_by_the_wall_clock_timeout() -> None:
    # A score an hour long with no score-time limit: only the wall-clock timeout can end it.
    report = render(piece("  out oscili(0.2, 440)", score="i 1 0 3600"), timeout=1.0)
    assert report.timed_out
    assert not report.ok
    assert any("wall time" in error for error in report.errors)
