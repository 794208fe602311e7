"""Hover, signature help and completion latency on a 5,000-line orchestra, server side (pure functions).

    python bench/feature_latency.py [--lines 5000] [--samples 200] [--profile]

The orchestra is every `instr ... endin` block of the corpus (`corpus/**/*.csd`), repeated with fresh
instrument numbers until it has `--lines` lines, under a header. Positions are sampled from it: opcode
names and variables (hover), the end of an argument list (signature help) and the space after an
output variable (completion: the rate-filtered opcode list, the heaviest case) plus argument starts.

warm: the document model is cached (repeated requests on one version). cold: an edit (one character
typed at the end of a line, then removed) comes first, so the call rebuilds the model; the edit's own
incremental reparse is timed apart ("edit"). Wall and CPU (thread) time are both given: on a shared
machine wall time mostly measures the other processes.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from csound_lsp.catalog import default_catalog  # noqa: E402
from csound_lsp.features.completion import completion  # noqa: E402
from csound_lsp.features.hover import hover  # noqa: E402
from csound_lsp.features.signature import signature_help  # noqa: E402
from csound_lsp.syntax.document import Document, Position, Span  # noqa: E402
from csound_lsp.syntax.focus import full_model  # noqa: E402

_INSTR = re.compile(r"^[ \t]*instr\b.*?^[ \t]*endin\b[^\n]*\n", re.MULTILINE | re.DOTALL)
HEADER = "sr = 48000\nksmps = 32\nnchnls = 2\n0dbfs = 1\ngaRev init 0\n\n"


def corpus_orchestra(lines: int) -> str:
    blocks: list[str] = []
    for path in sorted((ROOT / "corpus").rglob("*.csd")):
        blocks += _INSTR.findall(path.read_text(encoding="utf-8", errors="replace"))
    if not blocks:
        raise SystemExit("no instruments found under corpus/")
    parts = [HEADER]
    count = HEADER.count("\n")
    number = 1
    while count < lines:
        for block in blocks:
            renamed = re.sub(r"^([ \t]*instr[ \t]+)[^\n;]*", rf"\g<1>{number}", block, count=1)
            parts.append(renamed + "\n")
            count += renamed.count("\n") + 1
            number += 1
            if count >= lines:
                break
    return "".join(parts)


def positions(text: str, samples: int, seed: int = 3) -> dict[str, list[Position]]:
    """Sampled cursor positions per feature."""
    catalog = default_catalog()
    hover_at: list[Position] = []
    signature_at: list[Position] = []
    completion_at: list[Position] = []
    for row, line in enumerate(text.splitlines()):
        code = line.split(";")[0].rstrip()
        words = list(re.finditer(r"[A-Za-z_]\w*", code))
        if len(words) >= 2 and words[1].group() in catalog and "," in code and '"' not in code:
            hover_at.append(Position(row, words[1].start()))  # the opcode
            hover_at.append(Position(row, words[0].start()))  # its output variable
            signature_at.append(Position(row, len(code)))
            completion_at.append(Position(row, words[1].start()))  # `aSig |`: rate-filtered opcodes
            completion_at.append(Position(row, code.index(",") + 1))  # an argument: ranked variables
    rng = random.Random(seed)
    return {
        "hover": rng.sample(hover_at, min(samples, len(hover_at))),
        "signature help": rng.sample(signature_at, min(samples, len(signature_at))),
        "completion": rng.sample(completion_at, min(samples, len(completion_at))),
    }


def _completion_at(document: Document, position: Position) -> object:
    """Completion as a client asks after typing: the word under the cursor is cut off at the cursor."""
    return completion(document, position)


FEATURES: dict[str, Callable[[Document, Position], object]] = {
    "hover": hover,
    "signature help": signature_help,
    "completion": _completion_at,
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(
    document: Document, name: str, where: list[Position], cold: bool
) -> tuple[list[float], list[float], list[float]]:
    call = FEATURES[name]
    times: list[float] = []
    cpu: list[float] = []
    edits: list[float] = []
    last = document.index.line_count - 2
    for index, position in enumerate(where):
        if cold:
            row = (index * 7919) % last
            end = len(document.index.line_bytes(row))
            started = time.perf_counter()
            spot = Position(row, end)
            document = document.edited([(Span(spot, spot), " ")])
            document = document.edited([(Span(spot, Position(row, end + 1)), "")])
            edits.append((time.perf_counter() - started) * 1000 / 2)
        started, started_cpu = time.perf_counter(), time.thread_time()
        call(document, position)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
    return times, cpu, edits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="profile one cold completion")
    parser.add_argument(
        "--no-freeze", action="store_true", help="skip gc.freeze() (the server freezes its start-up heap)"
    )
    args = parser.parse_args(argv)

    text = corpus_orchestra(args.lines)
    document = Document("file:///bench/orchestra.orc", text)
    where = positions(text, args.samples)
    for name, found in FEATURES.items():  # steady state: catalogs, cheat sheet and per-rate caches loaded
        for position in where[name]:
            found(document, position)
    started = time.perf_counter()
    document = document.edited([(Span(Position(0, 0), Position(0, 0)), " ")])
    model_build = time.perf_counter()
    _ = full_model(document)
    model_ms = (time.perf_counter() - model_build) * 1000
    print(
        f"orchestra: {document.index.line_count} lines, {len(document.source)} bytes, "
        f"{len(full_model(document).instruments)} instruments; edit+reparse "
        f"{(model_build - started) * 1000:.1f} ms, model build {model_ms:.1f} ms"
    )
    document = document.edited([(Span(Position(0, 0), Position(0, 1)), "")])  # features build what they need
    if not args.no_freeze:
        gc.freeze()  # as the server does once its start-up data is loaded
    print(
        f"{'feature':16s} {'mode':5s} {'n':>4s} {'p50 ms':>8s} {'p99 ms':>8s} {'max ms':>8s}"
        f" {'cpu p50':>8s} {'cpu p99':>8s}"
    )
    for name in FEATURES:
        for cold in (False, True):
            times, cpu, edits = measure(document, name, where[name], cold)
            print(
                f"{name:16s} {'cold' if cold else 'warm':5s} {len(times):4d} {statistics.median(times):8.2f} "
                f"{percentile(times, 0.99):8.2f} {max(times):8.2f}"
                f" {statistics.median(cpu):8.2f} {percentile(cpu, 0.99):8.2f}"
                + (f"   (edit itself: p50 {statistics.median(edits):.2f} ms)" if edits else "")
            )
    if args.profile:
        position = where["completion"][0]
        document = document.edited([(Span(Position(0, 0), Position(0, 0)), " ")])
        profiler = cProfile.Profile()
        profiler.enable()
        completion(document, position)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
