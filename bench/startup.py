"""Start-up: spawn the server, `initialize`, then the first documentSymbol and hover answers (goal < 1 s).

    python bench/startup.py [--runs 7]

Each run starts a fresh `python -m csound_lsp serve` over stdio and times, on the client's clock:
spawn -> initialize answered -> first documentSymbol answered (the largest CSD of the corpus, just
opened) -> first hover answered (on an opcode: loads the catalog and cheat sheet lazily). Beside the
wall clock it reads the server's own CPU time (utime + stime from /proc/PID/stat) at the first
hover, which a loaded machine does not inflate. The floor under it: a Python importing only
`lsprotocol.types` and `pygls.lsp.server`, which any pygls server pays.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.lsp_process import LspProcess, position  # noqa: E402

CSD = ROOT / "corpus" / "examples" / "generative-ambient-sketch.csd"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of `pid` so far."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rfind(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def hover_position(text: str) -> tuple[int, int]:
    """The first opcode call in an instrument: the word after the output on a line like `aX oscili ...`."""
    for number, line in enumerate(text.splitlines()):
        words = line.split()
        if len(words) >= 3 and words[0][:1] in "aki" and words[1].isidentifier() and words[1] != "=":
            return number, line.index(words[1], len(line) - len(line.lstrip()) + len(words[0])) + 1
    return 0, 0


async def one_run(text: str) -> dict[str, float]:
    uri = CSD.as_uri()
    line, character = hover_position(text)
    started = time.perf_counter()
    client = await LspProcess.start()
    try:
        await client.initialize(options={"diagnostics": {"csound": False}})
        initialized = time.perf_counter()
        client.open(uri, text)
        symbols = await client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
        first_symbols = time.perf_counter()
        hover = await client.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": position(line, character)}
        )
        first_hover = time.perf_counter()
        cpu = cpu_seconds(client.pid)
        assert symbols.error is None and symbols.result, symbols.message
        assert hover.error is None and hover.result, hover.message
        await client.shutdown()
    finally:
        await client.kill()
    return {
        "initialize": initialized - started,
        "documentSymbol": first_symbols - started,
        "hover": first_hover - started,
        "server CPU at first hover": cpu,
    }


def floor_cpu() -> tuple[float, float]:
    """Wall and CPU seconds of a Python that only imports what pygls needs."""
    started = time.perf_counter()
    before = os.times()
    subprocess.run([sys.executable, "-c", "import lsprotocol.types, pygls.lsp.server"], check=True, cwd=ROOT)
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return time.perf_counter() - started, cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    text = CSD.read_text(encoding="utf-8")
    runs = [asyncio.run(one_run(text)) for _ in range(args.runs)]
    floors = [floor_cpu() for _ in range(args.runs)]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}, Python {platform.python_version()}")  # fmt: skip
    print(
        f"{args.runs} runs, {CSD.relative_to(ROOT)} ({len(text.splitlines())} lines); medians (min-max) in ms"
    )
    for key in runs[0]:
        values = [run[key] * 1000 for run in runs]
        print(f"  {key:28} {statistics.median(values):8.0f}  ({min(values):.0f}-{max(values):.0f})")
    walls = [wall * 1000 for wall, _ in floors]
    cpus = [cpu * 1000 for _, cpu in floors]
    for label, values in (("floor: import pygls, wall", walls), ("floor: import pygls, CPU", cpus)):
        print(f"  {label:28} {statistics.median(values):8.0f}  ({min(values):.0f}-{max(values):.0f})")


if __name__ == "__main__":
    main()
