"""Scale-out benchmark: re-index a generated library with 1 and with 2 `montage worker` processes over the
queue (Redis + PostgreSQL, each worker with its own data dir), compare with a single-process run; prints
one JSON object.

The library is ``--clips`` tiny clips (160×90, 25 fps, two 1 s shots of lavfi sources with a random colour,
a JSON sidecar each), generated with ffmpeg once and kept in ``--cache`` between runs. Three runs:

* ``reference``: `montage index` (the single-machine path) on SQLite with one analysis process;
* ``queue_N``: a fresh PostgreSQL database, N `montage worker` processes started and ready, then
  `montage index --queue --wait`. ``job_s`` is the job's own time (claimed → finished: model loading,
  planning, every file, the FAISS build), which ``files_per_s`` uses; ``wall_s`` adds the CLI's start-up
  and its 1 s polling. Workers' start-up is excluded: they are long-running in a deployment. Each
  worker's data dir is private; its ``indexes`` and ``keyframes`` are symlinks to one shared folder (the
  shared volumes of docker-compose.yml).

Each queue run is compared with the reference: the same shot ids (file and frame range) and the same
vector bytes in every channel. Storage figures (database, keyframes, FAISS files per shot) feed
docs/capacity-plan.md.

    nice .venv/bin/python bench/bench_scale_out.py --clips 100      # quick (~2 min)
    nice .venv/bin/python bench/bench_scale_out.py                  # 2,000 clips
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text

REPO = Path(__file__).resolve().parents[1]
MONTAGE = [sys.executable, "-m", "api.cli"]
LIBRARY_VERSION = "v1"
SOURCES = ["testsrc", "smptebars", "mandelbrot", "rgbtestsrc", "cellauto=rule=110", "life"]
WORDS = [
    "city",
    "harbour",
    "forest",
    "market",
    "stadium",
    "kitchen",
    "river",
    "bridge",
    "train",
    "airport",
    "school",
    "hospital",
    "farm",
    "beach",
    "mountain",
    "protest",
    "election",
    "storm",
    "flood",
    "fire",
    "parliament",
    "court",
    "factory",
    "office",
    "street",
    "night",
    "morning",
    "crowd",
]


def _clip(path: Path, index: int) -> None:
    rng = random.Random(index)
    source = SOURCES[index % len(SOURCES)]
    colour = f"0x{rng.randrange(1 << 24):06x}"
    size = "160x90"
    first = f"{source}{':' if '=' in source else '='}size={size}:rate=25"
    args = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-t", "1", "-i", first]
    args += ["-f", "lavfi", "-t", "1", "-i", f"color=c={colour}:size={size}:rate=25"]
    chain = "[0:v]format=yuv420p[a];[1:v]format=yuv420p[b];[a][b]concat=n=2:v=1:a=0[out]"
    args += ["-filter_complex", chain, "-map", "[out]", "-c:v", "libx264", "-preset", "ultrafast", str(path)]
    subprocess.run(args, check=True, capture_output=True)
    words = rng.sample(WORDS, 4)
    path.with_suffix(".json").write_text(
        json.dumps({"title": f"{words[0]} {index}", "description": " ".join(words), "license": "CC0-1.0"})
    )


def make_library(cache: Path, clips: int) -> tuple[Path, float]:
    """The cached library of ``clips`` clips (made on first use) and the seconds spent making it."""
    library = cache / f"scale-out-{LIBRARY_VERSION}-{clips}"
    if (library / ".complete").exists():
        return library, 0.0
    started = time.perf_counter()
    library.mkdir(parents=True, exist_ok=True)
    todo = [i for i in range(clips) if not (library / f"{i // 500:02d}" / f"clip{i:05d}.json").exists()]
    for folder in {i // 500 for i in todo}:
        (library / f"{folder:02d}").mkdir(exist_ok=True)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(lambda i: _clip(library / f"{i // 500:02d}" / f"clip{i:05d}.mp4", i), todo))
    (library / ".complete").write_text("")
    return library, time.perf_counter() - started


def _env(data_dir: Path, library: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONTAGE_")}
    env.update(
        {
            "MONTAGE_DATA_DIR": str(data_dir),
            "MONTAGE_LIBRARY_ROOTS": json.dumps([str(library)]),
            "MONTAGE_INDEX__WORKERS": "1",
            "MONTAGE_SERVICE_LOG_JSON": "true",
            "HF_HUB_OFFLINE": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def snapshot(url: str) -> tuple[dict[int, tuple[str, int, int]], dict[tuple[int, str], bytes]]:
    """Shot ids with file and frame range, and every vector's bytes, read from a database."""
    from montage.db.models import Shot, ShotEmbedding, Source
    from montage.db.session import make_engine, make_sessionmaker

    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            rows = session.execute(
                select(Shot.id, Source.path, Shot.start_frame, Shot.end_frame).join(Source)
            ).all()
            vectors = session.execute(
                select(ShotEmbedding.shot_id, ShotEmbedding.channel, ShotEmbedding.vector)
            ).all()
    finally:
        engine.dispose()
    shots = {int(r[0]): (str(r[1]), int(r[2]), int(r[3])) for r in rows}
    return shots, {(int(v[0]), str(v[1])): bytes(v[2]) for v in vectors}


