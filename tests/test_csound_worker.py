"""The Csound worker with real Csound 6.18 and 7.0: diagnostics, safety, robustness and life cycle.

Every test runs once per engine (``engine`` fixture: Debian's 6.18 through ctcsound, the Csound 7.0
bundled with cycsound), skipping an engine only when it is not installed. Each test bounds its own
time: compiles that crash or hang run with a short compile timeout, and pytest-timeout stops anything
that would go past 20 s.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from csound_lsp.csound.messages import LineQuality
from csound_lsp.csound.worker import CheckStatus, CsoundChecker, kind_for
from tests.engines import engine_fixture
from tests.test_csound_messages import EXPECTED, FIXTURES
from tests.test_csound_messages7 import EXPECTED7

pytestmark = [pytest.mark.timeout(20)]

#: Both engines; "6" selects Debian's 6.18 (ctcsound), "7" the Csound 7.0 bundled with cycsound.
engine = engine_fixture()


def csound_command(engine: str) -> list[str]:
    """The csound program for the controls: Debian's for 6, the library runner for Csound 7."""
    if engine == "6":
        return ["csound"]
    return [sys.executable, "-m", "csound_lsp.csound.run_csound", "--engine", engine, "--"]


GOOD = """<CsoundSynthesizer>
<CsOptions>
-odac
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1
{orc}
instr 1
  a1 oscili 0.5, 440
  outs a1, a1
endin
</CsInstruments>
<CsScore{score_attrs}>
{score}
</CsScore>
</CsoundSynthesizer>
"""


def csd(orc: str = "", score: str = "i 1 0 1", score_attrs: str = "") -> str:
    return GOOD.format(orc=orc, score=score, score_attrs=score_attrs)


async def check_file(checker: CsoundChecker, path: Path, text: str | None = None, version: int = 1):  # type: ignore[no-untyped-def]
    return await checker.check(path.as_uri(), version, text if text is not None else path.read_text(), path)


async def test_good_csd_compiles_clean(tmp_path: Path, engine: str) -> None:
    checker = CsoundChecker(timeout_s=10)
    try:
        result = await check_file(checker, tmp_path / "good.csd", csd())
    finally:
        await checker.close()
    assert result.status is CheckStatus.CHECKED and result.ok
    if engine == "6":
        assert result.diagnostics == ()
        assert result.engine.startswith("csound6 618")
    else:  # Csound 7 warns that outs is deprecated, and says so on its line
        assert [(d.kind, d.line, d.token) for d in result.diagnostics] == [("deprecated-opcode", 12, "outs")]
        assert result.engine == "csound7 7000"
    assert [c.detail for c in result.neutralised] == ["-odac"]


async def test_every_error_kind_lands_where_the_fixtures_say(engine: str) -> None:
    """The live worker agrees with the recorded messages (guards against drift in Csound or the parser)."""
    checker = CsoundChecker(timeout_s=10)
    try:
        for name, expected in sorted((EXPECTED if engine == "6" else EXPECTED7).items()):
            result = await check_file(checker, FIXTURES / name)
            assert result.status is CheckStatus.CHECKED, (name, result.notice)
            got = [(d.severity, d.kind, d.line, d.file, d.line_quality, d.token) for d in result.diagnostics]
            if engine == "7":
                columns = [(d.column, d.end_column) for d in result.diagnostics]
                got = [(*item, span) for item, span in zip(got, columns, strict=True)]
            assert got == expected, name
    finally:
        await checker.close()


async def test_relative_include_resolves_against_the_document_folder(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "osc.inc").write_text("instr 5\n  a1 oscili 0.5, 440\n  outs a1, a1\nendin\n")
    text = csd(orc='#include "lib/osc.inc"')
    elsewhere = os.getcwd()
    checker = CsoundChecker(timeout_s=10)
    try:
        with_path = await check_file(checker, tmp_path / "piece.csd", text)
        without_path = await checker.check("untitled:1", 1, text, None)
    finally:
        await checker.close()
    assert os.getcwd() == elsewhere
    assert with_path.ok, with_path.diagnostics
    kinds = [d.kind for d in without_path.diagnostics if d.kind != "deprecated-opcode"]
    assert kinds == ["include-not-found"]


async def test_init_time_code_never_runs(tmp_path: Path, engine: str) -> None:
    marker_print = tmp_path / "fprints.txt"
    marker_system = tmp_path / "system.txt"
    orc = textwrap.dedent(
        f"""\
        prints "global init ran\\n"
        fprints "{marker_print}", "ran\\n"
        ires system_i 1, "touch {marker_system}"
        """
    )
    source = tmp_path / "init.csd"
    source.write_text(csd(orc=orc))
    checker = CsoundChecker(timeout_s=10)
    try:
        result = await check_file(checker, source)
    finally:
        await checker.close()
    assert result.ok, result.diagnostics
    assert "global init ran" not in result.log
    assert not marker_print.exists() and not marker_system.exists()
    # Control: the same file, performed by the csound command, does run that code (the test can fail).
    command = [*csound_command(engine), "-n", str(source)]
    subprocess.run(command, cwd=tmp_path, capture_output=True, timeout=15)
    assert marker_print.exists() and marker_system.exists()


