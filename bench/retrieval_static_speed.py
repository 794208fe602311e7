"""Speed and memory of the default install's search (built-in static model, no AI backend).

    python bench/retrieval_static_speed.py [--chunks 100000] [--queries 120]

1. Full index of the corpus plus the Csound manual's examples (when csound-doc is installed) with
   the static model: wall seconds and CPU seconds (the machine is shared, so both are shown).
2. Query latency at --chunks chunks, grown from the real ones (each copy gets a few made-up words;
   its vector is the real chunk's with a little noise, so FAISS sees a realistic spread), through
   `RetrievalEngine.search` with no vector given: the query is embedded by the static model inside
   the timing, then BM25, FAISS HNSW (one thread), the description boost and fusion.
3. Resident memory of a fresh process that loads the real index and has answered one query.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import faiss  # noqa: E402
import numpy as np  # noqa: E402

from csound_lsp.retrieval import RetrievalEngine, Sources  # noqa: E402
from csound_lsp.retrieval.dense import normalise  # noqa: E402

faiss.omp_set_num_threads(1)

RSS_PROBE = """
import gc, sys, time
sys.path.insert(0, {root!r})
import faiss; faiss.omp_set_num_threads(1)
from csound_lsp.retrieval import RetrievalEngine, Sources
engine = RetrievalEngine(Sources(), cache_dir={cache!r})
engine.load()
engine.search("warm analog ladder sweep with lots of resonance")
gc.collect()
time.sleep(0.5)
rss = [l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]
print(engine.chunk_count, int(rss) // 1024)
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=120)
    args = parser.parse_args()
    needs = json.loads((ROOT / "bench" / "retrieval_musicians.json").read_text())["needs"]
    queries = [q for need in needs for q in need["queries"]][: args.queries]
    results: dict[str, object] = {"load_average": [round(x, 1) for x in os.getloadavg()]}

    with tempfile.TemporaryDirectory() as folder:
        engine = RetrievalEngine(Sources(), cache_dir=folder)
        wall, cpu = time.perf_counter(), time.process_time()
        report = engine.build(full=True)
        results["index"] = {
            "files": report.files,
            "chunks": report.chunks,
            "mode": report.mode,
            "wall_s": round(time.perf_counter() - wall, 2),
            "cpu_s": round(time.process_time() - cpu, 2),
            "size_mb": round(report.size_bytes / 1e6, 1),
        }
        print(json.dumps(results["index"]), flush=True)
        rss = subprocess.run(
            [sys.executable, "-c", RSS_PROBE.format(root=str(ROOT), cache=folder)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        results["idle_rss_mb"] = {"chunks": int(rss[0]), "rss_mb": int(rss[1])}
        print(json.dumps(results["idle_rss_mb"]), flush=True)

        snapshot = engine._snapshot
        assert snapshot is not None and snapshot.dense is not None
        base, base_vectors = snapshot.chunks, snapshot.dense.vectors
        rng = random.Random(1)
        noise = np.random.default_rng(1)
        vocabulary = [f"w{i:05d}" for i in range(20000)]
        chunks = [
            base[i % len(base)]
            if i < len(base)
            else replace(
                base[i % len(base)],
                path=f"/synthetic/{i}.csd",
                text=base[i % len(base)].text + "\n; " + " ".join(rng.sample(vocabulary, 8)),
            )
            for i in range(args.chunks)
        ]
        tiled = base_vectors[np.arange(args.chunks) % len(base)]
        vectors = normalise(tiled + 0.05 * noise.standard_normal(tiled.shape).astype(np.float32))
        started = time.perf_counter()
        engine._snapshot = engine._make_snapshot(chunks, vectors, None, snapshot.model)
        build_s = time.perf_counter() - started
        for query in queries[:5]:  # warm up (the description index is built on first use)
            engine.search(query)
        latencies = []
        embed_ms = []
        assert engine.embedder is not None
        for query in queries:
            t0 = time.perf_counter()
            result = engine.search(query)
            latencies.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            engine.embedder.embed([query], "query")
            embed_ms.append((time.perf_counter() - t0) * 1000)
        results["search"] = {
            "chunks": args.chunks,
            "faiss": engine._snapshot.dense.kind if engine._snapshot.dense else "none",
            "mode": result.mode,
            "snapshot_build_s": round(build_s, 1),
            "search_p50_ms": round(statistics.median(latencies), 2),
            "search_p95_ms": round(percentile(latencies, 95), 2),
            "embed_p50_ms": round(statistics.median(embed_ms), 3),
            "embed_p95_ms": round(percentile(embed_ms, 95), 3),
        }
        print(json.dumps(results["search"]), flush=True)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
