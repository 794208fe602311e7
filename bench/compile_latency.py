"""Compile latency: the Csound worker process vs ctcsound in this process, on the same files.

Usage: python bench/compile_latency.py [--files N] [--rounds R] [--engines] [--write-readme]

Files are Csound manual examples (/usr/share/doc/csound-doc/html/examples) that compile cleanly with
Csound 6.18, skipping any with ``bin=``, picked evenly by size so small and large pieces both count.
Both sides do the same work per check: sanitise, a fresh Csound instance, compile only, messages read,
instance destroyed. The worker side adds the pipe round trip and message parsing; it must stay within
1.5x of in-process with no process spawn per check (the worker is started once, before timing).

``--engines`` compares the two engines instead, both through the worker on the same files (those both
accept): Debian's Csound 6.18 (``csound.engine = 6``) and the Csound 7.0 bundled with cycsound
(``7``), one worker each, started before timing, checks interleaved file by file.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from csound_lsp.csound.engine import CompileOptions, load_engine  # noqa: E402
from csound_lsp.csound.sanitize import sanitize  # noqa: E402
from csound_lsp.csound.worker import CheckStatus, CsoundChecker  # noqa: E402

EXAMPLES = Path("/usr/share/doc/csound-doc/html/examples")
README = ROOT / "bench" / "README.md"
SECTION = "## Csound worker"
ENGINES_SECTION = "## Csound 6 vs 7 through the worker"


async def pick_files(count: int, engines: tuple[str, ...] = ("6",)) -> list[Path]:
    candidates = sorted(
        (p for p in EXAMPLES.glob("*.csd") if "bin=" not in p.read_text(errors="replace")),
        key=lambda p: (p.stat().st_size, p.name),
    )
    step = max(1, len(candidates) // (count * 3))
    checkers = [CsoundChecker(timeout_s=10, engine=engine) for engine in engines]
    chosen: list[Path] = []
    try:
        for path in candidates[::step]:
            text = path.read_text(errors="replace")
            results = [await checker.check(path.as_uri(), 1, text, path) for checker in checkers]
            if all(r.status is CheckStatus.CHECKED and r.ok for r in results):
                chosen.append(path)
    finally:
        for checker in checkers:
            await checker.close()
    if len(chosen) <= count:
        return chosen
    return [chosen[round(i * (len(chosen) - 1) / (count - 1))] for i in range(count)]


class InProcess:
    """ctcsound in this process; C-level output goes to /dev/null while a compile runs."""

    def __init__(self) -> None:
        self.engine = load_engine()
        self.devnull = os.open(os.devnull, os.O_WRONLY)

    def compile(self, path: Path, text: str) -> float:
        saved = os.dup(1), os.dup(2)
        cwd = os.getcwd()
        try:
            os.dup2(self.devnull, 1)
            os.dup2(self.devnull, 2)
            started = time.perf_counter()
            os.chdir(path.parent)
            self.engine.compile(sanitize(text).text, CompileOptions(include_dirs=(str(path.parent),)))
            return time.perf_counter() - started
        finally:
            os.chdir(cwd)
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


async def measure(
    files: list[Path], rounds: int
) -> tuple[dict[Path, list[float]], dict[Path, list[float]], int]:
    """Both sides, interleaved file by file so load changes on the shared machine hit both alike."""
    local = InProcess()
    checker = CsoundChecker(timeout_s=20, max_compiles=10_000)
    local_times: dict[Path, list[float]] = {path: [] for path in files}
    worker_times: dict[Path, list[float]] = {path: [] for path in files}
    try:
        await checker.check("file:///warmup.csd", 0, files[0].read_text(errors="replace"), files[0])
        local.compile(files[0], files[0].read_text(errors="replace"))
        spawned_before = checker.spawned
        version = 1
        for _ in range(rounds):
            for path in files:
                text = path.read_text(errors="replace")
                version += 1
                started = time.perf_counter()
                result = await checker.check(path.as_uri(), version, text, path)
                worker_times[path].append(time.perf_counter() - started)
                assert result.status is CheckStatus.CHECKED, result.notice
                local_times[path].append(local.compile(path, text))
        spawns = checker.spawned - spawned_before
    finally:
        await checker.close()
    return local_times, worker_times, spawns


def table(files: list[Path], local: dict[Path, list[float]], worker: dict[Path, list[float]]) -> list[str]:
    rows = [
        "| file | bytes | in-process median (ms) | worker median (ms) | ratio |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for path in files:
        a, b = statistics.median(local[path]) * 1000, statistics.median(worker[path]) * 1000
        rows.append(f"| {path.name} | {path.stat().st_size} | {a:.1f} | {b:.1f} | {b / a:.2f} |")
    return rows


async def measure_engines(files: list[Path], rounds: int) -> tuple[dict[str, dict[Path, list[float]]], str]:
    """Csound 6 and 7 through one worker each, interleaved file by file."""
    checkers = {
        engine: CsoundChecker(timeout_s=20, max_compiles=10_000, engine=engine) for engine in ("6", "7")
    }
    times: dict[str, dict[Path, list[float]]] = {engine: {path: [] for path in files} for engine in checkers}
    names: list[str] = []
    try:
        for checker in checkers.values():
            warm = await checker.check(
                "file:///warmup.csd", 0, files[0].read_text(errors="replace"), files[0]
            )
            names.append(warm.engine)
        version = 1
        for _ in range(rounds):
            for path in files:
                text = path.read_text(errors="replace")
                version += 1
                for engine, checker in checkers.items():
                    started = time.perf_counter()
                    result = await checker.check(path.as_uri(), version, text, path)
                    times[engine][path].append(time.perf_counter() - started)
                    assert result.status is CheckStatus.CHECKED, result.notice
    finally:
        for checker in checkers.values():
            await checker.close()
    return times, " and ".join(names)


def engines_lines(
    files: list[Path], rounds: int, times: dict[str, dict[Path, list[float]]], names: str
) -> list[str]:
    rows = [
        "`python bench/compile_latency.py --engines --write-readme`: the same compile-only checks",
        f"through the worker with each engine ({names}), on the manual examples both accept, "
        f"{rounds} rounds, interleaved ({os.cpu_count()} CPUs, shared machine).",
        "",
        "| file | bytes | Csound 6 median (ms) | Csound 7 median (ms) | 7 / 6 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for path in files:
        six, seven = (statistics.median(times[e][path]) * 1000 for e in ("6", "7"))
        rows.append(f"| {path.name} | {path.stat().st_size} | {six:.1f} | {seven:.1f} | {seven / six:.2f} |")
    all6 = statistics.median([t for p in files for t in times["6"][p]]) * 1000
    all7 = statistics.median([t for p in files for t in times["7"][p]]) * 1000
    rows += [
        "",
        f"All files: Csound 6 median {all6:.1f} ms, Csound 7 median {all7:.1f} ms, "
        f"**7 / 6 = {all7 / all6:.2f}**.",
    ]
    return rows


def write_readme(lines: list[str], section: str = SECTION) -> None:
    body = "\n".join([section, "", *lines]) + "\n"
    existing = README.read_text() if README.exists() else "# Benchmarks\n"
    if section in existing:
        before, _, after = existing.partition(section)
        rest = after.split("\n## ", 1)
        tail = ("\n## " + rest[1]) if len(rest) > 1 else ""
        existing = before.rstrip("\n") + "\n\n" + body + tail
    else:
        existing = existing.rstrip("\n") + "\n\n" + body
    README.write_text(existing)


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--write-readme", action="store_true")
    parser.add_argument("--engines", action="store_true", help="compare Csound 6 and 7 through the worker")
    args = parser.parse_args()
    if args.engines:
        files = await pick_files(args.files, ("6", "7"))
        times, names = await measure_engines(files, args.rounds)
        lines = engines_lines(files, args.rounds, times, names)
        print("\n".join(lines))
        if args.write_readme:
            write_readme(lines, ENGINES_SECTION)
        return 0
    files = await pick_files(args.files)
    local, worker, spawns = await measure(files, args.rounds)
    local_all = [t for path in files for t in local[path]]
    worker_all = [t for path in files for t in worker[path]]
    ratio = statistics.median(worker_all) / statistics.median(local_all)
    lines = [
        "`python bench/compile_latency.py --write-readme`: compile-only checks of Csound manual examples,",
        f"{args.rounds} rounds each, same sanitise + fresh instance + compile on both sides, interleaved "
        f"({os.cpu_count()} CPUs, shared machine; Csound 6.18).",
        "",
        *table(files, local, worker),
        "",
        f"All files: in-process median {statistics.median(local_all) * 1000:.1f} ms, worker median "
        f"{statistics.median(worker_all) * 1000:.1f} ms, **ratio {ratio:.2f}** (goal <= 1.5); "
        f"worker processes spawned during timing: {spawns}.",
    ]
    print("\n".join(lines))
    if args.write_readme:
        write_readme(lines)
    return 0 if ratio <= 1.5 and spawns == 0 else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
