"""Checking what a model wrote before anyone sees it: static analysis, then the real Csound compiler.

A candidate is applied to the document in memory and checked as a whole, because most mistakes
(a rate that does not fit, an undefined variable, a missing `endin`) only show in context. Errors
are compared as (code, message) pairs, so that the errors a candidate adds can be told apart from
the ones the document already had, whatever lines they moved to.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING

from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.findings import Severity
from csound_lsp.analysis.incremental import IncrementalDiagnostics
from csound_lsp.syntax.document import Document

if TYPE_CHECKING:
    from csound_lsp.csound.worker import CsoundChecker

#: Above this size a Csound compile is not "cheap" for an inline suggestion.
CHEAP_CSOUND_BYTES = 40_000


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based; 0 when unknown
    code: str
    message: str
    source: str

    def describe(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.message} ({self.source})"

    @property
    def key(self) -> tuple[str, str]:
        return (self.code, self.message)


@dataclass
class CheckReport:
    errors: list[Problem] = field(default_factory=list)
    csound_checked: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages(self) -> list[str]:
        return [problem.describe() for problem in self.errors]


def _uri_for(path: str | None, text: str) -> str:
    if path:
        return PurePath(path).as_uri() if PurePath(path).is_absolute() else f"file:///{path}"
    if "<csinstruments>" in text.lower() or "<csoundsynthesizer>" in text.lower():
        return "untitled:ai.csd"
    return "untitled:ai.orc"


def static_errors(
    text: str, path: str | None = None, *, analyzer: IncrementalDiagnostics | None = None
) -> list[Problem]:
    """Errors our static analysis finds in `text` (a CSD, orchestra or score by `path` or content).

    With an `analyzer`, instruments and UDOs it has seen unchanged are not analysed again: checking
    several candidates for one document costs one instrument each, not one document each."""
    document = Document(_uri_for(path, text), text)
    problems = []
    findings = (
        analyzer.findings(document, report_unused=False)
        if analyzer is not None
        else static_findings(document, report_unused=False)
    )
    for finding in findings:
        if finding.severity is not Severity.ERROR or finding.path is not None:
            continue
        line = document.index.position(finding.start_byte).line + 1
        problems.append(Problem(line, finding.code, finding.message, finding.source))
    return problems


async def check_text(
    text: str,
    path: str | None = None,
    *,
    checker: CsoundChecker | None = None,
    csound_limit: int | None = None,
    analyzer: IncrementalDiagnostics | None = None,
) -> CheckReport:
    """Static errors, then, when a checker is given, the text is small enough and static analysis
    found nothing, Csound's own errors (a compile only, in the worker process)."""
    started = time.perf_counter()
    report = CheckReport(static_errors(text, path, analyzer=analyzer))
    limit = CHEAP_CSOUND_BYTES if csound_limit is None else csound_limit
    if checker is not None and not report.errors and len(text) <= limit and checker.available is not False:
        from csound_lsp.csound.worker import CheckStatus

        uri = f"{_uri_for(path, text)}#ai"
        result = await checker.check(uri, None, text, path)
        if result.status is CheckStatus.CHECKED:
            report.csound_checked = True
            for raw in result.diagnostics:
                if raw.severity == 1 and raw.file is None:
                    report.errors.append(Problem(raw.line or 0, raw.kind, raw.message, "csound"))
            if not report.errors and result.return_code not in (0, None):
                report.errors.append(Problem(0, "csound", "Csound could not compile this code", "csound"))
    report.seconds = time.perf_counter() - started
    return report


def added_errors(before: Sequence[Problem], after: Sequence[Problem]) -> list[Problem]:
    """The errors in `after` beyond those `before` had, matched by code and message, not by line."""
    remaining = Counter(problem.key for problem in before)
    added = []
    for problem in after:
        if remaining[problem.key] > 0:
            remaining[problem.key] -= 1
        else:
            added.append(problem)
    return added
