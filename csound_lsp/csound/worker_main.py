"""The Csound worker process: ``python -m csound_lsp.csound.worker_main [--memory-mb N]``.

It speaks length-prefixed JSON (`protocol`) on the pipes it was given as stdin/stdout, but first moves
them to fresh descriptors: fd 0 becomes /dev/null and fds 1 and 2 a private temporary file, so whatever
libcsound prints at C level (it writes to stdout/stderr directly, around its message callback) never
reaches the server's JSON-RPC stream and is returned to the client as ``stdio`` instead.

The engine is ``--engine`` (``auto``, ``6``, ``7`` or a library path; `discovery` explains them), else
``CSOUND_LSP_ENGINE``, else ``auto``; the hello frame says which library was loaded and why.

Requests: ``{"id", "text", "kind": "csd"|"orc"|"sco", "folder": str|null}``. Each one is sanitised,
compiled (compile only) with the working directory and INCDIR set to the document's folder, and answered
with ``{"id", "return_code", "chunks", "line_offset", "stdio", "engine", "neutralised", "retire"}``.

Bounds: an address-space limit (RLIMIT_AS) caps memory; the client kills the worker on timeout. Orphans
are impossible three ways: stdin closing ends the loop, the kernel sends SIGKILL when the parent dies
(PR_SET_PDEATHSIG, Linux), and a watchdog thread exits when the parent pid changes (also covers a hung
compile on systems without prctl).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import sys
import tempfile
from typing import Any

from csound_lsp.csound.discovery import engine_from_env
from csound_lsp.csound.engine import CompileOptions, CsoundEngine, CsoundUnavailableError, load_engine
from csound_lsp.csound.lifetime import die_with_parent
from csound_lsp.csound.protocol import read_frame_fd, write_frame_fd
from csound_lsp.csound.sanitize import sanitize

#: Retire (exit after answering) once resident memory passes this, since each Csound instance leaks.
RETIRE_RSS_MB = 400
_STDIO_LIMIT = 64 * 1024


def _take_over_stdio() -> tuple[int, int, Any]:
    """Move the protocol pipes off fds 0/1 and point fds 1/2 at a capture file; returns (in, out, file)."""
    request_fd = os.dup(0)
    reply_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    capture = tempfile.TemporaryFile(prefix="csound-lsp-worker-")  # noqa: SIM115 (lives as long as we do)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(capture.fileno(), 1)
    os.dup2(capture.fileno(), 2)
    return request_fd, reply_fd, capture


def _read_capture(capture: Any) -> str:
    capture.flush()
    size = os.fstat(capture.fileno()).st_size
    os.lseek(capture.fileno(), max(0, size - _STDIO_LIMIT), os.SEEK_SET)
    data = os.read(capture.fileno(), _STDIO_LIMIT)
    return data.decode("utf-8", "replace")


def _reset_capture(capture: Any) -> None:
    os.ftruncate(capture.fileno(), 0)
    os.lseek(1, 0, os.SEEK_SET)
    os.lseek(2, 0, os.SEEK_SET)


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _limit_memory(memory_mb: int) -> None:
    if memory_mb <= 0:
        return
    limit = memory_mb * 2**20
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _serve_one(engine: CsoundEngine, request: dict[str, Any], capture: Any, home: str) -> dict[str, Any]:
    kind = request.get("kind", "csd")
    if kind not in ("csd", "orc", "sco"):
        kind = "csd"
    folder = request.get("folder")
    folder = folder if isinstance(folder, str) and os.path.isdir(folder) else None
    sanitized = sanitize(str(request.get("text", "")), kind)
    os.chdir(folder or home)
    _reset_capture(capture)
    result = engine.compile(
        sanitized.text, CompileOptions(kind=kind, include_dirs=(folder,) if folder else ())
    )
    return {
        "id": request.get("id"),
        "return_code": result.return_code,
        "chunks": [[chunk.attr, chunk.text] for chunk in result.messages],
        "line_offset": result.line_offset,
        "stdio": _read_capture(capture),
        "engine": result.engine,
        "neutralised": [[c.kind, c.line, c.column, c.detail] for c in sanitized.changes],
        "retire": _rss_mb() > RETIRE_RSS_MB,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="csound_lsp.csound.worker_main")
    parser.add_argument("--memory-mb", type=int, default=1536)
    parser.add_argument("--engine", default=None, help="auto, 6, 7 or a libcsound path (csound.engine)")
    args = parser.parse_args(argv)
    request_fd, reply_fd, capture = _take_over_stdio()
    die_with_parent()
    try:
        engine = load_engine(args.engine or engine_from_env())
    except CsoundUnavailableError as exc:
        write_frame_fd(reply_fd, {"type": "hello", "ok": False, "error": str(exc)})
        return 3
    hello: dict[str, Any] = {"type": "hello", "ok": True, "engine": engine.name, "version": engine.version}
    if engine.candidate is not None:
        chosen = engine.candidate
        hello.update(origin=chosen.origin, library=chosen.library, why=chosen.why)
    with tempfile.TemporaryDirectory(prefix="csound-lsp-unsaved-") as home:
        write_frame_fd(reply_fd, hello)
        _limit_memory(args.memory_mb)
        while True:
            request = read_frame_fd(request_fd)
            if request is None or request.get("type") == "quit":
                os.chdir(tempfile.gettempdir())
                return 0
            try:
                reply = _serve_one(engine, request, capture, home)
            except MemoryError:
                reply = {"id": request.get("id"), "error": "Csound ran out of memory", "retire": True}
            write_frame_fd(reply_fd, reply)
            if reply.get("retire"):
                os.chdir(tempfile.gettempdir())
                return 0


if __name__ == "__main__":
    raise SystemExit(main())
