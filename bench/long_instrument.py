"""One very long instrument, and one very large CSD: the real server over stdio, as an editor drives it.

    python bench/long_instrument.py [--lines 1000,2000,4000,8000,20000] [--keys 5] [--big-mb 5]
                                    [--csound] [--server-root DIR] [--skip-big] [--skip-long]

1. For each size N: one instrument of about N lines (`bench/_long_instrument.py`: oscillators,
   filters, if/then blocks, loops, labels, arrays, UDO calls, a few hundred local names and some
   reused ones). Measured: didOpen -> the first publishDiagnostics; the requests an editor sends
   right after opening (semantic tokens, symbols, folding); then `--keys` times: one character typed
   into a comment in the middle of the instrument and a hover sent right behind it (same write),
   and a hover sent 30 ms after a keystroke (while the analysis of that version may be running);
   last, a keystroke with `shutdown` right behind it.
2. A CSD of about `--big-mb` MB (a 5,000-line orchestra and a long generated score): the server's
   RSS after it is opened and its diagnostics published; and, in a fresh server, with the file only
   in the workspace folder (never opened): the peak RSS over the first seconds and how long a hover
   on a small open document takes meanwhile.

Times are the client's round trips. `--server-root` runs the server from another checkout (for
before/after: `git archive HEAD | tar -x -C DIR` plus the built `_binding*.so`). Csound's own
diagnostics are off unless `--csound` (they run in a separate process and arrive later anyway).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _long_instrument import as_csd, long_instrument  # noqa: E402
from _orchestra import orchestra  # noqa: E402

from tests.lsp_process import SERVER_COMMAND, LspProcess, insert_at, position, rss_kib  # noqa: E402

SMALL = "instr 1\n  aOut poscil 0.2, 440\n  outs aOut, aOut\nendin\n"


def _env(server_root: Path | None) -> dict[str, str]:
    env = {"CSOUND_LSP_INDEX_ON_START": "0"}
    if server_root is not None:
        env["PYTHONPATH"] = str(server_root)
    return env


def _peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1])
    return 0


def _cpu_s(pid: int) -> float:
    """CPU seconds the process has used (user + system), from /proc: a measure the other work on a
    shared machine disturbs far less than the wall clock."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _middle(text: str) -> tuple[int, int, int]:
    """(comment line to type into, its length, the line of an opcode call to hover) mid-instrument."""
    lines = text.splitlines()
    comments = [n for n, line in enumerate(lines) if line.startswith("  ; block")]
    line = comments[len(comments) // 2]
    hover_line = next(n for n in range(line, len(lines)) if " vco2 " in lines[n])
    return line, len(lines[line]), hover_line


def _hover_column(text: str, line: int) -> int:
    return text.splitlines()[line].index("vco2") + 1


async def long_case(lines: int, keys: int, args: argparse.Namespace, folder: Path) -> dict[str, object]:
    text = long_instrument(lines)
    uri = (folder / f"long{lines}.orc").as_uri()
    client = await LspProcess.start(SERVER_COMMAND, env=_env(args.server_root), cwd=folder)
    result: dict[str, object] = {"lines": len(text.splitlines())}
    try:
        await client.initialize(root=folder, options={"diagnostics": {"csound": args.csound}})
        cpu = _cpu_s(client.pid)
        sent = client.open(uri, text)
        await client.drain()
        published = await client.wait_for_diagnostics(uri, 1, timeout=args.timeout)
        result["open -> diagnostics (s)"] = published.at - sent
        result["  server CPU (s)"] = _cpu_s(client.pid) - cpu
        ident = {"textDocument": {"uri": uri}}
        for method in (
            "textDocument/semanticTokens/full",
            "textDocument/documentSymbol",
            "textDocument/foldingRange",
        ):
            answer = await client.request(method, ident, timeout=args.timeout)
            result[method.split("/", 1)[1] + " (s)"] = answer.elapsed
        line, column, hover_line = _middle(text)
        hover = {**ident, "position": position(hover_line, _hover_column(text, hover_line))}
        idle = await client.request("textDocument/hover", hover, timeout=args.timeout)
        result["hover, idle (ms)"] = idle.elapsed * 1000
        version = 1
        behind: list[float] = []
        behind_cpu: list[float] = []
        later: list[float] = []
        republished: list[float] = []
        for _ in range(keys):
            for wait_s, bucket in ((0.0, behind), (0.03, later)):
                version += 1
                cpu = _cpu_s(client.pid)
                sent = client.change(uri, version, [insert_at(line, column, "x")])
                column += 1
                if wait_s:
                    await client.drain()
                    await asyncio.sleep(wait_s)
                answer = await client.request("textDocument/hover", hover, timeout=args.timeout)
                bucket.append(answer.elapsed * 1000)
                if not wait_s:
                    behind_cpu.append((_cpu_s(client.pid) - cpu) * 1000)
                published = await client.wait_for_diagnostics(uri, version, timeout=args.timeout)
                republished.append(published.at - sent)
        result["hover right behind a keystroke (ms, median / max)"] = (statistics.median(behind), max(behind))
        result["  server CPU from the keystroke to that answer (ms, median / max)"] = (
            statistics.median(behind_cpu),
            max(behind_cpu),
        )
        result["hover 30 ms after a keystroke (ms, median / max)"] = (statistics.median(later), max(later))
        result["keystroke -> diagnostics (s, median)"] = statistics.median(republished)
        version += 1
        await client.wait_for_diagnostics(uri, version - 1, timeout=args.timeout)
        await asyncio.sleep(0.2)
        client.change(uri, version, [insert_at(line, column, "x")])
        started = time.perf_counter()
        await client.request("shutdown", None, timeout=args.timeout)
        result["shutdown behind a keystroke (ms)"] = (time.perf_counter() - started) * 1000
        client.notify("exit")
        await client.drain()
        await client.wait(30)
        result["peak RSS (MiB)"] = None
    except TimeoutError:
        result["timed out"] = f"no answer within {args.timeout:g} s"
    finally:
        await client.kill()
    return result


def big_csd(megabytes: float) -> str:
    """A 5,000-line orchestra and a generated score, about `megabytes` MB in all."""
    orc = orchestra(5000)
    target = int(megabytes * 1024 * 1024)
    rows: list[str] = []
    size = len(orc) + 200
    n = 0
    while size < target:
        row = f"i {1 + n % 40} {n * 0.125:.3f} 0.5 {220 + (n * 37) % 600} {-6 - n % 12} {(n % 10) / 10:.1f}"
        rows.append(row)
        size += len(row) + 1
        n += 1
    return as_csd(orc, 0).replace("</CsScore>", "\n".join(rows) + "\n</CsScore>")


async def big_open(text: str, args: argparse.Namespace, folder: Path) -> dict[str, object]:
    uri = (folder / "open" / "big.csd").as_uri()
    (folder / "open").mkdir(exist_ok=True)
    client = await LspProcess.start(SERVER_COMMAND, env=_env(args.server_root), cwd=folder)
    result: dict[str, object] = {}
    try:
        await client.initialize(root=folder / "open", options={"diagnostics": {"csound": args.csound}})
        result["RSS after initialize (MiB)"] = rss_kib(client.pid) / 1024
        cpu = _cpu_s(client.pid)
        sent = client.open(uri, text)
        await client.drain()
        published = await client.wait_for_diagnostics(uri, 1, timeout=args.timeout)
        result["open -> diagnostics (s)"] = published.at - sent
        result["  server CPU (s)"] = _cpu_s(client.pid) - cpu
        result["RSS after open (MiB)"] = rss_kib(client.pid) / 1024
        ident = {"textDocument": {"uri": uri}}
        for method in (
            "textDocument/semanticTokens/full",
            "textDocument/documentSymbol",
            "textDocument/foldingRange",
        ):
            answer = await client.request(method, ident, timeout=args.timeout)
            result[method.split("/", 1)[1] + " (s)"] = answer.elapsed
        result["RSS after editor requests (MiB)"] = rss_kib(client.pid) / 1024
        result["peak RSS (MiB)"] = _peak_kib(client.pid) / 1024
        await client.shutdown(timeout=args.timeout)
    except TimeoutError:
        result["timed out"] = f"no answer within {args.timeout:g} s"
    finally:
        await client.kill()
    return result


async def big_in_folder(text: str, args: argparse.Namespace, folder: Path) -> dict[str, object]:
    workspace = folder / "workspace"
    workspace.mkdir(exist_ok=True)
    (workspace / "big.csd").write_text(text, encoding="utf-8")
    small_uri = (workspace / "small.orc").as_uri()
    client = await LspProcess.start(SERVER_COMMAND, env=_env(args.server_root), cwd=folder)
    result: dict[str, object] = {}
    try:
        await client.initialize(root=workspace, options={"diagnostics": {"csound": args.csound}})
        client.open(small_uri, SMALL)
        await client.wait_for_diagnostics(small_uri, 1, timeout=args.timeout)
        hover = {"textDocument": {"uri": small_uri}, "position": position(1, 9)}
        slowest = 0.0
        deadline = time.perf_counter() + 6
        while time.perf_counter() < deadline:
            answer = await client.request("textDocument/hover", hover, timeout=args.timeout)
            slowest = max(slowest, answer.elapsed)
            await asyncio.sleep(0.05)
        result["slowest hover in the first 6 s (ms)"] = slowest * 1000
        result["RSS after 6 s (MiB)"] = rss_kib(client.pid) / 1024
        result["peak RSS (MiB)"] = _peak_kib(client.pid) / 1024
        await client.shutdown(timeout=args.timeout)
    except TimeoutError:
        result["timed out"] = f"no answer within {args.timeout:g} s"
    finally:
        await client.kill()
    return result


def show(title: str, result: dict[str, object]) -> None:
    parts = []
    for name, value in result.items():
        if value is None:
            continue
        if isinstance(value, tuple):
            parts.append(f"{name}: " + " / ".join(f"{v:.1f}" for v in value))
        elif isinstance(value, float):
            parts.append(f"{name}: {value:.3f}" if "(s" in name else f"{name}: {value:.1f}")
        else:
            parts.append(f"{name}: {value}")
    print(f"{title}\n  " + "\n  ".join(parts), flush=True)


async def run(args: argparse.Namespace) -> None:
    print(
        f"machine: {platform.machine()} {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; "
        f"Python {platform.python_version()}; server from {args.server_root or ROOT}"
    )
    with tempfile.TemporaryDirectory(prefix="csound-lsp-long-") as name:
        folder = Path(name)
        if not args.skip_long:
            for lines in (int(n) for n in args.lines.split(",")):
                show(f"one instrument, {lines} lines", await long_case(lines, args.keys, args, folder))
        if not args.skip_big:
            text = big_csd(args.big_mb)
            label = f"{len(text.encode()) / (1024 * 1024):.1f} MB CSD, {len(text.splitlines())} lines"
            show(f"{label}, opened", await big_open(text, args, folder))
            show(f"{label}, only in the workspace folder", await big_in_folder(text, args, folder))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", default="1000,2000,4000,8000,20000")
    parser.add_argument("--keys", type=int, default=5)
    parser.add_argument("--big-mb", type=float, default=5.0)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--csound", action="store_true", help="Csound's own diagnostics too")
    parser.add_argument("--server-root", type=Path, help="run the server from this checkout")
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--skip-long", action="store_true")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
