"""Benchmark bringing a vector index up to date after a night's changes; prints one JSON object.

A real montage SQLite database holds ``--n`` shots with 512-dimensional vectors (a mixture of clusters on
the unit sphere, like many shots of few scenes). Measured, each in its own process (wall seconds and peak
RSS), in one run:

* ``baseline``: the way the finish step worked before updates in place, measured in the same run: every
  vector read into one array, then an index built from it (``build_vector_index``);
* ``full``: the streaming full build (``refresh_vector_index(retrain=True)``: ids first, IVF trained on a
  sample, vectors added batch by batch);
* ``update``: after ``--change`` of the shots were deleted, the same share rewritten and the same share
  added, the in-place update of the ``full`` index;
* ``rebuilt``: a full build of the changed library, to check that the updated index answers as well
  (recall@10 of 200 queries against exact search, for both).

    nice .venv/bin/python bench/bench_vector_refresh.py                  # 300,000 vectors (~5 min)
    .venv/bin/python bench/bench_vector_refresh.py --n 30000 --exact-max-vectors 10000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray
from sqlalchemy import delete, insert

from indexer.vector_sync import DatabaseVectors
from montage.config import Settings
from montage.db.database import open_database
from montage.db.models import Shot, ShotEmbedding, Source
from montage.db.repositories.library_state import bump_revision, current_revision
from montage.db.repositories.shots import iter_embeddings, put_embeddings
from montage.db.session import transaction
from montage.search.vector_index import build_vector_index, load_vector_index
from montage.search.vector_refresh import refresh_vector_index

MODEL_ID = "bench/synthetic-512"
CHANNEL = "visual"
DIM = 512
SHOTS_PER_SOURCE = 1000


def _vectors(count: int, seed: int, clusters: int = 300) -> NDArray[np.float32]:
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((clusters, DIM), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    draw = np.random.default_rng(seed)
    out = centres[draw.integers(0, clusters, count)]
    out += draw.standard_normal((count, DIM), dtype=np.float32) * np.float32(0.5 / np.sqrt(DIM))
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def _add_shots(settings: Settings, first_id: int, count: int, seed: int) -> None:
    """Sources, shots and their vectors, written with bulk inserts at one new library revision."""
    db = open_database(settings)
    vectors = _vectors(count, seed)
    now = datetime.now(UTC)
    with transaction(db.sessions) as session:
        revision = bump_revision(session)
        for start in range(0, count, SHOTS_PER_SOURCE):
            stop = min(start + SHOTS_PER_SOURCE, count)
            source_id = session.execute(
                insert(Source).returning(Source.id),
                [
                    {
                        "path": f"/bench/{first_id + start}.mp4",
                        "library_root": "/bench",
                        "rel_path": f"{first_id + start}.mp4",
                        "status": "indexed",
                        "content_hash": "0" * 64,
                        "size_bytes": 0,
                        "mtime_ns": 0,
                        "analyzer_version": "bench",
                        "updated_at": now,
                    }
                ],
            ).scalar_one()
            ids = range(first_id + start, first_id + stop)
            session.execute(
                insert(Shot),
                [
                    {"id": i, "source_id": source_id, "ordinal": n, "start_frame": 0, "end_frame": 1}
                    | {"start_s": 0.0, "end_s": 1.0, "text": ""}
                    for n, i in enumerate(ids)
                ],
            )
            session.execute(
                insert(ShotEmbedding),
                [
                    {
                        "shot_id": i,
                        "channel": CHANNEL,
                        "model_id": MODEL_ID,
                        "dim": DIM,
                        "vector": vectors[i - first_id].astype("<f4").tobytes(),
                        "revision": revision,
                    }
                    for i in ids
                ],
            )
    db.engine.dispose()


def _change(settings: Settings, count: int, share: float) -> dict[str, int]:
    """Delete, rewrite and add ``share`` of the shots each (the rewrite through the product's writer)."""
    db = open_database(settings)
    each = int(count * share)
    rng = np.random.default_rng(7)
    picked = rng.choice(count, size=2 * each, replace=False)
    with transaction(db.sessions) as session:
        session.execute(delete(Shot).where(Shot.id.in_([int(i) for i in picked[:each]])))
        bump_revision(session)
    rewritten = _vectors(each, seed=8)
    with transaction(db.sessions) as session:
        put_embeddings(
            session,
            channel=CHANNEL,
            model_id=MODEL_ID,
            vectors={int(i): rewritten[n] for n, i in enumerate(picked[each:])},
        )
    db.engine.dispose()
    _add_shots(settings, count, each, seed=9)
    return {"deleted": each, "rewritten": each, "added": each}


def _measure(settings: Settings, step: str, exact_max_vectors: int) -> dict[str, Any]:
    """Run one step in this process; returns its seconds and what it built."""
    db = open_database(settings, migrate=False)
    with db.sessions() as session:
        revision = current_revision(session)
    started = time.perf_counter()
    if step == "baseline":
        with db.sessions() as session:
            parts = list(iter_embeddings(session, channel=CHANNEL, model_id=MODEL_ID))
        ids = np.concatenate([p[0] for p in parts])
        vectors = np.concatenate([p[1] for p in parts])
        del parts
        manifest = build_vector_index(
            settings.data_dir / "baseline",
            channel=CHANNEL,
            ids=ids,
            vectors=vectors,
            model_id=MODEL_ID,
            revision=revision,
            exact_max_vectors=exact_max_vectors,
        )
        update, added = "full", manifest.count
    else:
        refresh = refresh_vector_index(
            settings.data_dir / ("rebuilt" if step == "rebuilt" else "live"),
            channel=CHANNEL,
            source=DatabaseVectors(db.sessions, channel=CHANNEL, model_id=MODEL_ID),
            model_id=MODEL_ID,
            dim=DIM,
            revision=revision,
            exact_max_vectors=exact_max_vectors,
            retrain=step != "update",
        )
        manifest, update, added = refresh.manifest, refresh.update, refresh.added
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": _peak_rss_mb(),
        "update": update,
        "vectors": manifest.count,
        "vectors_added": added,
        "index_type": manifest.index_type,
        "nprobe": manifest.nprobe,
    }


