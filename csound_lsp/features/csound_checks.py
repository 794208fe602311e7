"""When the real Csound checks a document: debounced after edits, at once on open and save.

A newer version of a document supersedes an older pending check; results for an outdated
version are dropped. Csound's findings are anchored with the tree and merged with ours by the
diagnostics manager; what Csound says about included files is published on those files.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable

from csound_lsp import environment
from csound_lsp.analysis.csound_findings import anchor, neutralised_findings
from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.catalog.versions import set_engine
from csound_lsp.csound.worker import CheckResult, CheckStatus, CsoundChecker
from csound_lsp.features.diagnostics import DiagnosticsManager
from csound_lsp.settings import DiagnosticsSettings
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import includes_of
from csound_lsp.syntax.store import uri_to_path

log = logging.getLogger(__name__)

Publish = Callable[[Document], None]
Notify = Callable[[str], None]
Current = Callable[[str], "Document | None"]


class CsoundScheduler:
    def __init__(
        self, manager: DiagnosticsManager, publish: Publish, notify: Notify, current: Current
    ) -> None:
        self.manager = manager
        self.publish = publish
        self.notify = notify
        #: The current version of a document by URI (a result for an older one is dropped).
        self.current = current
        self._checker: CsoundChecker | None = None
        self._timeout_s = 10.0
        self._engine: str | None = None
        self._closing: set[asyncio.Task[None]] = set()
        self._pending: dict[str, asyncio.Task[None]] = {}

    def configure(self, settings: DiagnosticsSettings, engine: str | None = None) -> None:
        self._timeout_s = settings.csound_timeout_s
        if engine is not None and engine != self._engine:
            self._engine = engine
            set_engine(engine)  # hover and completion mark what differs in the Csound that compiles
            old, self._checker = self._checker, None  # the next check starts a worker on the new engine
            if old is not None:
                task = asyncio.get_running_loop().create_task(old.close())
                self._closing.add(task)
                task.add_done_callback(self._closing.discard)

    def checker(self) -> CsoundChecker:
        if self._checker is None:
            self._checker = CsoundChecker(
                timeout_s=self._timeout_s,
                simulate_missing_csound=environment.csound_disabled(),
                engine=self._engine,
            )
        return self._checker

    def schedule(
        self, document: Document, settings: DiagnosticsSettings, *, immediately: bool = False
    ) -> None:
        if not settings.csound:
            return
        previous = self._pending.pop(document.uri, None)
        if previous is not None:
            previous.cancel()
        delay = 0.0 if immediately else settings.csound_debounce_ms / 1000
        task = asyncio.get_running_loop().create_task(self._run(document, document.version, delay))
        self._pending[document.uri] = task
        task.add_done_callback(functools.partial(self._forget, document.uri))

    def _forget(self, uri: str, task: asyncio.Task[None]) -> None:
        if self._pending.get(uri) is task:
            del self._pending[uri]

    def cancel(self, uri: str) -> None:
        task = self._pending.pop(uri, None)
        if task is not None:
            task.cancel()

    async def _run(self, document: Document, version: int, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        text = document.text
        result = await self.checker().check(document.uri, version, text, uri_to_path(document.uri))
        if result.notice:
            self.notify(result.notice)
        if self.current(document.uri) is not document or result.status is CheckStatus.SUPERSEDED:
            return
        self.manager.set_csound(document, findings_from(document, result), version)
        self.publish(document)

    async def close(self) -> None:
        for task in list(self._pending.values()):
            task.cancel()
        self._pending.clear()
        if self._checker is not None:
            with contextlib.suppress(Exception):
                await self._checker.close()
            self._checker = None


def findings_from(document: Document, result: CheckResult) -> list[Finding]:
    """What a check result means for the document, in findings on the right ranges."""
    if result.status is CheckStatus.CHECKED:
        anchored = anchor(document, result.diagnostics)
        findings = anchored.here + neutralised_findings(document, result.neutralised)
        for path, items in anchored.elsewhere.items():
            for line, raw in items:
                # Shown here too, on the #include line, so a problem in an included file is never lost.
                include = next((i for i in includes_of(document) if path.endswith(i.target)), None)
                if include is not None:
                    findings.append(
                        Finding(
                            include.ref.start_byte,
                            include.ref.end_byte,
                            Severity.ERROR if raw.severity == 1 else Severity.WARNING,
                            raw.kind,
                            f"in {path}, line {line + 1}: {raw.message}",
                            source="csound",
                        )
                    )
        return findings
    if result.status in (CheckStatus.TIMEOUT, CheckStatus.CRASHED) and result.notice:
        end = len(document.index.line_bytes(0)) if document.index.line_count else 0
        return [
            Finding(0, end, Severity.WARNING, f"csound-{result.status.value}", result.notice, source="csound")
        ]
    return []
