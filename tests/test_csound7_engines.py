"""Our Csound 7 pieces and Csound 6 habits against the real engines: Debian's 6.18 and cycsound's 7.0.

Each piece in tests/data/csound7/ is compiled (compile only, through the worker) by both: Csound 7
accepts it, Csound 6 rejects it on the line where our `csound7-syntax` error stands. Each Csound 6
habit of `test_csound7_language.CSOUND6_ONLY` goes the other way: Csound 6 accepts it, Csound 7
rejects it on the line of our `csound6-only` error. So the static dialect checks say what the real
compilers say.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.findings import Severity
from csound_lsp.csound.messages import Severity as RawSeverity
from csound_lsp.csound.worker import CheckResult, CheckStatus, CsoundChecker
from csound_lsp.syntax.document import Document
from tests.engines import SKIP_6, SKIP_7
from tests.test_csound7_language import CSOUND6_ONLY, PIECES

HEADER = "<CsoundSynthesizer>\n<CsInstruments>\nsr = 44100\nksmps = 32\nnchnls = 1\n0dbfs = 1\n"
FOOTER = "</CsInstruments>\n<CsScore>\ni1 0 0.1\n</CsScore>\n</CsoundSynthesizer>\n"


def compile_with(engine: str, path: Path, text: str) -> CheckResult:
    async def run() -> CheckResult:
        checker = CsoundChecker(engine=engine, timeout_s=30)
        try:
            return await checker.check(path.as_uri(), 1, text, path)
        finally:
            await checker.close()

    result = asyncio.run(run())
    assert result.status is CheckStatus.CHECKED, result.notice
    assert result.engine.startswith(f"csound{engine}"), result.engine
    return result


def error_lines(result: CheckResult) -> list[int]:
    return [d.line for d in result.diagnostics if d.severity == RawSeverity.ERROR and d.line is not None]


@SKIP_6
@SKIP_7
@pytest.mark.parametrize("path", PIECES, ids=lambda p: p.name)
def test_csound7_accepts_the_piece_and_csound6_rejects_it_where_we_say(path: Path) -> None:
    text = path.read_text()
    assert compile_with("7", path, text).ok
    rejected = compile_with("6", path, text)
    assert not rejected.ok
    document = Document(path.as_uri(), text)
    ours = [f for f in static_findings(document, engine=6) if f.severity == Severity.ERROR]
    assert ours[0].code == "csound7-syntax"
    assert document.index.position(ours[0].start_byte).line == error_lines(rejected)[0]


@SKIP_6
@SKIP_7
@pytest.mark.parametrize("name", sorted(CSOUND6_ONLY))
def test_csound6_accepts_the_habit_and_csound7_rejects_it_where_we_say(name: str, tmp_path: Path) -> None:
    text = HEADER + CSOUND6_ONLY[name] + FOOTER
    path = tmp_path / "habit.csd"
    assert compile_with("6", path, text).ok
    rejected = compile_with("7", path, text)
    assert not rejected.ok
    document = Document(path.as_uri(), text)
    [ours] = [f for f in static_findings(document, engine=7) if f.severity == Severity.ERROR]
    assert ours.code == "csound6-only"
    assert document.index.position(ours.start_byte).line in error_lines(rejected)
