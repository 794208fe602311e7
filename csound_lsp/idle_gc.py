"""Python's full garbage collections while the editor is quiet, not in the middle of a keystroke.

The collector runs a full (generation-2) pass whenever enough objects have survived; with a large
document open such a pass takes 50-125 ms on our test machine, and it lands on whichever request
happens to allocate at that moment: most of the whole-server bench's p95/p99 (`bench/README.md`).
The server keeps the young generations automatic, takes the full passes off automatic, and runs
them itself once no message has arrived for `quiet_s`, or after `longest_s` of unbroken activity so
memory stays bounded even under a client that never pauses.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable

#: Generation-2 threshold that the young collections never reach in practice.
NEVER = 1 << 30


class IdleCollector:
    """Call `activity()` for each message; run `watch()` as a task for the server's lifetime."""

    def __init__(
        self, quiet_s: float = 0.4, longest_s: float = 20.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.quiet_s = quiet_s
        self.longest_s = longest_s
        self._clock = clock
        self._last_message = clock()
        self._last_full = clock()
        self._pending = False
        self._saved: tuple[int, int, int] | None = None
        self.collections = 0

    def install(self) -> None:
        """Full passes off automatic (young generations unchanged)."""
        if self._saved is None:
            self._saved = gc.get_threshold()
            gc.set_threshold(self._saved[0], self._saved[1], NEVER)

    def uninstall(self) -> None:
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def activity(self) -> None:
        self._last_message = self._clock()
        self._pending = True

    def due(self) -> bool:
        """Whether a full pass should run now: something happened since the last one, and the
        editor has been quiet for a moment (or busy for too long)."""
        if not self._pending:
            return False
        now = self._clock()
        return now - self._last_message >= self.quiet_s or now - self._last_full >= self.longest_s

    def collect_if_due(self) -> bool:
        if not self.due():
            return False
        gc.collect()
        self._pending = False
        self._last_full = self._clock()
        self.collections += 1
        return True

    async def watch(self) -> None:
        self.install()
        try:
            while True:
                await asyncio.sleep(self.quiet_s / 2)
                self.collect_if_due()
        finally:
            self.uninstall()
