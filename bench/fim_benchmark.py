#!/usr/bin/env python3
"""Fill-in-the-middle benchmark: csound-lsp's inline completion against the same model called bare.

Usage: python3 bench/fim_benchmark.py --llama http://127.0.0.1:PORT [--positions 200] [--out FILE]

Positions come from the held-out half ("test") of the public Csound that bench/fetch_public_csound.py
exported to bench/.cache/public (never committed; the manifest says where each file came from). Only
files Csound 6.18 accepted are used, one position per file: a code line inside an instrument body,
cut after its first two words (`aSig oscili |0.5, 440`), the rest of the line removed from the file.

* csound-lsp: the real `InlineEngine` in this process, through the OpenAI-style backend, with a
  keyword index of what `csound-lsp index` builds on a default install (the bundled corpus and the
  manual's examples, never the public corpus) and the piece under test excluded from retrieval
  (examples from its own path are dropped); one engine for the whole run, so it learns the server's
  prefill speed as it would in an editor.
* bare: the same model, `/v1/completions` with the last 1,500 characters before the cursor as the
  prompt, stopped at the end of the line.

Start the server fresh and with `--cache-ram 0`: llama.cpp keeps earlier prompts' state in memory
(8 GB by default), so a second run over the same positions would find the bare prompts already read.

Reported for each: answered, exact first line, mean similarity of the first line (difflib ratio,
unanswered = 0), still compiles (Csound 6.18 `--syntax-check-only` on the file with the suggestion
inserted, sanitised as the manifest's verdicts were), multi-line answers, p50/p95 latency of a request.
One request at a time, alternating which side goes first.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from csound_lsp.ai import AIService, parse_ai_settings  # noqa: E402
from csound_lsp.ai.ailog import AILog, percentile  # noqa: E402
from csound_lsp.ai.grounding import Retrieval, Retriever  # noqa: E402
from csound_lsp.ai.inline import InlineEngine  # noqa: E402
from csound_lsp.csound.sanitize import sanitize  # noqa: E402
from csound_lsp.syntax.document import Document  # noqa: E402

PUBLIC = ROOT / "bench" / ".cache" / "public"
BARE_CHARS = 1500
_UNIT = re.compile(r"^\s*(instr|opcode)\b")
_UNIT_END = re.compile(r"^\s*(endin|endop)\b")
_CODE_LINE = re.compile(r"^\s*[A-Za-z_][\w,\s]*\s+[A-Za-z_]\w*\s+\S")


@dataclass(frozen=True)
class Position:
    source: str
    path: str
    text: str  # the file with the rest of the line removed
    offset: int  # character offset of the cursor in `text`
    expected: str  # the removed rest of the line
    kind: str


@dataclass
class Side:
    name: str
    answers: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    compiles: list[bool] = field(default_factory=list)


def positions(limit: int, half: str = "test") -> list[Position]:
    manifest = json.loads((PUBLIC / "manifest.json").read_text())["files"]
    chosen = [
        entry
        for entry in manifest
        if entry.get("half") == half
        and entry.get("verdict") == "accepted"
        and entry["kind"] in ("csd", "orc")
    ]
    chosen.sort(key=lambda entry: hashlib.sha256(entry["local"].encode()).hexdigest())
    found: list[Position] = []
    for entry in chosen:
        file = PUBLIC / entry["local"]
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        position = _cut(text, entry)
        if position is not None:
            found.append(position)
        if len(found) >= limit:
            break
    return found


def _cut(text: str, entry: dict[str, Any]) -> Position | None:
    """One code line inside an instrument body, picked by a hash of the path, cut after two words."""
    lines = text.split("\n")
    inside = False
    candidates: list[int] = []
    for number, line in enumerate(lines):
        if _UNIT.match(line):
            inside = True
        elif _UNIT_END.match(line):
            inside = False
        elif inside and _CODE_LINE.match(line.split(";", 1)[0]) and len(line) < 160:
            candidates.append(number)
    if not candidates:
        return None
    number = candidates[int(hashlib.sha256(entry["local"].encode()).hexdigest(), 16) % len(candidates)]
    line = lines[number]
    code = line.split(";", 1)[0].rstrip()
    words = list(re.finditer(r"\S+", code))
    if len(words) < 3:
        return None
    cut = words[2].start()
    expected = code[cut:].strip()
    start = sum(len(item) + 1 for item in lines[:number])
    kept = [*lines[:number], line[:cut], *lines[number + 1 :]]
    return Position(entry["source"], entry["local"], "\n".join(kept), start + cut, expected, entry["kind"])


class HeldOut:
    """The real retriever with the piece under test taken out of its answers."""

    def __init__(self, inner: Retriever, path: str) -> None:
        self.inner, self.path = inner, path

    async def search(self, query: str, **kwargs: Any) -> Retrieval:
        found = await self.inner.search(query, **kwargs)
        name = Path(self.path).name
        kept = [example for example in found.examples if not example.path.endswith(name)]
        return Retrieval(kept, found.seconds, found.mode)


def compiles(text: str, kind: str, folder: Path) -> bool:
    """Csound 6.18 accepts the orchestra, checked as bench/fetch_public_csound.py made the verdicts
    (sanitised, `--syntax-check-only`, an orchestra file with `--orc`, run in the piece's folder)."""
    clean = sanitize(text, "csd" if kind == "csd" else "orc").text
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / ("check.csd" if kind == "csd" else "check.orc")
        target.write_text(clean, encoding="utf-8", errors="surrogateescape")
        command = ["csound", "--syntax-check-only", "-n", "-d", "-m0"]
        command += [str(target)] if kind == "csd" else ["--orc", str(target)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=30, cwd=folder)
        except subprocess.TimeoutExpired:
            return False
    return done.returncode == 0


async def bare(client: httpx.AsyncClient, position: Position) -> str:
    body = {
        "model": "gemma3-270m",
        "prompt": position.text[: position.offset][-BARE_CHARS:],
        "max_tokens": 48,
        "temperature": 0.1,
        "stop": ["\n"],
    }
    response = await client.post("/v1/completions", json=body)
    response.raise_for_status()
    return str(response.json()["choices"][0].get("text") or "")


async def ours(engine: InlineEngine, position: Position, retriever: Retriever) -> str:
    engine.retriever = HeldOut(retriever, position.path)  # type: ignore[assignment]
    document = Document(f"file:///bench/{Path(position.path).name}", position.text)
    offset = len(position.text[: position.offset].encode("utf-8"))
    found = await engine.suggest(document, offset, invoked=True)
    return found[0].text if found else ""


def similarity(answer: str, expected: str) -> float:
    first = answer.split("\n", 1)[0].strip()
    return difflib.SequenceMatcher(None, first, expected).ratio() if first else 0.0


def summary(side: Side, expected: list[str]) -> dict[str, Any]:
    firsts = [answer.split("\n", 1)[0].strip() for answer in side.answers]
    return {
        "answered": sum(1 for first in firsts if first),
        "exact": sum(1 for first, want in zip(firsts, expected, strict=True) if first and first == want),
        "similarity": round(
            sum(similarity(a, w) for a, w in zip(side.answers, expected, strict=True))
            / max(len(expected), 1),
            3,
        ),
        "compiles": sum(1 for ok, first in zip(side.compiles, firsts, strict=True) if ok and first),
        "multi_line": sum(1 for answer in side.answers if "\n" in answer.strip("\n")),
        "shown_failing_csound": sum(
            1 for ok, first in zip(side.compiles, firsts, strict=True) if first and not ok
        ),
        "p50_s": round(percentile(side.seconds, 0.5) or 0.0, 2),
        "p95_s": round(percentile(side.seconds, 0.95) or 0.0, 2),
    }


def bench_retriever() -> Retriever:
    """What `csound-lsp index` builds on a default install (the bundled corpus and the manual's
    examples), indexed into a temporary folder; keyword search only, as inline completion uses it."""
    from csound_lsp.retrieval import RetrievalEngine, Sources

    engine = RetrievalEngine(Sources(), cache_dir=tempfile.mkdtemp())
    report = engine.build()
    print(f"retrieval index: {report.files} files, {report.chunks} chunks", file=sys.stderr)
    return Retriever(engine)


async def run(
    url: str,
    count: int,
    out: Path | None,
    csound_check: bool = True,
    half: str = "test",
    line_examples: bool = True,
    skip: int = 0,
) -> dict[str, Any]:
    picked = positions(count + skip, half)[skip:]
    raw = {"backend": "openai", "host": url, "models": {"completion": "gemma3-270m"}, "log": False}
    settings, problems = parse_ai_settings(raw, env={})
    assert not problems, problems
    service = AIService(settings)
    retriever = bench_retriever()
    from csound_lsp.csound.worker import CsoundChecker

    checker = CsoundChecker(timeout_s=20.0) if csound_check else None
    with tempfile.TemporaryDirectory() as logs:
        engine = InlineEngine(
            service,
            retriever=retriever,
            log=AILog(Path(logs), enabled=False),
            debounce=False,
            checker=(lambda: checker) if checker is not None else None,
        )
        engine.line_examples = line_examples
        sides = {"csound-lsp": Side("csound-lsp"), "bare model": Side("bare model")}
        reference = Side("the removed text itself")  # what a perfect answer scores (compile rate)
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:
            for index, position in enumerate(picked):
                order = ["csound-lsp", "bare model"] if index % 2 == 0 else ["bare model", "csound-lsp"]
                for name in order:
                    started = time.perf_counter()
                    if name == "csound-lsp":
                        engine._cache.clear()
                        answer = await ours(engine, position, retriever)
                    else:
                        answer = await bare(client, position)
                    sides[name].seconds.append(time.perf_counter() - started)
                    sides[name].answers.append(answer)
                    first = answer.split("\n", 1)[0] if name == "bare model" else answer
                    filled = position.text[: position.offset] + first + position.text[position.offset :]
                    folder = (PUBLIC / position.path).parent
                    sides[name].compiles.append(
                        bool(first.strip()) and compiles(filled, position.kind, folder)
                    )
                original = (
                    position.text[: position.offset] + position.expected + position.text[position.offset :]
                )
                reference.answers.append(position.expected)
                reference.compiles.append(compiles(original, position.kind, (PUBLIC / position.path).parent))
                print(
                    f"{index + 1}/{len(picked)} {position.path} ours {sides['csound-lsp'].seconds[-1]:.1f} s "
                    f"bare {sides['bare model'].seconds[-1]:.1f} s",
                    file=sys.stderr,
                    flush=True,
                )
    await service.aclose()
    if checker is not None:
        await checker.close()
    expected = [position.expected for position in picked]
    result = {
        "positions": len(picked),
        "half": half,
        "skip": skip,
        "sources": sorted({position.source for position in picked}),
        "csound_check": csound_check,
        "line_examples": line_examples,
        "sides": {
            name: summary(side, expected) for name, side in [*sides.items(), (reference.name, reference)]
        },
        "answers": [
            {"path": p.path, "expected": p.expected, "csound-lsp": a, "bare": b, "seconds": [sa, sb]}
            for p, a, b, sa, sb in zip(
                picked,
                sides["csound-lsp"].answers,
                sides["bare model"].answers,
                sides["csound-lsp"].seconds,
                sides["bare model"].seconds,
                strict=True,
            )
        ],
    }
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1))
    return result