def _peak_rss_mb() -> int:
    """This process's peak resident memory since its exec (VmHWM; ``ru_maxrss`` would include the
    parent's memory at fork time)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _in_subprocess(settings: Settings, step: str, exact_max_vectors: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--step", step, "--workdir", str(settings.data_dir)]
    command += ["--exact-max-vectors", str(exact_max_vectors)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _recall_at_10(settings: Settings) -> dict[str, float]:
    """Recall@10 of the updated and the rebuilt index against exact search over the stored vectors."""
    queries = _vectors(200, seed=11)
    db = open_database(settings, migrate=False)
    with db.sessions() as session:
        parts = list(iter_embeddings(session, channel=CHANNEL, model_id=MODEL_ID))
    db.engine.dispose()
    ids = np.concatenate([p[0] for p in parts])
    _scores, rows = faiss.knn(
        queries, np.concatenate([p[1] for p in parts]), 10, metric=faiss.METRIC_INNER_PRODUCT
    )
    truth = ids[rows]
    recall = {}
    for name in ("live", "rebuilt"):
        index = load_vector_index(
            settings.data_dir / name, channel=CHANNEL, expected_model_id=MODEL_ID, expected_dim=DIM
        )
        found = index.search(queries, 10)[1]
        hits = sum(len(set(a) & set(b)) for a, b in zip(found.tolist(), truth.tolist(), strict=True))
        recall["update" if name == "live" else "rebuilt"] = round(hits / truth.size, 4)
    return recall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300_000, help="shots (vectors) in the library")
    parser.add_argument("--change", type=float, default=0.01, help="share deleted, rewritten and added each")
    parser.add_argument("--exact-max-vectors", type=int, default=250_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench-vector-refresh"))
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    settings = Settings(data_dir=args.workdir)
    if args.step:
        print(json.dumps(_measure(settings, args.step, args.exact_max_vectors)))
        return
    if args.workdir.exists():
        raise SystemExit(f"{args.workdir} exists; remove it or choose another --workdir")
    started = time.perf_counter()
    _add_shots(settings, 0, args.n, seed=1)
    filled = time.perf_counter() - started
    results: dict[str, Any] = {"n": args.n, "dim": DIM, "fill_seconds": round(filled, 1)}
    results["baseline"] = _in_subprocess(settings, "baseline", args.exact_max_vectors)
    results["full"] = _in_subprocess(settings, "full", args.exact_max_vectors)
    results["changes"] = _change(settings, args.n, args.change)
    results["update"] = _in_subprocess(settings, "update", args.exact_max_vectors)
    results["rebuilt"] = _in_subprocess(settings, "rebuilt", args.exact_max_vectors)
    results["recall_at_10"] = _recall_at_10(settings)
    base = results["baseline"]
    results["full_vs_baseline"] = {
        "seconds": round(results["full"]["seconds"] / base["seconds"], 3),
        "peak_rss": round(results["full"]["peak_rss_mb"] / base["peak_rss_mb"], 3),
    }
    results["update_vs_rebuilt_seconds"] = round(
        results["update"]["seconds"] / results["rebuilt"]["seconds"], 3
    )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