async def test_score_bin_program_is_not_run(tmp_path: Path, engine: str) -> None:
    marker = tmp_path / "bin-ran.txt"
    score = f'open("{marker}", "w").write("ran")'
    source = tmp_path / "bin.csd"
    source.write_text(csd(score=score, score_attrs=f' bin="{sys.executable}"'))
    checker = CsoundChecker(timeout_s=10)
    try:
        result = await check_file(checker, source)
    finally:
        await checker.close()
    assert result.status is CheckStatus.CHECKED
    assert [c.kind for c in result.neutralised if c.kind == "score-bin"] == ["score-bin"]
    assert not marker.exists()
    # Control: Csound itself runs the bin= program even when only asked for a syntax check.
    subprocess.run(
        [*csound_command(engine), "--syntax-check-only", "-n", str(source)],
        cwd=tmp_path,
        capture_output=True,
        timeout=15,
    )
    assert marker.exists()


async def test_embedded_files_are_not_written(tmp_path: Path) -> None:
    text = csd().replace(
        "</CsoundSynthesizer>", '<CsFileB filename="written.bin">\nAAAA\n</CsFileB>\n</CsoundSynthesizer>'
    )
    checker = CsoundChecker(timeout_s=10)
    try:
        result = await check_file(checker, tmp_path / "embedded.csd", text)
    finally:
        await checker.close()
    assert result.ok
    assert not (tmp_path / "written.bin").exists()


def _bombs(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "zero.inc").symlink_to("/dev/zero")
    macros = ["#define A0 #1#"] + [f"#define A{i} #$A{i - 1} + $A{i - 1}#" for i in range(1, 30)]
    return {
        "unterminated_options": "<CsoundSynthesizer>\n<CsOptions>\n-n\n<CsInstruments>\ninstr 1\nendin\n"
        "</CsInstruments>\n<CsScore>\ni 1 0 1\n</CsScore>\n</CsoundSynthesizer>\n",
        "score_loop": csd(score="{ 1000000000 CNT\ni 1 [$CNT] 0.1\n}"),
        "dev_zero_include": csd(orc='#include "zero.inc"'),
        "macro_bomb": csd(orc="\n".join(macros) + "\ninstr 2\n  i1 = $A29\nendin"),
        "long_line": csd(orc="instr 3\n  i1 = " + " + ".join(["1"] * 100_000) + "\nendin"),
    }


@pytest.mark.parametrize(
    "case", ["unterminated_options", "score_loop", "dev_zero_include", "macro_bomb", "long_line"]
)
async def test_worker_survives_input_that_crashes_or_hangs_csound(tmp_path: Path, case: str) -> None:
    text = _bombs(tmp_path)[case]
    checker = CsoundChecker(timeout_s=3, memory_mb=1024)
    try:
        started = time.monotonic()
        bad = await check_file(checker, tmp_path / f"{case}.csd", text)
        took = time.monotonic() - started
        good = await check_file(checker, tmp_path / "good.csd", csd(), version=2)
    finally:
        await checker.close()
    assert bad.status in (CheckStatus.CHECKED, CheckStatus.TIMEOUT, CheckStatus.CRASHED)
    if bad.status is not CheckStatus.CHECKED:
        assert bad.notice and ("timed out" in bad.notice or "crashed" in bad.notice)
    else:
        assert bad.diagnostics or bad.neutralised
    assert took < 3 + 5  # the compile timeout plus killing the worker
    assert good.ok, (case, good.notice, good.diagnostics)


async def test_unterminated_options_is_reported_not_crashed(tmp_path: Path) -> None:
    text = _bombs(tmp_path)["unterminated_options"]
    checker = CsoundChecker(timeout_s=5)
    try:
        result = await check_file(checker, tmp_path / "opts.csd", text)
    finally:
        await checker.close()
    assert result.status is CheckStatus.CHECKED
    assert [(c.kind, c.line) for c in result.neutralised] == [("unterminated-options", 1)]


async def test_crash_and_timeout_respawn_the_worker(tmp_path: Path) -> None:
    bombs = _bombs(tmp_path)
    checker = CsoundChecker(timeout_s=2)
    try:
        first = await check_file(checker, tmp_path / "a.csd", csd())
        pid = checker.worker_pid
        crashed = await check_file(checker, tmp_path / "long.csd", bombs["long_line"])
        timed_out = await check_file(checker, tmp_path / "loop.csd", bombs["score_loop"])
        after = await check_file(checker, tmp_path / "a.csd", csd(), version=2)
    finally:
        await checker.close()
    assert first.ok and after.ok
    assert crashed.status is CheckStatus.CRASHED and "SIGSEGV" in (crashed.notice or "")
    assert timed_out.status is CheckStatus.TIMEOUT and "timed out after 2 s" in (timed_out.notice or "")
    assert checker.spawned == 3 and pid is not None


