"""Benchmark the vector index chooser on clustered synthetic vectors; prints one JSON object.

The data is a mixture of Gaussian clusters on the unit sphere (≈333 vectors per cluster, like many shots of
few scenes); queries are fresh draws from the same mixture. The baseline is exact brute-force search over the
same vectors, measured in the same run: it gives the ground truth for recall@k and its own per-query time.

    nice python bench/bench_search.py                 # 1,000,000 × 512 (a few minutes, ~4 GB RAM)
    python bench/bench_search.py --n 50000 --exact-max-vectors 10000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray

from montage.search.vector_index import INDEX_FILE, build_vector_index, load_vector_index

MODEL_ID = "bench/synthetic"
CHUNK = 100_000


def clustered_mixture(
    count: int, queries: int, dim: int, clusters: int, spread: float, seed: int
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """``count`` data vectors and ``queries`` query vectors drawn from one mixture of unit-sphere clusters."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)

    def draw(rows: int) -> NDArray[np.float32]:
        out = centres[rng.integers(0, clusters, rows)]
        out += rng.standard_normal((rows, dim), dtype=np.float32) * np.float32(spread / np.sqrt(dim))
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out

    data = np.empty((count, dim), dtype=np.float32)
    for start in range(0, count, CHUNK):
        data[start : start + CHUNK] = draw(min(CHUNK, count - start))
    return data, draw(queries)


def single_query_latencies(
    search: Any, queries: NDArray[np.float32], k: int
) -> tuple[NDArray[np.int64], list[float]]:
    """Search the queries one at a time; return the result ids and each query's seconds."""
    found = np.empty((len(queries), k), dtype=np.int64)
    seconds = []
    for row in range(len(queries)):
        started = time.perf_counter()
        found[row] = search(queries[row : row + 1], k)
        seconds.append(time.perf_counter() - started)
    return found, seconds


def recall_at(found: NDArray[np.int64], truth: NDArray[np.int64]) -> float:
    """Mean fraction of each exact top-k that the approximate top-k contains."""
    k = truth.shape[1]
    return float(
        np.mean([len(set(a) & set(b)) / k for a, b in zip(found.tolist(), truth.tolist(), strict=True)])
    )


def ms(values: list[float], percentile: float) -> float:
    return round(float(np.percentile(values, percentile)) * 1000, 3)


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; unlike ru_maxrss it is not inherited over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


_SERVE = """
import json, sys, time
import numpy as np
from pathlib import Path
from montage.search.vector_index import load_vector_index
root, model_id, dim, query_file, k = sys.argv[1:]
started = time.perf_counter()
index = load_vector_index(Path(root), channel="visual", expected_model_id=model_id, expected_dim=int(dim))
loaded = time.perf_counter() - started
queries = np.load(query_file)
for row in range(len(queries)):
    index.search(queries[row : row + 1], int(k))
status = Path("/proc/self/status").read_text().splitlines()
peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"load_s": round(loaded, 3), "peak_rss_mb": round(peak_kb / 1024, 1)}))
"""


def serving_process(root: Path, dim: int, queries: NDArray[np.float32], k: int) -> dict[str, Any]:
    """Load the index (memory-mapped) and answer the queries in a fresh process: load time and peak RSS."""
    query_file = root / "queries.npy"
    np.save(query_file, queries)
    output = subprocess.run(
        [sys.executable, "-c", _SERVE, str(root), MODEL_ID, str(dim), str(query_file), str(k)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(output.stdout)
    return result


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Generate, measure the exact baseline, build with the chooser, measure the built index."""
    clusters = args.clusters or max(2, args.n // 333)
    started = time.perf_counter()
    data, queries = clustered_mixture(args.n, args.queries, args.dim, clusters, args.spread, args.seed)
    generate_s = time.perf_counter() - started
    ids = np.arange(args.n, dtype=np.int64) * 7 + (1 << 40)  # arbitrary large ids

    faiss.omp_set_num_threads(1)
    exact_positions, exact_seconds = single_query_latencies(
        lambda q, k: faiss.knn(q, data, k, metric=faiss.METRIC_INNER_PRODUCT)[1][0], queries, args.k
    )
    truth = ids[exact_positions]
    faiss.omp_set_num_threads(args.threads)

    with tempfile.TemporaryDirectory(prefix="bench-search-", dir=args.tmp_dir) as tmp:
        root = Path(tmp)
        rss_before_build = peak_rss_mb()
        started = time.perf_counter()
        manifest = build_vector_index(
            root,
            channel="visual",
            ids=ids,
            vectors=data,
            model_id=MODEL_ID,
            revision=1,
            exact_max_vectors=args.exact_max_vectors,
        )
        build_s = time.perf_counter() - started
        rss_after_build = peak_rss_mb()
        index_bytes = (root / "visual" / f"v{manifest.version:06d}" / INDEX_FILE).stat().st_size
        index = load_vector_index(root, channel="visual", expected_model_id=MODEL_ID, expected_dim=args.dim)
        latency: dict[str, Any] = {}
        found = None
        for threads in (1, 2):
            faiss.omp_set_num_threads(threads)
            single_query_latencies(lambda q, k: index.search(q, k)[1][0], queries[:20], args.k)  # warm-up
            found, seconds = single_query_latencies(lambda q, k: index.search(q, k)[1][0], queries, args.k)
            started = time.perf_counter()
            index.search(queries, args.k)
            batch_s = time.perf_counter() - started
            latency[f"{threads}_thread"] = {
                "median_ms": ms(seconds, 50),
                "p95_ms": ms(seconds, 95),
                "batch_per_query_ms": round(batch_s / len(queries) * 1000, 3),
            }
        assert found is not None
        serving = serving_process(root, args.dim, queries, args.k)
    return {
        "command": " ".join(["python", *sys.argv]),
        "n": args.n,
        "dim": args.dim,
        "clusters": clusters,
        "spread": args.spread,
        "queries": args.queries,
        "k": args.k,
        "generate_s": round(generate_s, 1),
        "index_type": manifest.index_type,
        "nprobe": manifest.nprobe,
        "calibration_recall_at_k": manifest.calibration_recall,
        "build_s": round(build_s, 1),
        "index_size_mb": round(index_bytes / 2**20, 1),
        "recall_at_k_vs_exact": round(recall_at(found, truth), 4),
        "latency": latency,
        "exact_baseline": {
            "median_ms": ms(exact_seconds, 50),
            "p95_ms": ms(exact_seconds, 95),
            "threads": 1,
        },
        "peak_rss_mb": {
            "bench_process_before_build": rss_before_build,
            "bench_process_after_build": rss_after_build,
            "note": "bench process holds the raw float32 data itself",
            "serving_process": serving["peak_rss_mb"],
        },
        "serving_load_s": serving["load_s"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1_000_000, help="indexed vectors")
    parser.add_argument("--dim", type=int, default=512)
    parser.add_argument("--clusters", type=int, default=0, help="mixture components (default n/333)")
    parser.add_argument("--spread", type=float, default=0.5, help="cluster noise norm relative to the centre")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--exact-max-vectors", type=int, default=250_000, help="the chooser's exact limit")
    parser.add_argument("--threads", type=int, default=2, help="FAISS threads while building")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tmp-dir", default=None, help="where the index is written (then removed)")
    print(json.dumps(run(parser.parse_args()), indent=2))


if __name__ == "__main__":
    main()
