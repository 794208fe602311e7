"""Static diagnostics off the event loop, one analysis per document at a time, newest version first.

The event loop answers requests; the analysis of a version (a few milliseconds for a keystroke in a
long orchestra, most of a second for a 20,000-line instrument) runs on one worker thread, on the
immutable version it was started for. Hover, completion and signature help answer meanwhile from the
current version; `shutdown` never waits for it. A version replaced while its analysis runs is
abandoned between items (`analysis.incremental.Cancelled`) and its findings never published; the
newest version is analysed next. A burst of keystrokes read in one go is analysed once, at its last
version, and only after the requests sent with it were answered (`PUBLISH_DELAY_S`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from csound_lsp.analysis.findings import Finding
from csound_lsp.analysis.incremental import Cancelled, analyse_version
from csound_lsp.features.diagnostics import DiagnosticsManager, Json, static_diagnostics
from csound_lsp.settings import DiagnosticsSettings
from csound_lsp.syntax.document import Document, map_back
from csound_lsp.syntax.focus import LARGE_ITEM_BYTES, model_ready, warm_long_items
from csound_lsp.syntax.store import DocumentStore

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger(__name__)

#: How long static diagnostics wait after a keystroke, so requests sent with it are answered first
#: (reading the next message from stdin takes a thread hop, well under this).
PUBLISH_DELAY_S = 0.004


class StaticPublisher:
    """Schedules, runs (on a worker thread) and publishes the static analysis of open documents."""

    def __init__(
        self,
        store: DocumentStore,
        manager: DiagnosticsManager,
        settings: Callable[[], DiagnosticsSettings],
        send: Callable[[Document], None],
    ) -> None:
        self._store = store
        self._manager = manager
        self._settings = settings
        self._send = send
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="csound-analysis")
        #: Documents with an analysis due after the short delay.
        self._due: set[str] = set()
        #: The version being analysed, per document.
        self._running: dict[str, Document] = {}
        #: Documents to analyse again when the running analysis ends (the settings changed meanwhile).
        self._again: set[str] = set()
        #: The last version whose findings were published, per document.
        self._settled: dict[str, Document] = {}
        self._closed = False

    def soon(self, document: Document) -> None:
        """After a keystroke: analysed once the requests already waiting are answered."""
        if self._closed or document.uri in self._due:
            return
        self._due.add(document.uri)
        asyncio.get_running_loop().call_later(PUBLISH_DELAY_S, self._start, document.uri)

    def now(self, document: Document) -> None:
        """On open, save or a settings change: analysed at once (after the one running, if any)."""
        if self._closed:
            return
        self._due.discard(document.uri)
        if document.uri in self._running:
            self._again.add(document.uri)
        self._start(document.uri)

    def pending(self, uri: str) -> bool:
        """Whether static findings of a newer version are on their way (then they carry Csound's too)."""
        running = self._running.get(uri)
        return uri in self._due or (running is not None and running is self._store.get(uri))

    def settled(self, uri: str) -> Document | None:
        """The last version of a document whose analysis finished (its models are built)."""
        return self._settled.get(uri)

    def stand_in(self, document: Document, offset: int) -> tuple[Document, int]:
        """The version (and the offset in it) an interactive request at `offset` answers from: this
        one, unless the long instrument there has no model yet (its analysis is still running) and the
        last analysed version has one, with the offset still standing in unedited text."""
        if model_ready(document, offset):
            return document, offset
        settled = self._settled.get(document.uri)
        edits = self._store.edits_since(settled) if settled is not None else None
        if settled is None or edits is None:
            return document, offset
        before = map_back(offset, edits)
        if before is None or not model_ready(settled, before):
            return document, offset
        return settled, before

    async def off_loop(self, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Runs a request's work on the analysis thread (after the analysis running now, so it finds
        the version's findings and models made), leaving the event loop free."""
        if self._closed:
            return function(*args, **kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: function(*args, **kwargs))

    def forget(self, uri: str) -> None:
        self._due.discard(uri)
        self._settled.pop(uri, None)

    def close(self) -> None:
        """At shutdown: nothing more starts; an analysis running now finishes unread."""
        self._closed = True
        self._due.clear()
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _start(self, uri: str) -> None:
        self._due.discard(uri)
        document = self._store.get(uri)
        if self._closed or document is None or uri in self._running:
            return  # a running analysis starts the current version when it ends
        settings = self._settings()
        self._running[uri] = document

        def cancelled() -> bool:
            return self._closed or self._store.get(uri) is not document

        future = asyncio.get_running_loop().run_in_executor(
            self._executor, _analyse, document, settings, cancelled
        )
        future.add_done_callback(lambda done: self._finished(document, done))

    def _finished(self, document: Document, done: asyncio.Future[tuple[list[Finding], list[Json]]]) -> None:
        uri = document.uri
        if self._running.get(uri) is document:
            del self._running[uri]
        if self._closed or done.cancelled():
            return
        error = done.exception()
        if isinstance(error, Cancelled):
            pass
        elif error is not None:
            log.error("static analysis of %s failed", uri, exc_info=error)
        elif self._store.get(uri) is document:
            findings, converted = done.result()
            self._manager.set_static(document, findings, converted)
            self._settled[uri] = document
            self._send(document)
        again = uri in self._again
        self._again.discard(uri)
        current = self._store.get(uri)
        if current is not None and (again or current is not document) and uri not in self._due:
            self._start(uri)


def _analyse(
    document: Document, settings: DiagnosticsSettings, cancelled: Callable[[], bool]
) -> tuple[list[Finding], list[Json]]:
    """On the worker thread: the version's static findings and their LSP JSON form."""
    if not settings.static:
        return [], []
    found = analyse_version(document, report_unused=settings.unused_variables, cancelled=cancelled)
    converted = static_diagnostics(document, found)
    if len(document.source) >= LARGE_ITEM_BYTES:
        warm_long_items(document)
    return found.findings, converted
