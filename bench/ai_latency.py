"""AI feature latency: `python3 bench/ai_latency.py [--llama URL] [--runs N]`.

1. Overhead of everything but the model (cursor location, retrieval, prompt building, post-filters,
   in-memory validation by static analysis) per inline request, with a stub backend that answers
   at once: p50/p95 over N requests at different cursors of a 300-line orchestra.
2. With `--llama URL` (a running `../shared/tools/llama-server PORT`, one thread): time from request
   to first inline text and to the final suggestion, through the OpenAI-compatible backend.
3. Peak RSS of this process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from csound_lsp.ai import AIService, parse_ai_settings
from csound_lsp.ai.ailog import AILog, percentile
from csound_lsp.ai.grounding import Retriever
from csound_lsp.ai.inline import InlineEngine
from csound_lsp.ai.stream import StreamTimeouts, TextStream
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import full_model

ANSWER = ["0.3, 220\n", "  aEnv madsr 0.1, 0.2, 0.7, 0.5\n", "  aOut = aSig * aEnv\n", "endin\n"]


def orchestra(instruments: int = 30) -> str:
    head = "<CsoundSynthesizer>\n<CsInstruments>\nsr = 48000\nksmps = 32\nnchnls = 2\n0dbfs = 1\n\n"
    body = "".join(
        f"instr {n}\n  ; voice {n}: filtered saw\n  kFreq = p4\n  aSig vco2 0.3, kFreq\n"
        f"  aFilt moogladder aSig, 2000, 0.3\n  outs aFilt, aFilt\nendin\n\n"
        for n in range(1, instruments + 1)
    )
    return head + body + "</CsInstruments>\n<CsScore>\ni 1 0 1 440\n</CsScore>\n</CsoundSynthesizer>\n"


class InstantBackend:
    """Stands in for the model: streams a fixed answer at once, so only our own work is timed."""

    kind = "stub"
    host = "stub"

    def stream_complete(self, prefix: str, suffix: str, **kwargs: Any) -> TextStream:
        async def source(stats: Any) -> Any:
            for chunk in ANSWER:
                yield chunk

        return TextStream(source, timeouts=StreamTimeouts(10, 10), host="stub")

    async def health(self) -> Any:
        from csound_lsp.ai.base import Health

        return Health(True, "stub", "stub")

    async def aclose(self) -> None:
        return None


def bench_retriever() -> Retriever:
    """Keyword search over the bundled corpus and the manual's examples, indexed into a temporary folder."""
    from csound_lsp.retrieval import RetrievalEngine, Sources

    engine = RetrievalEngine(Sources(), cache_dir=tempfile.mkdtemp())
    report = engine.build()
    print(f"retrieval index: {report.files} files, {report.chunks} chunks ({report.mode})")
    return Retriever(engine)


async def overhead(runs: int, retriever: Retriever) -> tuple[list[float], dict[str, list[float]]]:
    settings, _ = parse_ai_settings(None, {})
    service = AIService(settings, backend=InstantBackend())  # type: ignore[arg-type]
    log_dir = Path(tempfile.mkdtemp())
    engine = InlineEngine(service, retriever=retriever, log=AILog(log_dir), debounce=False)
    text = orchestra()
    samples: list[float] = []
    cursor_line = "  aSig vco2 "
    positions = [i for i in range(len(text)) if text.startswith(cursor_line, i)]
    for run in range(runs):
        start = positions[run % len(positions)] + len(cursor_line)
        edited = text[:start] + f"{run % 7}" + text[start + 11 :]  # a fresh line each time: no cache hits
        document = Document("file:///bench/piece.csd", edited)
        full_model(document)  # - the server has built it already, for diagnostics
        began = time.perf_counter()
        await engine.suggest(document, len(edited[: start + 1].encode()), invoked=True)
        samples.append((time.perf_counter() - began) * 1000)
    parts: dict[str, list[float]] = {}
    for line in (log_dir / "ai.jsonl").read_text().splitlines():
        for key, value in json.loads(line)["timings"].items():
            if key in ("context_ms", "retrieval_ms", "filter_ms", "validation_ms"):
                parts.setdefault(key, []).append(value)
    return samples, parts


async def first_text(url: str, runs: int) -> tuple[list[float], list[float]]:
    settings, _ = parse_ai_settings(
        None,
        {"CSOUND_LSP_AI_BACKEND": "openai", "CSOUND_LSP_AI_HOST": url, "CSOUND_LSP_AI_MODEL": "gemma3-270m"},
    )
    service = AIService(settings)
    log_dir = Path(tempfile.mkdtemp())
    engine = InlineEngine(service, retriever=Retriever(None), log=AILog(log_dir), debounce=False)
    text = orchestra(8)
    firsts: list[float] = []
    totals: list[float] = []
    anchor = text.index("  aSig vco2 ") + len("  aSig vco2 ")
    for run in range(runs):
        edited = text[:anchor] + f"0.{run}" + text[anchor:]
        document = Document("file:///bench/piece.csd", edited)
        began = time.perf_counter()
        await engine.suggest(document, len(edited[: anchor + 3].encode()), invoked=True)
        totals.append((time.perf_counter() - began) * 1000)
    for line in (log_dir / "ai.jsonl").read_text().splitlines():
        record = json.loads(line)
        if record["timings"].get("first_token_ms") is not None:
            firsts.append(record["timings"]["first_token_ms"])
    await service.aclose()
    return firsts, totals


def show(label: str, values: list[float]) -> None:
    print(
        f"{label}: n={len(values)} p50={statistics.median(values):.1f} ms "
        f"p95={percentile(values, 0.95):.1f} ms max={max(values):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--llama", help="URL of a running llama-server")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    samples, parts = asyncio.run(overhead(args.runs, bench_retriever()))
    show("overhead per inline request (no model)", samples)
    for key, values in parts.items():
        show(f"  {key.removesuffix('_ms')}", values)
    if args.llama:
        firsts, totals = asyncio.run(first_text(args.llama, max(5, args.runs // 20)))
        show("request to first token, gemma3-270m, 1 thread", firsts)
        show("request to final suggestion", totals)
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