def folder_bytes(folder: Path) -> tuple[int, int]:
    """(files, bytes) under a folder, symlinks followed at the top."""
    files = size = 0
    for path in Path(os.path.realpath(folder)).rglob("*"):
        if path.is_file():
            files += 1
            size += path.stat().st_size
    return files, size


def reference_run(work: Path, library: Path) -> dict[str, Any]:
    """`montage index` on SQLite with one analysis process."""
    data = work / "reference"
    started = time.perf_counter()
    done = subprocess.run(
        [*MONTAGE, "index", "--json", str(library)],
        env=_env(data, library),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    report = json.loads(done.stdout)
    return {
        "wall_s": round(wall, 1),
        "index_run_s": round(report["seconds"], 1),
        "note": "wall_s includes the CLI's imports and model loading; index_run_s is the run itself",
        "files_per_s": round(report["indexed"] / report["seconds"], 2),
        "indexed": report["indexed"],
        "shots": report["shots_written"],
        "url": f"sqlite:///{data / 'montage.db'}",
    }


def _wait_started(log: Path, proc: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if '"message": "worker started"' in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            raise RuntimeError(f"worker exited: {log.read_text()[-2000:]}")
        time.sleep(0.3)
    raise RuntimeError(f"worker did not start: {log.read_text()[-2000:]}")


def storage(url: str, shared: Path, shots: int) -> dict[str, Any]:
    """Database, keyframe and index bytes, in total and per shot."""
    engine = create_engine(url)
    with engine.connect() as connection:
        database = int(connection.execute(text("select pg_database_size(current_database())")).scalar_one())
        tables = {
            name: int(connection.execute(text(f"select pg_total_relation_size('{name}')")).scalar_one())
            for name in ("sources", "shots", "shot_embeddings", "index_tasks")
        }
    engine.dispose()
    keyframe_files, keyframe_bytes = folder_bytes(shared / "keyframes")
    index_bytes = sum(p.stat().st_size for p in (shared / "indexes").rglob("index.faiss"))
    per = max(shots, 1)
    return {
        "database_bytes": database,
        "table_bytes": tables,
        "keyframes": keyframe_files,
        "keyframe_bytes": keyframe_bytes,
        "faiss_bytes_all_kept_versions": index_bytes,
        "per_shot_bytes": {
            "shots_row": round(tables["shots"] / per),
            "embeddings_rows": round(tables["shot_embeddings"] / per),
            "keyframe": round(keyframe_bytes / max(keyframe_files, 1)),
        },
    }


def queue_run(
    work: Path, library: Path, workers: int, admin_url: str, redis_url: str, reference: dict[str, Any]
) -> dict[str, Any]:
    """A fresh database, ``workers`` `montage worker` processes, `montage index --queue --wait`."""
    name = f"montage_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'create database "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    run = work / f"queue-{workers}"
    shared = run / "shared"
    queue_name = f"montage-bench-{uuid.uuid4().hex[:8]}"
    procs: list[subprocess.Popen[bytes]] = []
    try:
        extra = {
            "MONTAGE_DATABASE_URL": url,
            "MONTAGE_SERVICE_QUEUE": "dramatiq",
            "MONTAGE_SERVICE_REDIS_URL": redis_url,
            "MONTAGE_SERVICE_QUEUE_NAME": queue_name,
        }
        subprocess.run(
            [*MONTAGE, "db", "upgrade"], env=_env(run / "cli", library, **extra), cwd=REPO, check=True
        )
        extra["MONTAGE_SERVICE_MIGRATE_ON_START"] = "false"
        dirs = []
        for label in ["cli", *(f"worker{i}" for i in range(workers))]:
            data = run / label
            data.mkdir(parents=True, exist_ok=True)
            for folder in ("indexes", "keyframes"):
                (shared / folder).mkdir(parents=True, exist_ok=True)
                if not (data / folder).exists():
                    os.symlink(shared / folder, data / folder)
            dirs.append(data)
        for i, data in enumerate(dirs[1:]):
            log = run / f"worker{i}.log"
            with log.open("ab") as handle:
                procs.append(
                    subprocess.Popen(
                        [*MONTAGE, "worker"],
                        env=_env(data, library, **extra),
                        cwd=REPO,
                        stdout=handle,
                        stderr=subprocess.STDOUT,
                    )
                )
            _wait_started(log, procs[-1])
        started = time.perf_counter()
        done = subprocess.run(
            [*MONTAGE, "index", "--queue", "--wait", "--json", str(library)],
            env=_env(dirs[0], library, **extra),
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"queue run failed: {done.stdout[-2000:]} {done.stderr[-2000:]}")
        job = json.loads(done.stdout)
        result = job["result"]
        shots, vectors = snapshot(url)
        ref_shots, ref_vectors = snapshot(reference["url"])
        split = {
            worker.split(":")[2] if worker.count(":") >= 3 else worker: {
                "files": int(part["files"]),
                "shots": int(part["shots"]),
                "analysis_s": round(float(part["seconds"]), 1),
                "share": round(int(part["files"]) / max(result["indexed"], 1), 3),
            }
            for worker, part in result["workers"].items()
        }
        job_s = float(job["job_seconds"])
        return {
            "workers": workers,
            "wall_s": round(wall, 1),
            "job_s": round(job_s, 1),
            "files_per_s": round(result["indexed"] / job_s, 2),
            "media_s_per_s": round(result["media_seconds"] / job_s, 2),
            "indexed": result["indexed"],
            "shots": result["shots_written"],
            "failed": len(result["failed"]),
            "retried_tasks": result["fanned_out"]["retried"],
            "split_by_worker_pid": split,
            "identical_to_reference": {
                "shot_ids_and_ranges": shots == ref_shots,
                "vector_bytes": vectors == ref_vectors,
                "shots": len(shots),
                "vectors": len(vectors),
            },
            "storage": storage(url, shared, len(shots)),
        }
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        with admin.connect() as connection:
            connection.execute(text(f'drop database if exists "{name}" with (force)'))
        admin.dispose()


def main() -> None:
    """Parse arguments, run the benchmark, print JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clips", type=int, default=2000, help="clips in the generated library")
    parser.add_argument(
        "--cache", type=Path, default=Path.home() / ".cache" / "montage-bench", help="library cache"
    )
    parser.add_argument("--workers", default="1,2", help="worker counts to run, comma-separated")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    load_start = os.getloadavg()
    library, generated_s = make_library(args.cache, args.clips)
    work = Path(tempfile.mkdtemp(prefix="montage-scale-out-"))
    try:
        reference = reference_run(work, library)
        runs = [
            queue_run(work, library, int(n), args.postgres, args.redis, reference)
            for n in args.workers.split(",")
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    reference.pop("url")
    by_workers = {run["workers"]: run for run in runs}
    out: dict[str, Any] = {
        "clips": args.clips,
        "library": {
            "clip": "160x90 H.264, 25 fps, 2 s (two 1 s shots), JSON sidecar",
            "generated_s": round(generated_s, 1),
        },
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_start": load_start,
            "load_average_end": os.getloadavg(),
        },
        "reference_single_process": reference,
        "queue_runs": runs,
    }
    if 1 in by_workers and 2 in by_workers:
        out["speedup_2_vs_1"] = round(by_workers[1]["job_s"] / by_workers[2]["job_s"], 2)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