def merge(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Runs over disjoint positions (`--skip`) as one: counts added, similarity weighted by positions,
    latency percentiles over every position's own time."""
    total = sum(r["positions"] for r in results)
    merged: dict[str, Any] = {
        "positions": total,
        "half": results[0].get("half"),
        "sources": sorted({s for r in results for s in r["sources"]}),
        "answers": [a for r in results for a in r["answers"]],
        "sides": {},
    }
    for name in results[0]["sides"]:
        sides = [r["sides"][name] for r in results]
        summed = {
            key: sum(s[key] for s in sides)
            for key in ("answered", "exact", "compiles", "multi_line", "shown_failing_csound")
        }
        summed["similarity"] = round(
            sum(s["similarity"] * r["positions"] for s, r in zip(sides, results, strict=True)) / total, 3
        )
        column = {"csound-lsp": 0, "bare model": 1}.get(name)
        seconds = [a["seconds"][column] for a in merged["answers"]] if column is not None else []
        summed["p50_s"] = round(percentile(seconds, 0.5) or 0.0, 2) if seconds else 0.0
        summed["p95_s"] = round(percentile(seconds, 0.95) or 0.0, 2) if seconds else 0.0
        merged["sides"][name] = summed
    return merged


def table(result: dict[str, Any]) -> str:
    columns = ["answered", "exact first line", "mean similarity", "still compiles", "shown, failing Csound"]
    head = "| | " + " | ".join([*columns, "multi-line", "p50 / p95"]) + " |"
    rows = [head, "| --- " * 8 + "|"]
    n = result["positions"]
    for name, s in result["sides"].items():
        latency = f"{s['p50_s']:.1f} / {s['p95_s']:.1f} s" if s["p50_s"] else "-"
        rows.append(
            f"| {name} | {s['answered']}/{n} | {s['exact']} | {s['similarity']:.2f} | {s['compiles']} | "
            f"{s['shown_failing_csound']} | {s['multi_line']} | {latency} |"
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--llama", help="base URL of a running llama-server")
    parser.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        metavar="RESULTS",
        help="print the table of runs over disjoint positions",
    )
    parser.add_argument("--positions", type=int, default=200)
    parser.add_argument(
        "--skip", type=int, default=0, help="leave out the first N positions (to split a run over servers)"
    )
    parser.add_argument(
        "--half", choices=["dev", "test"], default="test", help="tune on dev; report the held-out test half"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / ".cache" / "fim_results.json")
    parser.add_argument(
        "--no-csound-check", action="store_true", help="static analysis only before a suggestion is shown"
    )
    parser.add_argument(
        "--no-line-examples",
        action="store_true",
        help="mid-line, offer only the document's own calls (to measure what retrieval adds)",
    )
    args = parser.parse_args()
    if args.merge:
        print(table(merge([json.loads(path.read_text()) for path in args.merge])))
        return 0
    if not args.llama:
        parser.error("--llama URL is needed to run the benchmark")
    if not (PUBLIC / "manifest.json").is_file():
        print("no bench/.cache/public/manifest.json: run bench/fetch_public_csound.py first", file=sys.stderr)
        return 2
    result = asyncio.run(
        run(
            args.llama,
            args.positions,
            args.out,
            not args.no_csound_check,
            args.half,
            not args.no_line_examples,
            args.skip,
        )
    )
    print(table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
