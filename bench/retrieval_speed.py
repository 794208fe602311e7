"""Retrieval speed: corpus index build time, query latency at 1k/10k/100k chunks, index size on disk.

    python bench/retrieval_speed.py [--sizes 1000 10000 100000] [--dimension 384]

Larger indexes are grown synthetically from the corpus's own chunks (each copy gets a few words from a
made-up vocabulary, so the vocabulary grows as a real collection's would) with random unit vectors.
Latency is `RetrievalEngine.search` with the query vector given, i.e. everything but the embedding
call: tokenizing, BM25, FAISS (one thread), fusion. rank-bm25 is timed on the same token lists for
comparison (fewer queries at 100k: it is slow).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import faiss  # noqa: E402
import numpy as np  # noqa: E402

from csound_lsp.retrieval import RetrievalEngine, Sources  # noqa: E402
from csound_lsp.retrieval.store import StoredIndex, save_index  # noqa: E402

faiss.omp_set_num_threads(1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--dimension", type=int, default=384)
    parser.add_argument("--queries", type=int, default=73)
    args = parser.parse_args()
    cache = ROOT / "bench" / ".cache" / "retrieval-speed"
    shutil.rmtree(cache, ignore_errors=True)
    queries = [
        q["query"] for q in json.loads((ROOT / "bench" / "retrieval_eval.json").read_text())["queries"]
    ]
    queries = queries[: args.queries]

    engine = RetrievalEngine(Sources(include_manual=False), embedder=None, cache_dir=cache / "corpus")
    started = time.perf_counter()
    report = engine.build(full=True)
    print(
        f"corpus build (no embeddings): {report.files} files, {report.chunks} chunks, "
        f"{time.perf_counter() - started:.2f} s, {report.size_bytes / 1e6:.2f} MB"
    )
    started = time.perf_counter()
    report = engine.build()
    print(f"corpus update, nothing changed: {time.perf_counter() - started:.2f} s")
    base = engine._snapshot.chunks if engine._snapshot else []

    rng = random.Random(1)
    vocabulary = [f"w{i:05d}" for i in range(20000)]
    rows = []
    for size in args.sizes:
        chunks = [
            base[i % len(base)]
            if i < len(base)
            else replace(
                base[i % len(base)],
                path=f"/synthetic/{i}.csd",
                text=base[i % len(base)].text + "\n; " + " ".join(rng.sample(vocabulary, 8)),
            )
            for i in range(size)
        ]
        vectors = np.random.default_rng(size).standard_normal((size, args.dimension)).astype(np.float32)
        started = time.perf_counter()
        snapshot = engine._make_snapshot(chunks, vectors, None, "synthetic")
        build_s = time.perf_counter() - started
        engine._snapshot = snapshot
        query_vectors = (
            np.random.default_rng(0).standard_normal((len(queries), args.dimension)).astype(np.float32)
        )
        for q, v in zip(queries[:5], query_vectors[:5], strict=True):  # warm up
            engine.search(q, query_vector=v)
        latencies = []
        for q, v in zip(queries, query_vectors, strict=True):
            t0 = time.perf_counter()
            engine.search(q, query_vector=v)
            latencies.append((time.perf_counter() - t0) * 1000)
        bm25s_ms = []
        tokens = [engine.tokenizer.tokenize(q) for q in queries]
        for t in tokens:
            t0 = time.perf_counter()
            snapshot.bm25.top(t, 50)
            bm25s_ms.append((time.perf_counter() - t0) * 1000)
        from rank_bm25 import BM25Okapi

        corpus_tokens = [engine.tokenizer.tokenize(c.indexed_text()) or ["\x00"] for c in chunks]
        okapi = BM25Okapi(corpus_tokens)
        rank_ms = []
        for t in tokens[: 73 if size <= 10000 else 10]:
            t0 = time.perf_counter()
            scores = okapi.get_scores(t)
            np.argpartition(-scores, 50)[:50]
            rank_ms.append((time.perf_counter() - t0) * 1000)
        stored = StoredIndex(chunks, {}, "bench", "synthetic", args.dimension, vectors)
        if snapshot.dense is not None and snapshot.dense.kind == "hnsw":
            stored.faiss_bytes = faiss.serialize_index(snapshot.dense.index).tobytes()
        size_bytes = save_index(cache / f"size-{size}", stored)
        row = {
            "chunks": size,
            "faiss": snapshot.dense.kind if snapshot.dense else "none",
            "snapshot_build_s": round(build_s, 2),
            "search_p50_ms": round(statistics.median(latencies), 2),
            "search_p95_ms": round(percentile(latencies, 95), 2),
            "bm25s_p50_ms": round(statistics.median(bm25s_ms), 2),
            "bm25s_p95_ms": round(percentile(bm25s_ms, 95), 2),
            "rank_bm25_p50_ms": round(statistics.median(rank_ms), 2),
            "rank_bm25_p95_ms": round(percentile(rank_ms, 95), 2),
            "size_mb": round(size_bytes / 1e6, 1),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
        del okapi, corpus_tokens
    print(
        "| chunks | FAISS | build s | search p50 ms | search p95 ms | bm25s p50/p95 ms | rank-bm25 p50/p95",
        end="",
    )
    print(" ms | size MB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(
            f"| {r['chunks']} | {r['faiss']} | {r['snapshot_build_s']} | {r['search_p50_ms']} | "
            f"{r['search_p95_ms']} | {r['bm25s_p50_ms']} / {r['bm25s_p95_ms']} | "
            f"{r['rank_bm25_p50_ms']} / {r['rank_bm25_p95_ms']} | {r['size_mb']} |"
        )
    shutil.rmtree(cache, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