async def test_worker_is_replaced_after_max_compiles(tmp_path: Path) -> None:
    checker = CsoundChecker(timeout_s=10, max_compiles=2)
    try:
        pids = []
        for version in range(1, 6):
            result = await check_file(checker, tmp_path / "a.csd", csd(), version=version)
            assert result.ok
            pids.append(checker.worker_pid)
    finally:
        await checker.close()
    assert checker.spawned == 3
    assert pids[1] is None and pids[3] is None  # retired after the 2nd and 4th compile
    assert len({pids[0], pids[2], pids[4]}) == 3


async def test_newer_version_supersedes_a_pending_one(tmp_path: Path) -> None:
    checker = CsoundChecker(timeout_s=10)
    path = tmp_path / "a.csd"
    other = tmp_path / "b.csd"
    try:
        await check_file(checker, path, csd())  # start the worker
        busy = asyncio.ensure_future(check_file(checker, other, csd(), version=1))
        old = asyncio.ensure_future(check_file(checker, path, csd(orc="oops here"), version=2))
        new = asyncio.ensure_future(check_file(checker, path, csd(), version=3))
        results = await asyncio.gather(busy, old, new)
    finally:
        await checker.close()
    assert [r.status for r in results] == [CheckStatus.CHECKED, CheckStatus.SUPERSEDED, CheckStatus.CHECKED]
    assert results[2].ok


async def test_cancelled_caller_does_not_desynchronise_the_pipe(tmp_path: Path) -> None:
    checker = CsoundChecker(timeout_s=10)
    try:
        first = asyncio.ensure_future(check_file(checker, tmp_path / "x.csd", csd(orc="bad bad bad")))
        await asyncio.sleep(0.05)
        first.cancel()
        result = await check_file(checker, tmp_path / "y.csd", csd())
    finally:
        await checker.close()
    assert result.ok and result.uri.endswith("y.csd")


async def test_missing_csound_is_reported_once_and_clearly(tmp_path: Path) -> None:
    checker = CsoundChecker(simulate_missing_csound=True)
    try:
        first = await check_file(checker, tmp_path / "a.csd", csd())
        second = await check_file(checker, tmp_path / "a.csd", csd(), version=2)
    finally:
        await checker.close()
    assert first.status is CheckStatus.UNAVAILABLE and second.status is CheckStatus.UNAVAILABLE
    assert first.notice is not None and first.notice.startswith(
        "Csound library not found: install csound and libcsnd-dev (Debian/Ubuntu) or csound (Homebrew)"
    )
    assert second.notice is None
    assert checker.available is False and checker.spawned == 1


async def test_close_stops_the_worker_and_later_checks_are_refused(tmp_path: Path) -> None:
    checker = CsoundChecker(timeout_s=10)
    await check_file(checker, tmp_path / "a.csd", csd())
    pid = checker.worker_pid
    assert pid is not None
    await checker.close()
    assert not _alive(pid)
    result = await check_file(checker, tmp_path / "a.csd", csd(), version=2)
    assert result.status is CheckStatus.CLOSED


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state


PARENT = """
import asyncio, sys
from pathlib import Path
from csound_lsp.csound.worker import CsoundChecker

async def main():
    checker = CsoundChecker(timeout_s=60)
    await checker.check("file:///a.csd", 1, sys.argv[1], None)
    print(checker.worker_pid, flush=True)
    await checker.check("file:///loop.csd", 2, sys.argv[2], None)  # hangs in Csound

asyncio.run(main())
"""


def test_worker_exits_when_its_parent_is_killed_mid_compile(tmp_path: Path) -> None:
    loop = _bombs(tmp_path)["score_loop"]
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, csd(), loop],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        assert parent.stdout is not None
        worker_pid = int(parent.stdout.readline())
        time.sleep(0.5)  # the worker is now busy in the runaway score
        assert _alive(worker_pid)
        parent.send_signal(signal.SIGKILL)
        parent.wait(5)
        deadline = time.monotonic() + 5
        while _alive(worker_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker_pid)
    finally:
        parent.kill()
        parent.wait()


def test_kind_follows_the_file_name() -> None:
    assert kind_for("file:///x/a.orc") == "orc" and kind_for("/x/b.UDO") == "orc"
    assert kind_for("c.sco") == "sco" and kind_for("d.csd") == "csd" and kind_for(None) == "csd"


async def test_orc_and_score_files_are_checked_with_their_own_line_numbers(tmp_path: Path) -> None:
    checker = CsoundChecker(timeout_s=10)
    try:
        orc = await check_file(checker, tmp_path / "a.orc", "sr = 44100\ninstr 1\n  a1 oscilz 1\nendin\n")
        sco = await check_file(checker, tmp_path / "a.sco", "i 1 0 1\n")
    finally:
        await checker.close()
    [diagnostic] = orc.diagnostics
    assert diagnostic.kind == "unknown-opcode"
    assert (diagnostic.line, diagnostic.line_quality) == (2, LineQuality.EXACT)
    assert sco.ok
