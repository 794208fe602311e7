"""The Csound engines the real-Csound tests run against: Debian's 6.18 and cycsound's bundled 7.0.

A test module makes every test run once per engine with ``engine = engine_fixture(...)``; the choice
travels through CSOUND_LSP_ENGINE, so checkers, renders and child processes created in the test all
use it. An engine is skipped only when it is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from csound_lsp.csound.discovery import ENGINE_ENV, candidates

HAS_6 = shutil.which("csound") is not None and bool(candidates("6"))
HAS_7 = bool(candidates("7"))
SKIP_6 = pytest.mark.skipif(not HAS_6, reason="needs Csound 6 installed (apt)")
SKIP_7 = pytest.mark.skipif(not HAS_7, reason="needs cycsound (Csound 7)")


def engine_fixture(six: str = "6") -> Any:
    """An autouse fixture over both engines; `six` is the value that selects Csound 6 ("6" or "auto")."""

    @pytest.fixture(autouse=True, params=[pytest.param(six, marks=SKIP_6), pytest.param("7", marks=SKIP_7)])
    def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
        monkeypatch.setenv(ENGINE_ENV, request.param)
        return str(request.param)

    return engine


def csound_syntax_check(path: Path, *, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Csound 6.18's `--syntax-check-only` run on a file (the orchestra, and the CSD around it)."""
    return subprocess.run(
        ["csound", "--syntax-check-only", "-n", "-d", "-m0", str(path)],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=60,
        check=False,
        cwd=cwd,
    )


def csound_accepts(path: Path, *, cwd: Path | None = None) -> bool:
    """Csound 6.18's own verdict on a file."""
    return csound_syntax_check(path, cwd=cwd).returncode == 0
