"""Deciding, cheaply, whether to try the backend at all, and whether to tell the user it is missing.

Inline completion asks on every keystroke. With no server running, each ask would cost a connect
attempt and, worse, a message. `HealthCache` remembers a failure for a few seconds so that the next
asks fail at once; `Notifier` lets each distinct problem through once per session.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from .base import Backend
from .errors import AIError


class HealthCache:
    """The backend's last known state: unknown, up, or down (with the error, for `ttl_s` seconds)."""

    def __init__(self, backend: Backend, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._backend = backend
        self._ttl_s = ttl_s
        self._clock = clock
        self._up = False
        self._down: AIError | None = None
        self._down_since = 0.0
        self._lock = asyncio.Lock()
        #: Health checks actually sent; tests and `doctor` read it.
        self.checks = 0

    @property
    def down(self) -> AIError | None:
        """The cached failure, while it is fresh."""
        if self._down is not None and self._clock() - self._down_since < self._ttl_s:
            return self._down
        return None

    async def ensure(self) -> None:
        """Returns when the backend is believed up; raises the cached or fresh `AIError` otherwise."""
        down = self.down
        if down is not None:
            raise down
        if self._up:
            return
        async with self._lock:  # concurrent keystrokes share one health check
            down = self.down
            if down is not None:
                raise down
            if self._up:
                return
            self.checks += 1
            health = await self._backend.health()
            if health.ok:
                self.record(None)
                return
            error = health.error or AIError(f"The AI backend at {health.host} is not healthy")
            self._mark_down(error)
            raise error

    def record(self, outcome: BaseException | None) -> None:
        """Learns from a real request: success means up; an error that means 'no server' means down."""
        if outcome is None:
            self._up = True
            self._down = None
        elif isinstance(outcome, AIError) and outcome.backend_down:
            self._mark_down(outcome)

    def _mark_down(self, error: AIError) -> None:
        self._up = False
        self._down = error
        self._down_since = self._clock()

    def reset(self) -> None:
        self._up = False
        self._down = None


class Notifier:
    """Lets each distinct problem through once per session; `reset()` after the settings change."""

    def __init__(self) -> None:
        self._shown: set[str] = set()

    def notice(self, error: BaseException) -> str | None:
        """The message to show for `error`, or None when it was shown already or is not worth showing."""
        if not isinstance(error, AIError) or not error.notify:
            return None
        key = error.notice_key
        if key in self._shown:
            return None
        self._shown.add(key)
        return str(error)

    def reset(self) -> None:
        self._shown.clear()
