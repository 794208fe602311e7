"""A minimal LSP client over a real server process's stdio, for reliability tests and `bench/`.

pytest-lsp's client is right for feature tests; this one exists for what they cannot do: time each
message from the client's side, read the server's stderr while it runs (a chatty server must never
block on a full pipe, and tracebacks must be seen), know the server's pid for /proc, and kill the
pipes the way a crashing editor would. Messages are plain dicts (the JSON on the wire).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SERVER_COMMAND = (sys.executable, "-m", "csound_lsp", "serve")
WORKER_MODULE = "csound_lsp.csound.worker_main"

Json = dict[str, Any]


@dataclass
class Published:
    """One textDocument/publishDiagnostics, with the client's clock when it arrived."""

    uri: str
    version: int | None
    diagnostics: list[Json]
    at: float


@dataclass
class Answer:
    """A response (result or error) and how long it took from send to receipt, in seconds."""

    method: str
    message: Json
    elapsed: float

    @property
    def error(self) -> Json | None:
        error = self.message.get("error")
        return error if isinstance(error, dict) else None

    @property
    def result(self) -> Any:
        return self.message.get("result")


@dataclass
class LspProcess:
    """One server process and the client state around it; create with `await LspProcess.start()`."""

    proc: asyncio.subprocess.Process
    stderr: bytearray = field(default_factory=bytearray)
    published: list[Published] = field(default_factory=list)
    messages: list[Json] = field(default_factory=list)
    #: Answers the client gives to server->client requests, by method (default: null).
    replies: dict[str, Any] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _waiting: dict[int, tuple[str, float, asyncio.Future[Answer]]] = field(default_factory=dict)
    _listeners: list[Callable[[Json], None]] = field(default_factory=list)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    async def start(
        cls,
        command: Iterable[str] = SERVER_COMMAND,
        env: dict[str, str] | None = None,
        cwd: Path = ROOT,
    ) -> LspProcess:
        full_env = dict(os.environ)
        full_env.update({"CSOUND_LSP_AI_HOST": "http://127.0.0.1:9", "PYTHONUNBUFFERED": "1"})
        full_env.update(env or {})
        command = list(command)
        proc = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=full_env,
            cwd=cwd,
            limit=1 << 24,
        )
        client = cls(proc)
        loop = asyncio.get_running_loop()
        client._tasks = [loop.create_task(client._read_stdout()), loop.create_task(client._read_stderr())]
        return client

    @property
    def pid(self) -> int:
        return self.proc.pid

    # -- sending --

    def _write(self, message: Json) -> None:
        assert self.proc.stdin is not None
        body = json.dumps(message, separators=(",", ":")).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def notify(self, method: str, params: Any = None) -> float:
        """Sends a notification; returns the client's clock at sending."""
        message: Json = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        sent = time.perf_counter()
        self._write(message)
        return sent

    def send(self, method: str, params: Any = None) -> asyncio.Future[Answer]:
        """Sends a request; the future resolves with its answer (or fails if the server goes away)."""
        request_id = next(self._ids)
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        message: Json = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self._waiting[request_id] = (method, time.perf_counter(), future)
        self._write(message)
        return future

    async def request(self, method: str, params: Any = None, timeout: float = 30.0) -> Answer:
        future = self.send(method, params)
        await self.drain()
        return await asyncio.wait_for(future, timeout)

    async def drain(self) -> None:
        assert self.proc.stdin is not None
        await self.proc.stdin.drain()

    # -- the usual conversation --

    async def initialize(
        self,
        root: Path = ROOT,
        options: Json | None = None,
        capabilities: Json | None = None,
        timeout: float = 30.0,
    ) -> Answer:
        answer = await self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "capabilities": capabilities if capabilities is not None else editor_capabilities(),
                "initializationOptions": options if options is not None else {},
            },
            timeout,
        )
        self.notify("initialized", {})
        await self.drain()
        return answer

    def open(self, uri: str, text: str, language_id: str = "csound", version: int = 1) -> float:
        item = {"uri": uri, "languageId": language_id, "version": version, "text": text}
        return self.notify("textDocument/didOpen", {"textDocument": item})

    def change(self, uri: str, version: int, changes: list[Json]) -> float:
        params = {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}
        return self.notify("textDocument/didChange", params)

    async def shutdown(self, timeout: float = 30.0) -> None:
        await self.request("shutdown", None, timeout)
        self.notify("exit")
        await self.drain()
        await self.wait(timeout)

    async def wait(self, timeout: float = 30.0) -> int:
        code = await asyncio.wait_for(self.proc.wait(), timeout)
        for task in self._tasks:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(task, 5)
        return code

    async def kill(self) -> None:
        """Last resort for test cleanup: the server and what is left of its pipes."""
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.proc.wait(), 10)
        for task in self._tasks:
            task.cancel()

    async def wait_for_diagnostics(self, uri: str, version: int | None, timeout: float = 30.0) -> Published:
        """The first publishDiagnostics for `uri` at `version` (None: any version), waiting if needed."""
        found = self.first_published(uri, version)
        if found is not None:
            return found
        event = asyncio.Event()

        def listener(message: Json) -> None:
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message.get("params") or {}
                if params.get("uri") == uri and (version is None or params.get("version") == version):
                    event.set()

        self._listeners.append(listener)
        try:
            await asyncio.wait_for(event.wait(), timeout)
        finally:
            self._listeners.remove(listener)
        found = self.first_published(uri, version)
        assert found is not None
        return found

    def first_published(self, uri: str, version: int | None) -> Published | None:
        return next(
            (p for p in self.published if p.uri == uri and (version is None or p.version == version)), None
        )

    def stderr_text(self) -> str:
        return self.stderr.decode("utf-8", "replace")

    # -- reading --

    async def _read_stdout(self) -> None:
        reader = self.proc.stdout
        assert reader is not None
        try:
            while True:
                length = -1
                while True:
                    line = await reader.readline()
                    if not line:
                        return
                    if line in (b"\r\n", b"\n"):
                        break
                    name, _, value = line.decode("ascii").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                body = await reader.readexactly(length)
                self._dispatch(json.loads(body), time.perf_counter())
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            self.closed.set()
            for method, _, future in self._waiting.values():
                if not future.done():
                    future.set_exception(
                        ConnectionError(f"server closed its output before answering {method}")
                    )
            self._waiting.clear()

    async def _read_stderr(self) -> None:
        reader = self.proc.stderr
        assert reader is not None
        while chunk := await reader.read(65536):
            if len(self.stderr) < 50_000_000:
                self.stderr += chunk

    def _dispatch(self, message: Json, at: float) -> None:
        if "id" in message and "method" not in message:
            waiting = self._waiting.pop(int(message["id"]), None)
            if waiting is not None:
                asked, sent, future = waiting
                if not future.done():
                    future.set_result(Answer(asked, message, at - sent))
            return
        method = message.get("method")
        if "id" in message:  # a request from the server: answer what an editor would
            reply: Json = {"jsonrpc": "2.0", "id": message["id"], "result": self.replies.get(str(method))}
            if method == "workspace/configuration":
                items = (message.get("params") or {}).get("items") or []
                reply["result"] = [self.replies.get("workspace/configuration") for _ in items]
            self._write(reply)
            return
        if method == "textDocument/publishDiagnostics":
            params = message.get("params") or {}
            self.published.append(
                Published(
                    str(params.get("uri")), params.get("version"), list(params.get("diagnostics") or []), at
                )
            )
        else:
            self.messages.append(message)
        for listener in list(self._listeners):
            listener(message)


