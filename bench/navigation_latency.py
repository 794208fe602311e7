#!/usr/bin/env python3
"""Latency of the navigation features on a 5,000-line orchestra (pure functions, no LSP transport).

Usage: python3 bench/navigation_latency.py [--lines N] [--runs N]

Measures semantic tokens (full, a 100-line viewport range, delta) and references/definition (a
global used in every instrument, a local) with the document model already built, as a server has
it after the first request of a version (diagnostics build it on every change anyway); the model
build itself is reported on its own line. Prints p50/p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _orchestra import orchestra
from lsprotocol import types

from csound_lsp.features import navigation, semantic_tokens
from csound_lsp.syntax.document import Document, Position, Span
from csound_lsp.syntax.focus import full_model
from csound_lsp.syntax.model_builder import ModelBuilder

TARGET_P95_MS = 20.0


def measure(function: Callable[[], object], runs: int) -> tuple[float, float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]


def measure_cpu(function: Callable[[], object], runs: int) -> tuple[float, float]:
    """CPU (process) time: on a shared machine wall time mostly measures the other processes."""
    timings = []
    for _ in range(runs):
        start = time.process_time()
        function()
        timings.append((time.process_time() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args(argv)
    text = orchestra(args.lines)
    lines = text.splitlines()
    document = Document("file:///bench/big.orc", text)

    def build_model() -> object:
        return ModelBuilder(document.source, document.tree.root_node).build()

    model_p50, model_p95 = measure(build_model, max(5, args.runs // 4))
    full_model(document)  # warm, as after the first request of a version
    global_use = next(i for i, line in enumerate(lines) if "kTrig metro gkTempo" in line)
    global_position = types.Position(line=global_use, character=lines[global_use].index("gkTempo"))
    local_use = next(i for i, line in enumerate(lines) if "aFilt moogladder" in line)
    local_position = types.Position(line=local_use, character=lines[local_use].index("aOsc"))
    middle = len(lines) // 2
    viewport = types.Range(
        start=types.Position(line=middle, character=0), end=types.Position(line=middle + 100, character=0)
    )
    previous = semantic_tokens.full(document)

    def cold_full() -> object:
        return semantic_tokens.full(document.edited([]))  # a new version of the same text

    def cold_range() -> object:
        return semantic_tokens.in_range(document.edited([]), viewport)

    edit_document = Document("file:///bench/edit.orc", text)
    semantic_tokens.full(edit_document)
    edit_rows = [i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith(";")]
    edit_counter = [0]

    def edited_full() -> object:
        """One character typed at the end of a line: a new version, nothing of it built yet."""
        nonlocal edit_document
        row = edit_rows[(edit_counter[0] * 7919) % len(edit_rows)]
        edit_counter[0] += 1
        spot = Position(row, len(lines[row]))
        edit_document = edit_document.edited([(Span(spot, spot), " ")])
        started = time.process_time()
        semantic_tokens.full(edit_document)
        elapsed = time.process_time() - started
        edit_document = edit_document.edited([(Span(spot, Position(row, len(lines[row]) + 1)), "")])
        semantic_tokens.full(edit_document)
        return elapsed

    edit_times = sorted(float(edited_full()) * 1000 for _ in range(args.runs))
    edit_p50 = statistics.median(edit_times)
    edit_p95 = edit_times[min(len(edit_times) - 1, round(0.95 * (len(edit_times) - 1)))]
    results = {
        "semantic tokens full (after an edit, CPU)": (edit_p50, edit_p95),
        "semantic tokens full (new version)": measure(cold_full, args.runs),
        "semantic tokens full (same version)": measure(lambda: semantic_tokens.full(document), args.runs),
        "semantic tokens range (100 lines, new)": measure(cold_range, args.runs),
        "semantic tokens delta (diff of two versions)": measure(
            lambda: semantic_tokens.edits(previous, semantic_tokens.full(document)), args.runs
        ),
        "references (global, every instrument)": measure(
            lambda: navigation.references(document, global_position, [document]), args.runs
        ),
        "references (local)": measure(
            lambda: navigation.references(document, local_position, [document]), args.runs
        ),
        "definition (global)": measure(
            lambda: navigation.definition(document, global_position, [document]), args.runs
        ),
    }
    print(
        f"orchestra: {len(lines)} lines, {len(document.source)} bytes, {len(previous) // 5} semantic tokens"
    )
    calibration = time.perf_counter()
    sum(range(10_000_000))
    calibration_ms = (time.perf_counter() - calibration) * 1000
    load = os.getloadavg()[0]
    print(f"load average: {load:.1f} on {os.cpu_count()} CPUs; sum(range(1e7)) took {calibration_ms:.0f} ms")
    print(f"  {'model build (once per version)':40s} p50 {model_p50:7.1f} ms  p95 {model_p95:7.1f} ms")
    failed = False
    for name, (p50, p95) in results.items():
        verdict = "ok" if p95 < TARGET_P95_MS else "OVER"
        failed |= p95 >= TARGET_P95_MS
        print(f"  {name:40s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
