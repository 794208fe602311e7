"""`csound-lsp render` and the server's `csound.render` command, against real Csound."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from csound_lsp.cli import main
from csound_lsp.csound.render import read_float_wav
from tests.engines import engine_fixture

#: Each test renders with the csound command ("auto": Debian's 6.18 here) and with cycsound's Csound 7
#: through the library runner.
engine = engine_fixture("auto")


def piece(body: str, score: str = "i 1 0 1") -> str:
    return (
        "<CsoundSynthesizer>\n<CsOptions>\n-odac\n</CsOptions>\n<CsInstruments>\n"
        "sr = 44100\nksmps = 32\nnchnls = 1\n0dbfs = 1\n"
        f"instr 1\n{body}\nendin\n</CsInstruments>\n<CsScore>\n{score}\n</CsScore>\n</CsoundSynthesizer>\n"
    )


SINE = piece("  out oscili(0.5, 441)")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_render_reports_levels_and_keeps_the_wav(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path, "sine.csd", SINE)
    out = tmp_path / "out" / "sine.wav"
    (tmp_path / "out").mkdir()
    assert main(["render", str(source), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "duration  1.000 s" in text
    assert "peak      -6.0 dBFS" in text
    assert "silence   no" in text and "clipping  no" in text
    assert "dropped option: -odac" not in text  # replaced by our own output, silently
    wav = read_float_wav(out)
    assert wav.samples.shape[1] == 1
    assert abs(wav.samples.shape[0] - 44100) <= 32  # whole control periods


def test_render_json_with_a_time_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path, "long.csd", piece("  out oscili(0.25, 441)", "i 1 0 30"))
    assert main(["render", str(source), "--seconds", "0.5", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert report["duration_s"] == pytest.approx(0.5, abs=0.01)
    assert report["peak_dbfs"] == pytest.approx(-12.04, abs=0.1)
    assert report["rms_dbfs"] < report["peak_dbfs"]
    assert report["silent"] is False and report["clipped"] is False


def test_silence_and_clipping_are_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    silent = write(tmp_path, "silent.csd", piece("  out a(0)"))
    assert main(["render", str(silent)]) == 1
    assert "silence   yes" in capsys.readouterr().out
    loud = write(tmp_path, "loud.csd", piece("  out oscili(1.5, 441)"))
    assert main(["render", str(loud), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["clipped"] is True
    assert any("clips" in problem for problem in report["problems"])
    assert report["peak_dbfs"] > 0


def test_missing_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(tmp_path / "nope.csd")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_bad_seconds_is_a_usage_error(tmp_path: Path) -> None:
    source = write(tmp_path, "sine.csd", SINE)
    with pytest.raises(SystemExit) as exit_info:
        main(["render", str(source), "--seconds", "-1"])
    assert exit_info.value.code == 2


def test_csound_errors_are_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = write(tmp_path, "broken.csd", piece("  aSig oscilli 0.5, 441\n  out aSig"))
    assert main(["render", str(broken)]) == 1
    assert "render failed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("body", "score", "reason"),
    [
        ('  system_i 1, "touch {marker}"\n  out a(0)', "i 1 0 0.1", "system_i"),
        ("  out oscili(0.1, 441)", None, "bin="),
    ],
)
def test_unsafe_pieces_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, score: str | None, reason: str
) -> None:
    marker = tmp_path / "ran"
    text = piece(body.format(marker=marker), score or "i 1 0 0.1")
    if score is None:
        text = text.replace("<CsScore>", f"<CsScore bin=\"sh -c 'touch {marker}' --\">")
    source = write(tmp_path, "unsafe.csd", text)
    assert main(["render", str(source)]) == 2
    err = capsys.readouterr().err
    assert "refusing to render" in err and reason in err and "--allow-unsafe" in err
    assert not marker.exists()


def test_allow_unsafe_renders_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    marker = tmp_path / "ran"
    source = write(
        tmp_path, "trusted.csd", piece(f'  iDone system_i 1, "touch {marker}"\n  out oscili(0.1, 441)')
    )
    assert main(["render", str(source), "--allow-unsafe", "--seconds", "0.2"]) == 0
    assert marker.exists()
    assert "silence   no" in capsys.readouterr().out


async def execute(client: LanguageClient, arguments: list[Any]) -> dict[str, Any]:
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="csound.render", arguments=arguments)
    )
    assert isinstance(result, dict), result
    return result


async def test_server_render_command_returns_the_report(client: LanguageClient, tmp_path: Path) -> None:
    source = write(tmp_path, "sine.csd", SINE)
    result = await execute(client, [{"uri": source.as_uri(), "seconds": 0.5}])
    assert result["ok"] is True
    assert result["duration_s"] == pytest.approx(0.5, abs=0.01)
    assert result["peak_dbfs"] == pytest.approx(-6.02, abs=0.1)
    for _ in range(100):
        if any("Rendered" in message.message for message in client.messages):
            break
        await asyncio.sleep(0.05)
    assert any(m.message.startswith("Rendered: 0.50 s") for m in client.messages), client.messages


async def test_server_render_refuses_unsafe_and_bad_arguments(client: LanguageClient, tmp_path: Path) -> None:
    source = write(tmp_path, "unsafe.csd", piece('  system_i 1, "true"\n  out a(0)'))
    refused = await execute(client, [{"uri": source.as_uri(), "seconds": 1}])
    assert refused["ok"] is False and refused["refused"] is True
    assert any("system_i" in reason for reason in refused["errors"])
    bad = await execute(client, [{"uri": source.as_uri(), "seconds": -3}])
    assert bad["ok"] is False and "positive" in bad["errors"][0]
    missing = await execute(client, [{"uri": (tmp_path / "gone.csd").as_uri(), "seconds": 1}])
    assert missing["ok"] is False and "not a file" in missing["errors"][0]
