"""Diagnostics: static findings off the event loop, Csound's verdict, and publishing both.

Static diagnostics run off the event loop when they take long, one analysis per document at a time,
newest version first.

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
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from lsprotocol import types

from csound_lsp.analysis.findings import Finding
from csound_lsp.analysis.incremental import Cancelled, analyse_version
from csound_lsp.features.csound_checks import CsoundScheduler
from csound_lsp.features.diagnostics import DiagnosticsManager, Json, static_diagnostics
from csound_lsp.server.feature import Feature
from csound_lsp.settings import DiagnosticsSettings
from csound_lsp.syntax.document import Document, map_back
from csound_lsp.syntax.focus import LARGE_ITEM_BYTES, long_model_ready, model_ready, warm_long_items
from csound_lsp.syntax.store import DocumentStore

if TYPE_CHECKING:
    from csound_lsp.server.core import CsoundLanguageServer

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger(__name__)

#: How long static diagnostics wait after a keystroke, so requests sent with it are answered first
#: (reading the next message from stdin takes a thread hop, well under this).
PUBLISH_DELAY_S = 0.004

#: An analysis that took less than this last time runs on the event loop: for a keystroke in an
#: ordinary instrument the thread hop and the interpreter lock's switching cost more than it saves.
INLINE_ANALYSIS_S = 0.05

#: Requests on documents below this size run on the event loop while no analysis is running (see
#: `off_loop`): their answers take milliseconds there.
INLINE_REQUEST_BYTES = 256 * 1024


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
        #: How long each document's last analysis took (seconds).
        self._cost: dict[str, float] = {}
        #: Jobs given to the worker thread and not finished.
        self._queued = 0
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
        last analysed version has one, with the offset still standing in unedited text. A version not
        parsed yet is not parsed here (its reparse takes tens of milliseconds in a long instrument and
        runs on the analysis thread): the last analysed version answers when it has the long
        instrument at that offset modelled."""
        if document.parsed and model_ready(document, offset):
            return document, offset
        settled = self._settled.get(document.uri)
        edits = self._store.edits_since(settled) if settled is not None else None
        if settled is None or edits is None:
            return document, offset
        before = map_back(offset, edits)
        if before is None:
            return document, offset
        ready = model_ready(settled, before) if document.parsed else long_model_ready(settled, before)
        return (settled, before) if ready else (document, offset)

    async def off_loop(
        self, document: Document, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """Runs a request's work on `document` on the analysis thread (after the analysis running now,
        so it finds the version's findings and models made), leaving the event loop free; at once on
        the loop when the document is small and the thread idle (it would cost a thread hop only)."""
        if self._closed or (self._queued == 0 and len(document.source) < INLINE_REQUEST_BYTES):
            return function(*args, **kwargs)
        loop = asyncio.get_running_loop()
        self._queued += 1
        try:
            return await loop.run_in_executor(self._executor, lambda: function(*args, **kwargs))
        finally:
            self._queued -= 1

    def forget(self, uri: str) -> None:
        self._due.discard(uri)
        self._settled.pop(uri, None)

    def close(self) -> None:
        """At shutdown: nothing more starts; an analysis running now finishes unread."""
        self._closed = True
        self._due.clear()
        self._cost.clear()
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _start(self, uri: str) -> None:
        self._due.discard(uri)
        document = self._store.get(uri)
        if self._closed or document is None or uri in self._running:
            return  # a running analysis starts the current version when it ends
        settings = self._settings()
        cost = self._cost.get(uri)
        if cost is not None and cost < INLINE_ANALYSIS_S and self._queued == 0:
            try:
                result: Analysed | BaseException = _analyse(document, settings, lambda: False)
            except Exception as error:  # logged below, as the thread's would be
                result = error
            self._finished(document, result)
            return
        self._running[uri] = document

        def cancelled() -> bool:
            return self._closed or self._store.get(uri) is not document

        self._queued += 1
        future = asyncio.get_running_loop().run_in_executor(
            self._executor, _analyse, document, settings, cancelled
        )
        future.add_done_callback(lambda done: self._done(document, done))

    def _done(self, document: Document, done: asyncio.Future[Analysed]) -> None:
        self._queued -= 1
        if self._running.get(document.uri) is document:
            del self._running[document.uri]
        if not done.cancelled():
            self._finished(document, done.exception() or done.result())

    def _finished(self, document: Document, result: Analysed | BaseException) -> None:
        uri = document.uri
        if self._closed:
            return
        if isinstance(result, Cancelled):
            pass
        elif isinstance(result, BaseException):
            log.error("static analysis of %s failed", uri, exc_info=result)
        else:
            self._cost[uri] = result.seconds
            if self._store.get(uri) is document:
                self._manager.set_static(document, result.findings, result.converted)
                self._settled[uri] = document
                self._send(document)
        again = uri in self._again
        self._again.discard(uri)
        current = self._store.get(uri)
        if current is not None and (again or current is not document) and uri not in self._due:
            self._start(uri)


@dataclass(frozen=True)
class Analysed:
    """A version's static findings, their LSP JSON, and how long they took."""

    findings: list[Finding]
    converted: list[Json]
    seconds: float


def _analyse(document: Document, settings: DiagnosticsSettings, cancelled: Callable[[], bool]) -> Analysed:
    """The version's static findings and their LSP JSON form (on the worker thread, or on the loop
    when the last one was quick)."""
    started = time.perf_counter()
    if not settings.static:
        return Analysed([], [], 0.0)
    found = analyse_version(document, report_unused=settings.unused_variables, cancelled=cancelled)
    converted = static_diagnostics(document, found)
    if len(document.source) >= LARGE_ITEM_BYTES:
        warm_long_items(document)
    return Analysed(found.findings, converted, time.perf_counter() - started)


class DiagnosticsFeature(Feature):
    """Static findings (`StaticPublisher`) and Csound's (`CsoundScheduler`), merged and published."""

    def __init__(self, server: CsoundLanguageServer) -> None:
        super().__init__(server)
        self.manager = DiagnosticsManager()
        self.publisher = StaticPublisher(
            server.store, self.manager, lambda: self.server.settings.diagnostics, self.send
        )
        self.csound = CsoundScheduler(self.manager, self.send, server.notify_once, server.store.get)

    def opened(self, document: Document) -> None:
        self.publisher.now(document)
        self.csound.schedule(document, self.server.settings.diagnostics, immediately=True)

    def changed(self, document: Document) -> None:
        self.publisher.soon(document)
        self.csound.schedule(document, self.server.settings.diagnostics)

    def saved(self, document: Document) -> None:
        self.opened(document)

    def closed(self, uri: str) -> None:
        self.publisher.forget(uri)
        self.manager.forget(uri)
        self.csound.cancel(uri)
        self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def settings_changed(self) -> None:
        for document in self.server.store.open_documents():
            self.publisher.now(document)

    def send(self, document: Document) -> None:
        """Publishes what is known for the document's version (static and Csound's findings)."""
        if self.publisher.pending(document.uri):
            return  # a newer version's static findings are due in a moment: they go out with Csound's
        params: dict[str, Any] = {
            "uri": document.uri,
            "version": document.version,
            "diagnostics": self.manager.lsp_diagnostics(document),
        }
        self.server.notify_json(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, params)

    async def stop(self) -> None:
        # A keystroke's analysis still due or running (a long instrument: a good part of a second):
        # nobody will read its diagnostics, and the shutdown answer does not wait for it.
        self.publisher.close()
        await self.csound.close()
