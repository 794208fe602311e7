"""Keystroke-to-static-diagnostics on a 5,000-line orchestra (goal from the diagnostics issue: p95 < 15 ms).

Each sample applies one typed character to the document (incremental tree-sitter reparse) and
computes the static findings the server would publish. Two orchestras: the synthetic one shared by
the latency benchmarks (bench/_orchestra.py: many similar instruments), and one assembled from our
corpus's real instruments and UDOs. `--full` also times the non-incremental path for the ratio.

Usage: python bench/diagnostics_latency.py [--samples N] [--full]
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _orchestra import orchestra

from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.incremental import IncrementalDiagnostics
from csound_lsp.catalog import default_catalog
from csound_lsp.syntax.document import Document, Position, Span

ROOT = Path(__file__).resolve().parent.parent


def corpus_orchestra(lines: int = 5000) -> str:
    """Real instruments and UDOs from our corpus, renumbered and repeated to `lines` lines."""
    blocks: list[str] = []
    udos: dict[str, str] = {}
    for path in sorted((ROOT / "corpus").glob("*/*.csd")):
        text = path.read_text()
        match = re.search(r"<CsInstruments>(.*)</CsInstruments>", text, re.S)
        if not match:
            continue
        document = Document("file:///x.orc", match.group(1))
        for node in document.tree.root_node.named_children:
            if node.has_error:
                continue
            body = document.node_text(node)
            if node.type == "udo_definition":
                name = node.child_by_field_name("name")
                if name is not None:
                    udos.setdefault(document.node_text(name), body)
            elif node.type == "instrument_definition":
                blocks.append(body)
    out = ["sr = 44100\nksmps = 32\nnchnls = 2\n0dbfs = 1\n", *udos.values()]
    number = 0
    while "\n".join(out).count("\n") < lines:
        for block in blocks:
            number += 1
            out.append(re.sub(r"^instr\s+[^\n]+", f"instr {number}", block, count=1))
            if "\n".join(out).count("\n") >= lines:
                break
    return "\n".join(out) + "\n"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def keystrokes(text: str, samples: int, incremental: bool) -> list[float]:
    document = Document("file:///bench.orc", text)
    cache = IncrementalDiagnostics()
    cache.findings(document) if incremental else static_findings(document)
    lines = document.index.line_count
    timings: list[float] = []
    for index in range(samples):
        line = (lines // 3 + index * 37) % (lines - 2)
        raw = document.index.line_bytes(line)
        column = len(raw) - len(raw.lstrip())  # type where the statement starts, like an editor
        span = Span(Position(line, column), Position(line, column))
        start = time.perf_counter()
        document = document.edited([(span, "k" if index % 2 == 0 else " ")])
        if incremental:
            cache.findings(document)
        else:
            static_findings(document)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--full", action="store_true", help="also time the non-incremental analysis")
    args = parser.parse_args(argv)
    default_catalog()
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    for label, text in (("synthetic", orchestra(5000)), ("corpus", corpus_orchestra(5000))):
        runs = [("incremental", True)] + ([("full", False)] if args.full else [])
        medians: dict[str, float] = {}
        for mode, incremental in runs:
            timings = keystrokes(
                text, args.samples if incremental else max(10, args.samples // 5), incremental
            )
            medians[mode] = statistics.median(timings)
            lines = text.count(chr(10))
            print(
                f"{label:9s} {lines} lines, {mode:11s}: p50 {statistics.median(timings):6.1f} ms"
                f"  p95 {percentile(timings, 0.95):6.1f} ms  max {max(timings):6.1f} ms  (n={len(timings)})"
            )
        if "full" in medians:
            print(
                f"{label:9s} full / incremental median ratio: {medians['full'] / medians['incremental']:.1f}x"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