def editor_capabilities() -> Json:
    """Roughly what VS Code announces, as far as this server cares."""
    return {
        "general": {"positionEncodings": ["utf-16"]},
        "workspace": {"configuration": False, "workspaceFolders": True},
        "textDocument": {
            "synchronization": {"didSave": True, "dynamicRegistration": False},
            "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "completion": {"completionItem": {"snippetSupport": True, "resolveSupport": {"properties": []}}},
            "signatureHelp": {"signatureInformation": {"parameterInformation": {"labelOffsetSupport": True}}},
            "semanticTokens": {
                "requests": {"full": {"delta": True}, "range": True},
                "tokenTypes": [],
                "tokenModifiers": [],
                "formats": ["relative"],
            },
            "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}}},
            "inlayHint": {},
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
        },
        "window": {"workDoneProgress": True},
    }


def position(line: int, character: int) -> Json:
    return {"line": line, "character": character}


def insert_at(line: int, character: int, text: str) -> Json:
    """One incremental change that inserts `text` at (line, character) in UTF-16 units."""
    return {"range": {"start": position(line, character), "end": position(line, character)}, "text": text}


def children_of(pid: int) -> list[int]:
    """Direct children of `pid`, from /proc (no psutil)."""
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces; the parent pid is the second field after it.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def workers_of(pid: int) -> list[int]:
    """Children of `pid` that run the Csound worker module."""
    found: list[int] = []
    for child in children_of(pid):
        try:
            if WORKER_MODULE.encode() in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(child)
        except OSError:
            continue
    return found


def alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie waiting to be reaped."""
    state = _status_field(pid, "State")
    return state is not None and not state.startswith("Z")


def rss_kib(pid: int) -> int:
    """Resident set size of `pid` in KiB (VmRSS in /proc/PID/status)."""
    value = _status_field(pid, "VmRSS")
    return int(value.split()[0]) if value else 0


def _status_field(pid: int, name: str) -> str | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key == name:
                return value.strip()
    except OSError:
        return None
    return None
