"""Retrieval quality on requests in musicians' words (bench/retrieval_musicians.json), per mode.

    python bench/retrieval_musicians.py                 # test half, built-in static model, + manual
    python bench/retrieval_musicians.py --half dev      # the half we tune on
    python bench/retrieval_musicians.py --no-manual --json

A hit is a top-5 chunk whose code (comments removed) calls one of the need's answering opcodes;
MRR uses the first hit in the top 10. The split is by need, fixed before any tuning: sha256 of the
need's id, first byte odd -> test. The index lives in bench/.cache/ (rebuilt when the chunker or
model changes). Modes: bm25 (keywords, with the description boost by keywords), dense (the static
model, with the description boost by embeddings), hybrid (all of it, the default install), and
hybrid without the description boost or the musician-word expansion, to show what each adds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import faiss  # noqa: E402

from csound_lsp.retrieval import Chunk, RetrievalEngine, Sources  # noqa: E402
from csound_lsp.retrieval.static import default_embedder  # noqa: E402

faiss.omp_set_num_threads(1)
_COMMENT = re.compile(r";.*|//.*")
QUERIES = ROOT / "bench" / "retrieval_musicians.json"


#: (label, search mode, description boost, musician-word expansion)
VARIANTS = (
    ("bm25", "bm25", True, True),
    ("dense-static", "dense", True, True),
    ("hybrid", "auto", True, True),
    ("hybrid, no description boost", "auto", False, True),
    ("hybrid, no musician words", "auto", True, False),
    ("hybrid, neither", "auto", False, False),
)


def half_of(need_id: str) -> str:
    return "test" if hashlib.sha256(need_id.encode("utf-8")).digest()[0] % 2 else "dev"


def relevant(chunk: Chunk, answers: set[str]) -> bool:
    words = set(re.findall(r"[A-Za-z_]\w*", _COMMENT.sub("", chunk.text)))
    return bool(words & answers)


def load_queries(half: str) -> list[tuple[str, str, set[str]]]:
    needs = json.loads(QUERIES.read_text(encoding="utf-8"))["needs"]
    return [
        (need["id"], query, set(need["opcodes"]))
        for need in needs
        if half == "all" or half_of(need["id"]) == half
        for query in need["queries"]
    ]


def evaluate(engine: RetrievalEngine, queries: list[tuple[str, str, set[str]]], mode: str) -> dict[str, Any]:
    found5 = 0
    reciprocal = 0.0
    misses: list[str] = []
    used = ""
    for _need, query, answers in queries:
        result = engine.search(query, top=10, mode=mode)  # type: ignore[arg-type]
        used = result.mode
        ranks = [rank for rank, hit in enumerate(result.hits, 1) if relevant(hit.chunk, answers)]
        first = ranks[0] if ranks else None
        if first is not None and first <= 5:
            found5 += 1
        else:
            misses.append(query)
        reciprocal += 1.0 / first if first else 0.0
    count = len(queries) or 1
    return {"recall@5": found5 / count, "mrr": reciprocal / count, "misses": misses, "mode": used}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=["dev", "test", "all"], default="test")
    parser.add_argument("--no-manual", action="store_true", help="leave out the Csound manual's examples")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", action="store_true", help="list the queries without a top-5 hit")
    args = parser.parse_args()

    embedder = default_embedder()
    if embedder is None:
        raise SystemExit("the built-in static model is missing (csound_lsp/data/static_model)")
    manual = "corpus" if args.no_manual else "corpus-manual"
    cache = ROOT / "bench" / ".cache" / f"musicians-{manual}-{embedder.model_name}"
    sources = Sources(include_manual=not args.no_manual)
    engine = RetrievalEngine(sources, embedder=embedder, cache_dir=cache)
    started = time.perf_counter()
    report = engine.build()
    print(
        f"index: {report.files} files, {report.chunks} chunks, {report.embedded} embedded, "
        f"{time.perf_counter() - started:.1f} s, mode {report.mode}",
        file=sys.stderr,
    )
    queries = load_queries(args.half)
    results: dict[str, Any] = {
        "half": args.half,
        "queries": len(queries),
        "needs": len({q[0] for q in queries}),
        "chunks": report.chunks,
        "model": embedder.model_name,
    }
    for label, mode, describe, expand in VARIANTS:
        engine.describe, engine.expand, engine.expand_dense = describe, expand, expand
        results[label] = evaluate(engine, queries, mode)
    engine.describe = engine.expand = engine.expand_dense = True
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(
        f"{args.half} half: {results['queries']} queries ({results['needs']} needs), "
        f"{report.chunks} chunks, model {embedder.model_name}"
    )
    print("| mode | recall@5 | MRR |\n| --- | --- | --- |")
    for label, *_ in VARIANTS:
        print(f"| {label} | {results[label]['recall@5']:.3f} | {results[label]['mrr']:.3f} |")
    if args.misses:
        for label in ("bm25", "dense-static", "hybrid"):
            print(f"{label} misses: " + "; ".join(results[label]["misses"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
