"""A local, opt-out log of AI requests as JSON lines, and the numbers `csound-lsp doctor` shows.

One line per request: kind (inline, completion-item, explain, fix, generate), model, timings split
into retrieval, prompt processing (request to first token) and generation (first token to last),
the retrieval scores, and the suggestion ids shown; acceptance arrives later as its own line
(`kind: "accepted"`). Nothing leaves the machine. The file rotates by size, keeping a few old ones.
Writing never raises: a full disk must not break completion.
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csound_lsp import environment

log = logging.getLogger(__name__)

LOG_NAME = "ai.jsonl"
MAX_BYTES = 2_000_000
BACKUPS = 3


def log_dir(env: Mapping[str, str] | None = None) -> Path:
    override = environment.log_dir(env)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_log_dir("csound-lsp"))


class AILog:
    """Appends records to `ai.jsonl` in `directory`; `enabled=False` makes every call a no-op."""

    def __init__(
        self, directory: Path | None = None, *, enabled: bool = True, max_bytes: int = MAX_BYTES
    ) -> None:
        self.directory = directory if directory is not None else log_dir()
        self.enabled = enabled
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._warned = False

    @property
    def path(self) -> Path:
        return self.directory / LOG_NAME

    def write(self, kind: str, **fields: Any) -> None:
        if not self.enabled:
            return
        record = {"ts": round(time.time(), 3), "kind": kind, **fields}
        line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
        with self._lock:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                if self.path.exists() and self.path.stat().st_size + len(line) > self.max_bytes:
                    self._rotate()
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write(line)
            except OSError as error:
                if not self._warned:
                    log.warning("AI log not written to %s: %s", self.directory, error)
                    self._warned = True

    def _rotate(self) -> None:
        for index in range(BACKUPS, 0, -1):
            older = self.directory / f"{LOG_NAME}.{index}"
            newer = self.directory / (f"{LOG_NAME}.{index - 1}" if index > 1 else LOG_NAME)
            if newer.exists():
                os.replace(newer, older)

    def accepted(self, suggestion_id: str) -> None:
        self.write("accepted", id=suggestion_id)


def read_records(directory: Path | None = None) -> Iterator[dict[str, Any]]:
    """Every record, oldest file first; malformed lines are skipped."""
    directory = directory if directory is not None else log_dir()
    files = [directory / f"{LOG_NAME}.{n}" for n in range(BACKUPS, 0, -1)] + [directory / LOG_NAME]
    for file in files:
        try:
            lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                yield record


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class KindStats:
    requests: int = 0
    errors: int = 0
    total_ms: list[float] = field(default_factory=list)
    first_token_ms: list[float] = field(default_factory=list)
    overhead_ms: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "p50_ms": percentile(self.total_ms, 0.5),
            "p95_ms": percentile(self.total_ms, 0.95),
            "first_token_p50_ms": percentile(self.first_token_ms, 0.5),
            "first_token_p95_ms": percentile(self.first_token_ms, 0.95),
            "overhead_p95_ms": percentile(self.overhead_ms, 0.95),
        }


@dataclass
class LogStats:
    kinds: dict[str, KindStats] = field(default_factory=dict)
    shown: int = 0
    accepted: int = 0

    @property
    def acceptance_rate(self) -> float | None:
        return self.accepted / self.shown if self.shown else None

    def summary(self) -> dict[str, Any]:
        return {
            "shown": self.shown,
            "accepted": self.accepted,
            "acceptance_rate": self.acceptance_rate,
            "kinds": {kind: stats.summary() for kind, stats in sorted(self.kinds.items())},
        }


def compute_stats(directory: Path | None = None) -> LogStats:
    """Acceptance rate of shown inline suggestions and latency percentiles per request kind."""
    stats = LogStats()
    shown_ids: set[str] = set()
    accepted_ids: set[str] = set()
    for record in read_records(directory):
        kind = str(record.get("kind", ""))
        if kind == "accepted":
            if isinstance(record.get("id"), str):
                accepted_ids.add(record["id"])
            continue
        kind_stats = stats.kinds.setdefault(kind, KindStats())
        kind_stats.requests += 1
        if record.get("error"):
            kind_stats.errors += 1
        timings = record.get("timings") or {}
        for key, target in (
            ("total_ms", kind_stats.total_ms),
            ("first_token_ms", kind_stats.first_token_ms),
            ("overhead_ms", kind_stats.overhead_ms),
        ):
            value = timings.get(key) if isinstance(timings, dict) else None
            if isinstance(value, int | float):
                target.append(float(value))
        for suggestion in record.get("shown") or ():
            if isinstance(suggestion, str):
                shown_ids.add(suggestion)
    stats.shown = len(shown_ids)
    stats.accepted = len(accepted_ids & shown_ids)
    return stats
