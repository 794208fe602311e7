"""Engine selection (pure, with stand-in loaders) and the wrapper for score-only files.

The real engines only run inside the worker process; `test_csound_worker.py` drives them there.
"""

from __future__ import annotations

import os
import sys

import pytest

from csound_lsp.csound.discovery import bundled_csound7, candidates, normalise_choice
from csound_lsp.csound.engine import (
    DISABLE_ENV,
    INSTALL_HINT,
    SCORE_WRAPPER_LINES,
    CompileOptions,
    CompileResult,
    CsoundUnavailableError,
    load_engine,
    select_engine,
    wrap_score,
)
from csound_lsp.settings import parse


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


def test_engine_choices_are_normalised_and_bad_ones_refused() -> None:
    got = [normalise_choice(v) for v in ("auto", "", None, "6", "csound7", " 7 ")]
    assert got == ["auto", "auto", "auto", "6", "7", "7"]
    assert normalise_choice("/opt/csound/lib/libcsound64.so.7.0") == "/opt/csound/lib/libcsound64.so.7.0"
    with pytest.raises(ValueError, match="auto, 6, 7"):
        normalise_choice("8")


@pytest.mark.skipif(bundled_csound7() is None, reason="needs cycsound (Csound 7)")
def test_bundled_csound7_is_found_from_the_wheel_files_without_importing_it() -> None:
    found = bundled_csound7()
    assert found is not None and found.major == 7 and found.origin == "bundled"
    assert found.library is not None and ".so.7" in found.library and os.path.isfile(found.library)
    assert found.plugins is not None and any(name.endswith(".so") for name in os.listdir(found.plugins))
    assert "cycsound" not in sys.modules  # located through importlib.metadata only
    assert candidates("7")[-1] == found and candidates("auto")[-1] == found  # auto: the last resort


def test_a_library_path_is_the_only_candidate() -> None:
    [only] = candidates("/nowhere/libcsound64.so.7.0")
    assert (only.origin, only.library, only.major) == ("setting", "/nowhere/libcsound64.so.7.0", 0)


def test_a_library_that_does_not_open_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DISABLE_ENV, raising=False)
    with pytest.raises(CsoundUnavailableError, match=r"cannot open /nowhere/libcsound64\.so\.7\.0"):
        load_engine("/nowhere/libcsound64.so.7.0")


def test_settings_take_an_engine_and_refuse_a_bad_one() -> None:
    parsed = parse({"csound": {"engine": "7"}})
    assert parsed.settings.engine == "7" and parsed.problems.invalid == []
    parsed = parse({"engine": "eight"})
    assert parsed.settings.engine == "auto" and "auto, 6, 7" in parsed.problems.invalid[0]
