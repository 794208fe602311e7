"""Csound 7 from the cycsound wheel alone: what `pip install csound-lsp` gives with no system Csound.

The system Csound (Debian's 6.18) is hidden from the child processes these tests start: a ``ctcsound``
that refuses to import stands first on PYTHONPATH, and LD_LIBRARY_PATH is unset, so the only Csound
left is the library the cycsound wheel ships. With ``--engine 7`` (and with ``auto``, which falls back
to the bundled 7 when the system route fails), ``csound-lsp check`` reports Csound 7's own compile error
for a piece whose error only a compile can see (a macro's body, where static analysis stands down;
where ours covers Csound's line, as in examples/broken-fm.csd, only ours is shown). The last test
reads the worker's memory map to show that one process never holds two Csound libraries.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from csound_lsp.csound.worker import CsoundChecker
from tests.engines import SKIP_6, SKIP_7

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [SKIP_7, pytest.mark.timeout(120)]


def _without_system_csound(tmp_path: Path) -> dict[str, str]:
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "ctcsound.py").write_text('raise ImportError("the system Csound is hidden in this test")\n')
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "CSOUND_LSP_ENGINE")}
    env["PYTHONPATH"] = os.pathsep.join([str(shadow), str(ROOT)])
    return env


#: A note with two frequencies, written in a macro: Csound's parser stops at the second one.
MACRO_PIECE = """<CsoundSynthesizer>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

#define TONE #aSig poscil 0.3, 440 440#

instr 1
  $TONE
  outs aSig, aSig
endin
</CsInstruments>
<CsScore>
i 1 0 1
</CsScore>
</CsoundSynthesizer>
"""


def _check(env: dict[str, str], piece: Path, *engine: str) -> list[dict[str, object]]:
    piece.write_text(MACRO_PIECE)
    done = subprocess.run(
        [sys.executable, "-m", "csound_lsp", "check", "--format", "json", *engine, str(piece)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=100,
    )
    assert done.returncode == 1, done.stderr  # errors were found
    records: list[dict[str, object]] = json.loads(done.stdout)
    return [r for r in records if r["source"] == "csound"]


@pytest.mark.parametrize("engine", [["--engine", "7"], ["--engine", "auto"]], ids=["engine-7", "auto"])
def test_check_shows_csound7_errors_with_only_the_wheel(tmp_path: Path, engine: list[str]) -> None:
    env = _without_system_csound(tmp_path)
    hidden = subprocess.run([sys.executable, "-c", "import ctcsound"], env=env, capture_output=True)
    assert hidden.returncode != 0  # the system Csound really is out of reach
    [error] = _check(env, tmp_path / "macro.csd", *engine)
    assert error["severity"] == "error" and error["code"] == "syntax-error"
    assert 'unexpected INTEGER_TOKEN "440"' in str(error["message"])
    assert (error["line"], error["column"], error["end_line"], error["end_column"]) == (11, 3, 11, 8)


def _csound_libraries(pid: int) -> set[str]:
    maps = Path(f"/proc/{pid}/maps").read_text()
    return {line.split()[-1] for line in maps.splitlines() if "libcsound" in line.rsplit("/", 1)[-1]}


@pytest.mark.parametrize("engine", [pytest.param("6", marks=SKIP_6), "7"])
async def test_the_worker_holds_exactly_one_csound(engine: str) -> None:
    checker = CsoundChecker(timeout_s=20, engine=engine)
    try:
        result = await checker.check("untitled:a.csd", 1, (ROOT / "examples" / "broken-fm.csd").read_text())
        assert result.engine.startswith(f"csound{engine}")
        assert checker.worker_pid is not None
        libraries = _csound_libraries(checker.worker_pid)
    finally:
        await checker.close()
    assert len(libraries) == 1, libraries
    [library] = libraries
    assert (".so.7" in library) == (engine == "7")
