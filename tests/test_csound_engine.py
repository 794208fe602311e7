"""Engine selection (pure, with stand-in loaders) and the wrapper for score-only files.

The real engines only run inside the worker process; `test_csound_worker.py` drives them there.
"""

from __future__ import annotations

import pytest

from csound_lsp.csound.engine import (
    DISABLE_ENV,
    INSTALL_HINT,
    SCORE_WRAPPER_LINES,
    CompileOptions,
    CompileResult,
    CsoundUnavailableError,
    select_engine,
    wrap_score,
)


class FakeEngine:
    def __init__(self, name: str, version: int) -> None:
        self.name = name
        self.version = version

    def compile(self, text: str, options: CompileOptions) -> CompileResult:
        return CompileResult(True, 0, engine=self.name)


def missing(reason: str = INSTALL_HINT) -> FakeEngine:
    raise CsoundUnavailableError(reason)


def test_first_working_loader_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DISABLE_ENV, raising=False)
    engine = select_engine([lambda: FakeEngine("csound7", 7000), lambda: FakeEngine("csound6", 6180)])
    assert engine.name == "csound7"


def test_falls_back_to_csound6_when_7_is_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DISABLE_ENV, raising=False)
    loaders = [lambda: missing("Csound 7 library not found"), lambda: FakeEngine("csound6", 6180)]
    engine = select_engine(loaders)
    assert (engine.name, engine.version) == ("csound6", 6180)


def test_nothing_installed_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DISABLE_ENV, raising=False)
    with pytest.raises(CsoundUnavailableError) as info:
        select_engine([lambda: missing("Csound 7 library not found"), missing])
    assert str(info.value).startswith(INSTALL_HINT)
    assert "Csound 7 library not found" in str(info.value)


def test_environment_switch_disables_every_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DISABLE_ENV, "1")
    with pytest.raises(CsoundUnavailableError, match="libcsnd-dev"):
        select_engine([lambda: FakeEngine("csound6", 6180)])


def test_install_hint_names_both_platforms() -> None:
    assert "libcsnd-dev (Debian/Ubuntu)" in INSTALL_HINT and "(Homebrew)" in INSTALL_HINT


def test_score_wrapper_puts_the_score_after_a_known_number_of_lines() -> None:
    wrapped = wrap_score("i 1 0 1\ni 2 0 1")
    lines = wrapped.splitlines()
    assert lines[SCORE_WRAPPER_LINES] == "i 1 0 1"
    assert lines[SCORE_WRAPPER_LINES - 1] == "<CsScore>"
    assert "instr" in wrapped  # Csound refuses an empty orchestra
