"""The language server's side of the Csound worker: ``await checker.check(uri, version, text, path)``.

One long-lived child process (`worker_main`) compiles, one document at a time; the server's process
never loads libcsound. The child is started on the first check and again after it crashed, timed out
(it is killed), asked to retire (memory) or served `max_compiles` checks (each Csound instance leaks).
A check waiting for its turn gives up as soon as a newer version of the same document is queued, and a
result for a version that is no longer the newest comes back as `CheckStatus.SUPERSEDED`. Debouncing is
the caller's job. If the caller is cancelled, the compile in flight still finishes under the lock, so the
pipe never carries a stale answer into the next check.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import itertools
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import csound_lsp
from csound_lsp import environment
from csound_lsp.csound.discovery import engine_from_env, normalise_choice
from csound_lsp.csound.engine import DISABLE_ENV, INSTALL_HINT
from csound_lsp.csound.messages import RawDiagnostic, parse_messages
from csound_lsp.csound.protocol import encode, read_frame_async
from csound_lsp.csound.sanitize import Neutralised, SourceKind

__all__ = ["CheckResult", "CheckStatus", "CsoundChecker", "kind_for"]

_ORC_SUFFIXES = (".orc", ".udo", ".inc", ".instr")
_SCO_SUFFIXES = (".sco",)


class CheckStatus(enum.Enum):
    CHECKED = "checked"
    SUPERSEDED = "superseded"
    TIMEOUT = "timeout"
    CRASHED = "crashed"
    UNAVAILABLE = "unavailable"
    CLOSED = "closed"


@dataclass(frozen=True)
class CheckResult:
    """What Csound said about one version of one document.

    `notice` is a sentence for the user (timeout, crash, no Csound); for a missing Csound it is set on the
    first result only, so the server shows it once.
    """

    uri: str
    version: int | None
    status: CheckStatus
    diagnostics: tuple[RawDiagnostic, ...] = ()
    neutralised: tuple[Neutralised, ...] = ()
    notice: str | None = None
    return_code: int | None = None
    log: str = ""
    engine: str = ""
    elapsed_s: float = 0.0

    @property
    def ok(self) -> bool:
        """Checked and Csound accepted it."""
        return self.status is CheckStatus.CHECKED and self.return_code == 0


def kind_for(name: str | None) -> SourceKind:
    """Which Csound entry point suits a file name or URI: orchestra, score or whole CSD."""
    lowered = (name or "").lower()
    if lowered.endswith(_ORC_SUFFIXES):
        return "orc"
    if lowered.endswith(_SCO_SUFFIXES):
        return "sco"
    return "csd"


class _Worker:
    """One child process and its pipes."""

    def __init__(self, proc: asyncio.subprocess.Process, engine: str) -> None:
        self.proc = proc
        self.engine = engine
        self.compiles = 0

    async def kill(self) -> None:
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.proc.wait(), 5)

    async def quit(self) -> None:
        """Ask politely (close its stdin), then kill if it does not go within a second."""
        if self.proc.stdin is not None and not self.proc.stdin.is_closing():
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 1.0)
        except (TimeoutError, ProcessLookupError):
            await self.kill()


class CsoundChecker:
    """Compile-only checks through a worker process; see the module docstring for the life cycle."""

    def __init__(
        self,
        *,
        timeout_s: float = 10.0,
        memory_mb: int = 1536,
        max_compiles: int = 200,
        start_timeout_s: float = 30.0,
        simulate_missing_csound: bool = False,
        python: str = sys.executable,
        engine: str | None = None,
    ) -> None:
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self.max_compiles = max_compiles
        self.start_timeout_s = start_timeout_s
        self.simulate_missing_csound = simulate_missing_csound
        self.python = python
        #: The csound.engine choice (`discovery`); None or ``auto`` defer to CSOUND_LSP_ENGINE when set.
        self.engine_choice = engine_from_env() if engine in (None, "auto") else _choice(str(engine))
        #: The worker's hello once it started: engine, version, origin, library, why.
        self.engine_info: dict[str, Any] = {}
        self._worker: _Worker | None = None
        self._lock = asyncio.Lock()
        self._latest: dict[str, int] = {}
        self._sequence = itertools.count(1)
        self._unavailable: str | None = None
        self._notified_unavailable = False
        self._closed = False
        self.spawned = 0

    @property
    def available(self) -> bool | None:
        """None until the worker first started, then whether Csound could be loaded."""
        if self._unavailable is not None:
            return False
        return True if self.spawned else None

    @property
    def worker_pid(self) -> int | None:
        return self._worker.proc.pid if self._worker is not None else None

    async def check(
        self, uri: str, version: int | None, text: str, path: str | os.PathLike[str] | None = None
    ) -> CheckResult:
        """Compile `text` (the editor's buffer of `uri` at `version`); `path` gives its folder and kind."""
        ticket = next(self._sequence)
        self._latest[uri] = ticket
        task = asyncio.ensure_future(self._check_in_turn(uri, version, text, path, ticket))
        return await asyncio.shield(task)

    async def close(self) -> None:
        """Stop the worker (for the server's shutdown); later checks return `CheckStatus.CLOSED`."""
        self._closed = True
        async with self._lock:
            worker, self._worker = self._worker, None
            if worker is not None:
                await worker.quit()

    # --- internals --------------------------------------------------------------------------------

    async def _check_in_turn(
        self, uri: str, version: int | None, text: str, path: str | os.PathLike[str] | None, ticket: int
    ) -> CheckResult:
        async with self._lock:
            if self._latest.get(uri) != ticket:
                return CheckResult(uri, version, CheckStatus.SUPERSEDED)
            if self._closed:
                return CheckResult(uri, version, CheckStatus.CLOSED)
            result = await self._check_locked(uri, version, text, path)
            if self._latest.get(uri) != ticket and result.status is CheckStatus.CHECKED:
                return CheckResult(uri, version, CheckStatus.SUPERSEDED, engine=result.engine)
            if self._latest.get(uri) == ticket:
                del self._latest[uri]
            return result

    async def _check_locked(
        self, uri: str, version: int | None, text: str, path: str | os.PathLike[str] | None
    ) -> CheckResult:
        if self._unavailable is not None:
            return self._unavailable_result(uri, version)
        worker = await self._ensure_worker()
        if worker is None:
            return self._unavailable_result(uri, version)
        folder = str(Path(path).resolve().parent) if path else None
        request = {
            "id": next(self._sequence),
            "text": text,
            "kind": kind_for(str(path) if path else uri),
            "folder": folder,
        }
        started = time.monotonic()
        try:
            assert worker.proc.stdin is not None and worker.proc.stdout is not None
            worker.proc.stdin.write(encode(request))
            await worker.proc.stdin.drain()
            reply = await asyncio.wait_for(read_frame_async(worker.proc.stdout), self.timeout_s)
        except TimeoutError:
            await self._discard(worker)
            notice = (
                f"Csound timed out after {self.timeout_s:g} s checking this file; the check was stopped "
                "(a runaway score loop, macro or #include?)"
            )
            return CheckResult(uri, version, CheckStatus.TIMEOUT, notice=notice, engine=worker.engine,
                               elapsed_s=time.monotonic() - started)  # fmt: skip
        except (asyncio.IncompleteReadError, ConnectionError, BrokenPipeError, ValueError):
            code = await self._discard(worker)
            return CheckResult(
                uri,
                version,
                CheckStatus.CRASHED,
                notice=f"Csound crashed ({_describe_exit(code)}) while checking this file; it was restarted",
                engine=worker.engine,
                elapsed_s=time.monotonic() - started,
            )
        worker.compiles += 1
        if reply.get("retire") or worker.compiles >= self.max_compiles:
            self._worker = None
            await worker.quit()
        return self._result(uri, version, reply, worker.engine, time.monotonic() - started)

    def _result(
        self, uri: str, version: int | None, reply: dict[str, Any], engine: str, elapsed: float
    ) -> CheckResult:
        if "error" in reply:
            return CheckResult(uri, version, CheckStatus.CRASHED, notice=str(reply["error"]), engine=engine)
        chunks = [(int(attr), str(text)) for attr, text in reply.get("chunks", [])]
        return_code = int(reply.get("return_code", 0))
        diagnostics = parse_messages(
            chunks, line_offset=int(reply.get("line_offset", 0)), return_code=return_code
        )
        neutralised = tuple(
            Neutralised(kind, int(line), int(column), str(detail))
            for kind, line, column, detail in reply.get("neutralised", [])
        )
        log = "".join(text for _, text in chunks) + str(reply.get("stdio", ""))
        return CheckResult(
            uri,
            version,
            CheckStatus.CHECKED,
            tuple(diagnostics),
            neutralised,
            return_code=return_code,
            log=log,
            engine=str(reply.get("engine", engine)),
            elapsed_s=elapsed,
        )

    def _unavailable_result(self, uri: str, version: int | None) -> CheckResult:
        notice = None if self._notified_unavailable else self._unavailable
        self._notified_unavailable = True
        return CheckResult(uri, version, CheckStatus.UNAVAILABLE, notice=notice)

    async def _discard(self, worker: _Worker) -> int | None:
        if self._worker is worker:
            self._worker = None
        await worker.kill()
        return worker.proc.returncode

    async def _ensure_worker(self) -> _Worker | None:
        if self._worker is not None and self._worker.proc.returncode is None:
            return self._worker
        self._worker = None
        env = environment.for_child()
        package_root = str(Path(csound_lsp.__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        env.setdefault("MALLOC_ARENA_MAX", "2")
        if self.simulate_missing_csound:
            env[DISABLE_ENV] = "1"
        proc = await asyncio.create_subprocess_exec(
            self.python,
            "-m",
            "csound_lsp.csound.worker_main",
            "--memory-mb",
            str(self.memory_mb),
            "--engine",
            self.engine_choice,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=env,
        )
        self.spawned += 1
        worker = _Worker(proc, "")
        try:
            assert proc.stdout is not None
            hello = await asyncio.wait_for(read_frame_async(proc.stdout), self.start_timeout_s)
        except (TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
            await worker.kill()
            self._unavailable = f"{INSTALL_HINT} (the Csound worker did not start: {type(exc).__name__})"
            return None
        if not hello.get("ok"):
            await worker.kill()
            self._unavailable = str(hello.get("error") or INSTALL_HINT)
            return None
        worker.engine = f"{hello.get('engine')} {hello.get('version')}"
        self.engine_info = {key: value for key, value in hello.items() if key not in ("type", "ok")}
        self._worker = worker
        return worker


def _choice(engine: str) -> str:
    """The normal spelling of a choice; a bad one is passed on for the worker to refuse in words."""
    try:
        return normalise_choice(engine)
    except ValueError:
        return engine


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "no exit status"
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"signal {signal.Signals(-code).name}"
        return f"signal {-code}"
    return f"exit status {code}"
