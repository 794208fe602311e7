"""Streams of generated text that can be cancelled, superseded and timed out without leaking a connection.

Each `TextStream` reads its HTTP response in a task of its own and hands chunks over through a queue.
Owning the reader task is what makes closing deterministic: cancelling it unwinds the `async with`
around the HTTP response, which closes the socket, whichever of these happens first: the consumer's
task is cancelled (`$/cancelRequest`), the consumer calls `aclose()` or leaves `async with`, a newer
request on the same `GenerationSlot` supersedes it, or a timeout fires.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from types import TracebackType

from .base import StreamStats
from .errors import AIError, AITimeout, GenerationSuperseded

log = logging.getLogger(__name__)

#: Opens the backend's chunk generator; it records what it learns (done_reason, counts) in the stats.
ChunkSource = Callable[[StreamStats], AsyncGenerator[str, None]]


@dataclass(frozen=True)
class StreamTimeouts:
    first_token_s: float
    total_s: float


class _End:
    """Queue marker: the producer finished without error."""


class TextStream(AsyncIterator[str]):
    """An async iterator of text chunks; also an async context manager that closes the stream."""

    def __init__(
        self,
        source: ChunkSource,
        *,
        timeouts: StreamTimeouts,
        host: str,
        slot: GenerationSlot | None = None,
    ) -> None:
        self.stats = StreamStats()
        self._source = source
        self._timeouts = timeouts
        self._host = host
        self._slot = slot
        self._queue: asyncio.Queue[str | _End | AIError] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._stopped: AIError | None = None
        self._finished = False
        self._observers: list[Callable[[AIError | None], None]] = []

    # -- consumer side --

    def __aiter__(self) -> TextStream:
        return self

    async def __anext__(self) -> str:
        if self._stopped is not None:
            raise self._stopped
        if self._finished:
            raise StopAsyncIteration
        if self._task is None:
            self._start()
        try:
            item = await self._queue.get()
        except asyncio.CancelledError:  # $/cancelRequest: the generation is over
            self._cancel_reader()
            self._finish()
            raise
        if self._stopped is not None:  # superseded while the item waited in the queue
            raise self._stopped
        if isinstance(item, _End):
            self._finish()
            self._tell(None)
            raise StopAsyncIteration
        if isinstance(item, AIError):
            self._finish()
            self._stopped = item
            self._tell(item)
            raise item
        return item

    def add_observer(self, observer: Callable[[AIError | None], None]) -> None:
        """`observer(None)` when the stream ends well, `observer(error)` when it fails.

        Not called for a stream that is cancelled, closed early or superseded: those say nothing
        about the backend's health.
        """
        self._observers.append(observer)

    def _tell(self, error: AIError | None) -> None:
        for observer in self._observers:
            try:
                observer(error)
            except Exception:
                log.exception("AI stream observer failed")

    async def text(self) -> str:
        """The whole generation, for callers that do not show it as it streams."""
        async with self:
            return "".join([chunk async for chunk in self])

    async def aclose(self) -> None:
        """Stops the generation and waits until its connection is closed."""
        self._finish()
        task = self._cancel_reader()
        if task is not None and not task.done():
            # Bounded: a reader stuck in a library that ignores cancellation must not hang us.
            await asyncio.wait({task}, timeout=5.0)

    async def __aenter__(self) -> TextStream:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    # -- producer side --

    def _start(self) -> None:
        if self._slot is not None:
            self._slot.claim(self)
        self._task = asyncio.get_running_loop().create_task(self._read(), name="ai-stream")

    async def _read(self) -> None:
        chunks = self._source(self.stats)
        try:
            try:
                async with asyncio.timeout(self._timeouts.total_s):
                    iterator = aiter(chunks)
                    try:
                        async with asyncio.timeout(self._timeouts.first_token_s):
                            first = await anext(iterator)
                    except TimeoutError:
                        raise AITimeout("first-token", self._timeouts.first_token_s, self._host) from None
                    self._put(first)
                    async for chunk in iterator:
                        self._put(chunk)
            except TimeoutError:
                raise AITimeout("total", self._timeouts.total_s, self._host) from None
        except StopAsyncIteration:
            self._queue.put_nowait(_End())
        except AIError as error:
            self._queue.put_nowait(error)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a defect in a backend; reported, never left hanging
            log.exception("AI stream failed")
            self._queue.put_nowait(AIError(f"The AI request failed unexpectedly: {error!r}"))
        else:
            self._queue.put_nowait(_End())
        finally:
            with contextlib.suppress(Exception):
                await chunks.aclose()

    def _put(self, chunk: str) -> None:
        self.stats.chunks += 1
        self._queue.put_nowait(chunk)

    # -- shared --

    def supersede(self) -> None:
        """Called by the slot: stop at once, and tell the consumer why."""
        if self._finished:
            return
        self._stopped = GenerationSuperseded()
        self._cancel_reader()
        self._queue.put_nowait(self._stopped)  # wakes a consumer waiting on the queue

    def _cancel_reader(self) -> asyncio.Task[None] | None:
        task = self._task
        if task is not None and not task.done():
            task.cancel()
        return task

    def _finish(self) -> None:
        self._finished = True
        if self._slot is not None:
            self._slot.release(self)


class GenerationSlot:
    """At most one running generation per lane: starting a new stream supersedes the old one."""

    def __init__(self) -> None:
        self._current: TextStream | None = None

    def claim(self, stream: TextStream) -> None:
        previous, self._current = self._current, stream
        if previous is not None and previous is not stream:
            previous.supersede()

    def release(self, stream: TextStream) -> None:
        if self._current is stream:
            self._current = None

    @property
    def current(self) -> TextStream | None:
        return self._current

    async def aclose(self) -> None:
        if self._current is not None:
            await self._current.aclose()
