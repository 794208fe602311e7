"""Full garbage collections move off the request path: none automatic, one once the editor is quiet."""

from __future__ import annotations

import asyncio
import contextlib
import gc

from csound_lsp.idle_gc import NEVER, IdleCollector


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def full_passes(action: object) -> int:
    """How many generation-2 collections happen while `action()` runs."""
    seen: list[int] = []

    def spy(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            seen.append(1)

    gc.callbacks.append(spy)
    try:
        action()  # type: ignore[operator]
    finally:
        gc.callbacks.remove(spy)
    return len(seen)


def churn() -> None:
    """Enough surviving cyclic garbage that the default thresholds run full passes."""
    keep = []
    for _ in range(60):
        batch = []
        for _ in range(2000):
            node: dict[str, object] = {}
            node["self"] = node
            batch.append(node)
        keep.append(batch)
        gc.collect(1)


def test_no_automatic_full_pass_once_installed_and_defaults_come_back() -> None:
    before = gc.get_threshold()
    assert full_passes(churn) > 0  # the churn really triggers full passes by default
    collector = IdleCollector()
    collector.install()
    try:
        assert gc.get_threshold()[2] == NEVER
        assert full_passes(churn) == 0
    finally:
        collector.uninstall()
    assert gc.get_threshold() == before


def test_collects_after_a_quiet_moment_once_per_burst() -> None:
    clock = Clock()
    collector = IdleCollector(quiet_s=0.4, longest_s=20, clock=clock)
    assert not collector.collect_if_due()  # nothing happened yet
    collector.activity()
    clock.now += 0.1
    assert not collector.due()  # still typing
    clock.now += 0.4
    assert full_passes(collector.collect_if_due) == 1
    clock.now += 5
    assert not collector.collect_if_due()  # quiet, but nothing new since
    assert collector.collections == 1


def test_a_client_that_never_pauses_still_gets_collections() -> None:
    clock = Clock()
    collector = IdleCollector(quiet_s=0.4, longest_s=2, clock=clock)
    passes = 0
    for _ in range(100):  # a message every 50 ms for 5 s
        collector.activity()
        clock.now += 0.05
        passes += collector.collect_if_due()
    assert passes == 2


def test_the_watch_task_collects_and_restores_thresholds_when_cancelled() -> None:
    before = gc.get_threshold()

    async def scenario() -> int:
        collector = IdleCollector(quiet_s=0.05)
        task = asyncio.create_task(collector.watch())
        await asyncio.sleep(0.01)
        assert gc.get_threshold()[2] == NEVER
        collector.activity()
        await asyncio.sleep(0.3)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return collector.collections

    assert asyncio.run(scenario()) == 1
    assert gc.get_threshold() == before
