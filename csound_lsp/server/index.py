"""Keeps the retrieval index fresh in the background, with `$/progress`, never delaying a request.

The build runs in a worker thread on the engine the AI features search (searches read the previous
snapshot until the new one is swapped in); progress reaches the client through the event loop,
since pygls's transport is not thread-safe. It starts only once the AI backend answers: the index
serves nothing else.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from csound_lsp import environment
from csound_lsp.ai.service import import_clients
from csound_lsp.server.ai import state
from csound_lsp.server.feature import Feature

if TYPE_CHECKING:
    from csound_lsp.server.core import CsoundLanguageServer

log = logging.getLogger(__name__)

#: Seconds after `initialized` before the index is looked at.
START_DELAY_S = 2.0


class IndexFeature(Feature):
    """The examples index kept fresh in the background (`BackgroundIndex`), stopped at shutdown."""

    def __init__(self, server: CsoundLanguageServer) -> None:
        super().__init__(server)
        self.background = BackgroundIndex()

    async def start(self) -> None:
        self.background.start(self.server)

    async def stop(self) -> None:
        self.background.stop()


class BackgroundIndex:
    def __init__(self) -> None:
        self.cancel = threading.Event()
        self.task: asyncio.Future[None] | None = None

    def start(self, ls: CsoundLanguageServer) -> None:
        # CSOUND_LSP_INDEX_ON_START=0 turns it off for scripts and test runs that start many servers.
        if self.task is not None or not ls.settings.index_on_start or not environment.index_on_start():
            return
        self.task = asyncio.ensure_future(self._start_when_ai_is_up(ls))

    async def _start_when_ai_is_up(self, ls: CsoundLanguageServer) -> None:
        """Only what the AI features will use: without a backend, loading and refreshing the index
        would cost seconds of the server's CPU (and ~100 MB) for nothing."""
        from csound_lsp.ai.errors import AIError

        # The editor's first requests come first; the AI client's imports (~0.4 s) run off the loop.
        await asyncio.sleep(START_DELAY_S)
        await asyncio.to_thread(import_clients)
        if self.cancel.is_set():
            return
        try:
            await state(ls).service.ready(quiet=True)
        except AIError as error:
            log.info("examples index not refreshed: no AI backend (%s)", error)
            return
        if self.cancel.is_set():
            return
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._build, ls, loop)

    def stop(self) -> None:
        self.cancel.set()

    def _build(self, ls: CsoundLanguageServer, loop: asyncio.AbstractEventLoop) -> None:
        try:
            retriever = state(ls).retriever
            engine = retriever.engine()
        except Exception:  # retrieval is optional: no index, no examples, never a failure
            log.exception("retrieval engine unavailable")
            return
        if engine is None:
            return
        notice = retriever.notice
        if notice and "damaged" in notice and not self.cancel.is_set():
            loop.call_soon_threadsafe(ls.notify_once, notice)
        progress = _Progress(ls, loop, self.cancel)
        try:
            report = engine.build(progress=progress.report, cancel=self.cancel)
        except Exception as error:  # Cancelled on shutdown, or a failure: the old index stays
            log.info("index build stopped: %s", error)
            progress.end("stopped")
            return
        progress.end(f"{report.chunks} examples indexed")
        for notice in getattr(report, "notices", []) or []:
            log.info("index: %s", notice)


class _Progress:
    """`$/progress` from the build thread, marshalled onto the event loop."""

    def __init__(
        self, ls: CsoundLanguageServer, loop: asyncio.AbstractEventLoop, stopped: threading.Event
    ) -> None:
        self.ls = ls
        self.loop = loop
        #: Set at shutdown: the transport may be closing, so nothing more is sent.
        self.stopped = stopped
        self.token: str | None = None
        window = ls.client_capabilities.window
        if window is not None and window.work_done_progress:
            self.token = f"csound-index-{uuid.uuid4().hex[:8]}"
            loop.call_soon_threadsafe(self._send, self._begin)
        self.last_phase = ""

    def _send(self, action: Any) -> None:
        if self.stopped.is_set():
            return
        try:
            action()
        except Exception:  # the client went away mid-build: progress is not worth a traceback
            log.debug("progress not sent", exc_info=True)

    def _begin(self) -> None:
        assert self.token is not None
        self.ls.work_done_progress.create(self.token)
        self.ls.work_done_progress.begin(
            self.token, types.WorkDoneProgressBegin(title="Indexing Csound examples", percentage=0)
        )

    def report(self, step: Any) -> None:
        if self.token is None:
            return
        if step.phase == self.last_phase and step.done not in (step.total, 0) and step.done % 50:
            return
        self.last_phase = step.phase
        percentage = int(100 * step.done / step.total) if step.total else 0
        message = f"{step.phase} {step.done}/{step.total}"
        token = self.token
        self.loop.call_soon_threadsafe(
            self._send,
            lambda: self.ls.work_done_progress.report(
                token, types.WorkDoneProgressReport(message=message, percentage=percentage)
            ),
        )

    def end(self, message: str) -> None:
        if self.token is None:
            return
        token = self.token
        self.loop.call_soon_threadsafe(
            self._send,
            lambda: self.ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=message)),
        )
