"""How many broken pieces the quick fixes (and, with --ai, the AI fix) make Csound accept.

    python bench/fix_benchmark.py                       # test half of the public corpus, deterministic
    python bench/fix_benchmark.py --half dev --list     # the half we tune on, with each file's outcome
    python bench/fix_benchmark.py --ai http://127.0.0.1:8012  # also the AI fix (OpenAI-style server)

Two sets, both from `bench/.cache/public` (see bench/fetch_public_csound.py; nothing of it is committed):
- **real**: CSDs Csound 6.18 rejects (orchestra check) in the chosen half, as their authors left them;
- **mutations**: CSDs Csound accepts, each broken once by the dataset's mutations (a rate prefix, a
  missing endin, a misspelt opcode, a missing table), one per file, seeded by the file's path.
The deterministic fixer applies the preferred checked quick fix of the first error that has one, again
and again (at most 12 rounds); a file counts as fixed when Csound's orchestra check accepts the result.
With --ai, the AI fix (the server's repair loop, with a Csound checker) starts from what the
deterministic fixes left, on files they did not fix (`--ai-limit N` per set, `--ai-time-limit` seconds
each); its failures are counted by kind (a ContextTooLong there would be a prompt that did not fit).
Files Csound rejects for lack of plugins (unknown opcodes that are not typos) stay broken for every fixer.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fetch_public_csound import CACHE, MANIFEST, orchestra_verdict  # noqa: E402

from csound_lsp.analysis.findings import Severity  # noqa: E402
from csound_lsp.analysis.incremental import document_findings  # noqa: E402
from csound_lsp.dataset.corpus import Piece  # noqa: E402
from csound_lsp.dataset.mutations import candidates  # noqa: E402
from csound_lsp.features.quick_fixes import apply_edits, fixes_for  # noqa: E402
from csound_lsp.syntax.document import Document  # noqa: E402
from csound_lsp.syntax.text_files import decode_csound  # noqa: E402

MAX_ROUNDS = 12


def deterministic_fix(text: str, uri: str) -> tuple[str, list[str]]:
    """The text after applying checked quick fixes one at a time, and their titles."""
    applied: list[str] = []
    for _ in range(MAX_ROUNDS):
        document = Document(uri, text)
        errors = [f for f in document_findings(document) if f.severity is Severity.ERROR and f.path is None]
        for finding in errors:
            fixes = fixes_for(document, finding)
            if fixes:
                best = next((fix for fix in fixes if fix.preferred), fixes[0])
                text = apply_edits(document.source, best.edits).decode("utf-8", "replace")
                applied.append(best.title)
                break
        else:
            return text, applied
    return text, applied


def accepted(text: str, where: Path) -> bool:
    scratch = where.parent / f".fixbench-{hashlib.sha1(text.encode()).hexdigest()[:12]}.csd"
    try:
        scratch.write_text(text, encoding="utf-8", errors="surrogateescape")
        return orchestra_verdict(scratch, "csd") == "accepted"
    finally:
        scratch.unlink(missing_ok=True)


def mutated(text: str, path: str) -> tuple[str, str] | None:
    rng = random.Random(hashlib.sha256(path.encode()).hexdigest())
    piece = Piece(path, Path(path), "", (), "", text)
    options = [m for kind in candidates(piece, rng).values() for m in kind]
    if not options:
        return None
    mutation = rng.choice(options)
    return mutation.text, mutation.kind


@dataclass
class AIOutcome:
    text: str | None
    #: The error type when the run failed (ContextTooLong is the one that must never happen).
    failure: str | None
    seconds: float
    attempts: list[str]


async def ai_fix(text: str, path: str, host: str, time_limit_s: float) -> AIOutcome:
    """The server's AI fix, as `Fix with AI` runs it: a Csound checker, the file's own folder."""
    from csound_lsp.ai import AIService
    from csound_lsp.ai.fixing import fix
    from csound_lsp.csound.worker import CsoundChecker

    service, _ = AIService.from_config({"backend": "openai", "host": host, "log": False})
    checker = CsoundChecker(timeout_s=30.0)
    started = time.perf_counter()
    try:
        result = await fix(text, path=path, service=service, checker=checker, time_limit_s=time_limit_s)
    except Exception as error:  # a failing model is a miss, not a crash
        print(f"  AI fix failed on {path}: {type(error).__name__}: {error}", file=sys.stderr)
        return AIOutcome(None, type(error).__name__, time.perf_counter() - started, [])
    finally:
        await service.aclose()
        await checker.close()
    return AIOutcome(
        result.new_text or result.improved_text, None, time.perf_counter() - started, result.attempts
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--half", choices=["dev", "test"], default="test")
    parser.add_argument("--limit", type=int, default=0, help="at most N files per set")
    parser.add_argument("--ai", metavar="URL", help="also try the AI fix through this OpenAI-style server")
    parser.add_argument(
        "--ai-limit", type=int, default=0, help="try the AI fix on at most N files per set (0: every one)"
    )
    parser.add_argument(
        "--ai-time-limit", type=float, default=120.0, help="seconds the AI repair loop may take per file"
    )
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not MANIFEST.is_file():
        print("no public corpus: run bench/fetch_public_csound.py first", file=sys.stderr)
        return 2
    entries = [
        e
        for e in json.loads(MANIFEST.read_text())["files"]
        if e["kind"] == "csd" and e["half"] == args.half and e.get("orchestra") in ("accepted", "rejected")
    ]
    sets: dict[str, list[tuple[str, str, Path, str]]] = {"real": [], "mutations": []}
    for entry in entries:
        path = CACHE / entry["local"]
        text = decode_csound(path.read_bytes()).text
        if entry["orchestra"] == "rejected":
            sets["real"].append((entry["path"], text, path, "as found"))
        else:
            broken = mutated(text, entry["path"])
            if broken is not None and not accepted(broken[0], path):
                sets["mutations"].append((entry["path"], broken[0], path, broken[1]))
    report: dict[str, dict[str, object]] = {}
    started = time.perf_counter()
    for name, items in sets.items():
        if args.limit:
            items = items[: args.limit]
        outcome: Counter[str] = Counter()
        kinds: Counter[str] = Counter()
        failures: Counter[str] = Counter()
        ai_seconds: list[float] = []
        for source_path, text, path, kind in items:
            fixed, titles = deterministic_fix(text, path.as_uri())
            good = bool(titles) and accepted(fixed, path)
            ai_good = False
            if not good and args.ai and (not args.ai_limit or outcome["ai tried"] < args.ai_limit):
                # what the deterministic fixes left, as a user would ask for AI after applying them
                start_from = fixed if titles else text
                tried = asyncio.run(ai_fix(start_from, str(path), args.ai, args.ai_time_limit))
                ai_good = tried.text is not None and accepted(tried.text, path)
                outcome["ai tried"] += 1
                ai_seconds.append(tried.seconds)
                if tried.failure:
                    failures[tried.failure] += 1
                if any("time limit" in attempt for attempt in tried.attempts):
                    failures["stopped at the time limit"] += 1
                if args.list:
                    print(
                        f"  AI {'fixed' if ai_good else 'not fixed'} in {tried.seconds:.0f} s: "
                        f"{tried.attempts[-2:]}"
                    )
            outcome["deterministic"] += good
            outcome["ai"] += ai_good
            outcome["either"] += good or ai_good
            kinds[f"{kind}: {'fixed' if good or ai_good else 'not fixed'}"] += 1
            if args.list:
                print(
                    f"{name:9s} {'FIXED' if good else 'ai' if ai_good else '-':5s} {source_path} {titles[:3]}"
                )
        report[name] = {
            "files": len(items),
            **outcome,
            "by kind": dict(sorted(kinds.items())),
            "ai failures": dict(failures),
            "ai seconds p50": round(sorted(ai_seconds)[len(ai_seconds) // 2], 1) if ai_seconds else None,
        }
    report["seconds"] = {"wall": round(time.perf_counter() - started, 1)}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"half: {args.half}; AI: {args.ai or 'not tried'}")
    print("| set | files | deterministic | AI tried | AI fixed | either | AI p50 s | AI failures |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in sets:
        r = report[name]
        counts = [
            r["files"],
            r.get("deterministic", 0),
            r.get("ai tried", 0),
            r.get("ai", 0),
            r.get("either", 0),
            r.get("ai seconds p50") or "-",
            r.get("ai failures") or "none",
        ]
        print(f"| {name} | " + " | ".join(str(c) for c in counts) + " |")
    for name in sets:
        print(f"{name}: {report[name]['by kind']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
