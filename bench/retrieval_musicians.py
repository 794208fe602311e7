"""Retrieval quality on requests in musicians' words, per mode.

    python bench/retrieval_musicians.py                 # test half, built-in static model, + manual
    python bench/retrieval_musicians.py --half dev      # the half we tune on
    python bench/retrieval_musicians.py --queries bench/retrieval_blind.json --half dev --misses
    python bench/retrieval_musicians.py --no-manual --json
    python bench/retrieval_musicians.py --backend openai --url http://127.0.0.1:8080 --model gemma3-270m

Query sets: bench/retrieval_musicians.json (ours, 420 queries) and bench/retrieval_blind.json
(360 queries written blind by someone who never saw the corpus or this code), the same format.

A hit is a top-5 chunk whose code (comments removed) calls one of the need's answering opcodes;
MRR uses the first hit in the top 10. The split is by need, fixed before any tuning: sha256 of the
need's id, first byte odd -> test. The index lives in bench/.cache/ (rebuilt when the chunker or
model changes). Modes: bm25 (keywords, with the description boost by keywords), dense (the static
model, with the description boost by embeddings), hybrid (all of it, the default install), and
hybrid without the description boost or the musician-word expansion, to show what each adds.
With --backend, the chunks are embedded by that model instead (hybrid and dense modes only).

A need is answerable when at least one indexed chunk calls one of its opcodes; the headline scores
count every need, the answerable subset is shown beside them. Per-query misses are only listed for
the dev half, and every scoring of a test half is appended to bench/.cache/18/test-scorings.log.
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

from csound_lsp.retrieval import Chunk, Embedder, RetrievalEngine, Sources  # noqa: E402
from csound_lsp.retrieval.static import default_embedder  # noqa: E402
from csound_lsp.retrieval.store import load_index  # noqa: E402

faiss.omp_set_num_threads(1)
_COMMENT = re.compile(r";.*|//.*")
QUERIES = ROOT / "bench" / "retrieval_musicians.json"
TEST_LOG = ROOT / "bench" / ".cache" / "18" / "test-scorings.log"


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


def load_queries(half: str, path: Path = QUERIES) -> list[tuple[str, str, set[str]]]:
    needs = json.loads(path.read_text(encoding="utf-8"))["needs"]
    return [
        (need["id"], query, set(need["opcodes"]))
        for need in needs
        if half == "all" or half_of(need["id"]) == half
        for query in need["queries"]
    ]


def answerable_needs(chunks: list[Chunk], queries: list[tuple[str, str, set[str]]]) -> set[str]:
    """Needs with at least one indexed chunk that calls one of their opcodes (else no hit is possible)."""
    called: set[str] = set()
    for chunk in chunks:
        called.update(re.findall(r"[A-Za-z_]\w*", _COMMENT.sub("", chunk.text)))
    return {need for need, _query, answers in queries if answers & called}


def evaluate(
    engine: RetrievalEngine,
    queries: list[tuple[str, str, set[str]]],
    mode: str,
    answerable: set[str],
) -> dict[str, Any]:
    firsts: list[int | None] = []
    misses: list[str] = []
    used = ""
    for need, query, answers in queries:
        result = engine.search(query, top=10, mode=mode)  # type: ignore[arg-type]
        used = result.mode
        ranks = [rank for rank, hit in enumerate(result.hits, 1) if relevant(hit.chunk, answers)]
        first = ranks[0] if ranks else None
        firsts.append(first)
        if first is None or first > 5:
            misses.append(f"[{need}{'' if need in answerable else ', unanswerable'}] {query}")

    def scores(keep: list[bool]) -> tuple[float, float]:
        kept = [f for f, k in zip(firsts, keep, strict=True) if k]
        count = len(kept) or 1
        return (
            sum(1 for f in kept if f is not None and f <= 5) / count,
            sum(1.0 / f for f in kept if f) / count,
        )

    recall, mrr = scores([True] * len(queries))
    recall_a, mrr_a = scores([q[0] in answerable for q in queries])
    return {
        "recall@5": recall,
        "mrr": mrr,
        "answerable recall@5": recall_a,
        "answerable mrr": mrr_a,
        "misses": misses,
        "mode": used,
    }


def backend_embedder(args: argparse.Namespace) -> Embedder:
    """An OpenAI-compatible or Ollama embedding model, through the AI layer's backend."""
    from csound_lsp.ai.service import create_backend
    from csound_lsp.retrieval import BackendEmbedder
    from csound_lsp.settings import parse_ai_settings

    env = {"CSOUND_LSP_AI_BACKEND": args.backend, "CSOUND_LSP_AI_HOST": args.url}
    # A loaded 2-core machine can take minutes for a batch of chunks: patience rather than a timeout.
    raw = {"models": {"embedding": args.model}, "timeouts": {"first_token_s": 900, "total_s": 1800}}
    settings, problems = parse_ai_settings(raw, env)
    if problems:
        raise SystemExit("; ".join(problems))
    return BackendEmbedder.for_backend(create_backend(settings), args.model)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=QUERIES, help="the query set (a JSON of needs)")
    parser.add_argument("--half", choices=["dev", "test", "all"], default="test")
    parser.add_argument("--backend", choices=["openai", "ollama"], help="embed with this backend's model")
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="the backend's address")
    parser.add_argument("--model", default="gemma3-270m", help="the backend's embedding model")
    parser.add_argument("--no-manual", action="store_true", help="leave out the Csound manual's examples")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", action="store_true", help="list the queries without a top-5 hit (dev)")
    args = parser.parse_args()
    if args.misses and args.half != "dev":
        raise SystemExit("per-query misses are for the dev half only: the test half is scored as totals")

    embedder = backend_embedder(args) if args.backend else default_embedder()
    if embedder is None:
        raise SystemExit("the built-in static model is missing (csound_lsp/data/static_model)")
    manual = "corpus" if args.no_manual else "corpus-manual"
    model_key = re.sub(r"[^\w.-]", "_", embedder.model_name)
    cache = ROOT / "bench" / ".cache" / f"musicians-{manual}-{model_key}"
    sources = Sources(include_manual=not args.no_manual)
    engine = RetrievalEngine(sources, embedder=embedder, cache_dir=cache)
    started = time.perf_counter()
    report = engine.build()
    print(
        f"index: {report.files} files, {report.chunks} chunks, {report.embedded} embedded, "
        f"{time.perf_counter() - started:.1f} s, mode {report.mode}",
        file=sys.stderr,
    )
    for notice in report.notices:
        print(f"notice: {notice}", file=sys.stderr)
    if engine.index_model != embedder.model_name:
        # A backend that failed leaves the built-in model's vectors: never score them under its name.
        raise SystemExit(f"the index was built with {engine.index_model}, not {embedder.model_name}")
    queries = load_queries(args.half, args.queries)
    stored = load_index(cache)
    answerable = answerable_needs(stored.chunks if stored is not None else [], queries)
    results: dict[str, Any] = {
        "queries_file": args.queries.name,
        "half": args.half,
        "queries": len(queries),
        "needs": len({q[0] for q in queries}),
        "answerable needs": len(answerable),
        "answerable queries": sum(q[0] in answerable for q in queries),
        "chunks": report.chunks,
        "model": embedder.model_name,
    }
    variants: tuple[tuple[str, str, bool, bool], ...] = VARIANTS
    if args.backend:
        variants = (("dense", "dense", True, True), ("hybrid", "auto", True, True))
    for label, mode, describe, expand in variants:
        engine.describe, engine.expand, engine.expand_dense = describe, expand, expand
        results[label] = evaluate(engine, queries, mode, answerable)
    engine.describe = engine.expand = engine.expand_dense = True
    if args.half != "dev":
        TEST_LOG.parent.mkdir(parents=True, exist_ok=True)
        totals = {label: [round(results[label][k], 3) for k in ("recall@5", "mrr")] for label, *_ in variants}
        line = {"when": time.strftime("%Y-%m-%d %H:%M:%S"), "file": results["queries_file"]}
        line |= {
            "half": args.half,
            "manual": not args.no_manual,
            "model": embedder.model_name,
            "scores": totals,
        }
        with TEST_LOG.open("a", encoding="utf-8") as log:
            log.write(json.dumps(line) + "\n")
    if args.json:
        if args.half != "dev":
            for label, *_ in variants:
                del results[label]["misses"]
        print(json.dumps(results, indent=2))
        return 0
    print(
        f"{results['queries_file']}, {args.half} half: {results['queries']} queries "
        f"({results['needs']} needs, "
        f"{results['answerable needs']} answerable: {results['answerable queries']} queries), "
        f"{report.chunks} chunks, model {embedder.model_name}"
    )
    print("| mode | recall@5 | MRR | answerable recall@5 | answerable MRR |\n| --- | --- | --- | --- | --- |")
    for label, *_ in variants:
        r = results[label]
        print(
            f"| {label} | {r['recall@5']:.3f} | {r['mrr']:.3f} "
            f"| {r['answerable recall@5']:.3f} | {r['answerable mrr']:.3f} |"
        )
    if args.misses:
        for label in ("bm25", "dense-static", "hybrid"):
            if label in results:
                print(f"{label} misses:\n  " + "\n  ".join(results[label]["misses"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
