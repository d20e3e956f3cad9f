"""Shared set-up of the queue re-index tests: a generated library, a single-process reference run, workers
with separate data dirs (their index and keyframe folders on shared storage), and snapshots to compare."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from indexer.runner import IndexRequest, run_index
from montage.config import Settings
from montage.db.database import Database, open_database
from montage.db.models import Shot, ShotEmbedding, Source
from montage.search.channels import open_channels
from tests.service.conftest import REDIS_URL
from tests.service.footage import make_library
from tests.service.processes import Proc, service_env, start


@dataclass(frozen=True)
class Snapshot:
    """What a re-index stored: shot ids with their file and frame range, and every vector's bytes."""

    shots: dict[int, tuple[str, int, int]]
    vectors: dict[tuple[int, str], bytes]
    sources: int


def snapshot(db: Database) -> Snapshot:
    """Read the library from the database."""
    with db.sessions() as session:
        rows = session.execute(
            select(Shot.id, Source.path, Shot.start_frame, Shot.end_frame).join(
                Source, Shot.source_id == Source.id
            )
        ).all()
        vectors = session.execute(
            select(ShotEmbedding.shot_id, ShotEmbedding.channel, ShotEmbedding.vector)
        ).all()
        sources = len(session.scalars(select(Source.id)).all())
    return Snapshot(
        shots={int(r[0]): (str(r[1]), int(r[2]), int(r[3])) for r in rows},
        vectors={(int(v[0]), str(v[1])): bytes(v[2]) for v in vectors},
        sources=sources,
    )


def make_test_library(root: Path, clips: int) -> None:
    """``clips`` described two-shot clips of 1 s shots."""
    make_library(root, clips=clips, shot_s=1.0)


def reference_run(tmp_path: Path, library: Path) -> Snapshot:
    """Index ``library`` in this process (the single-machine path, SQLite) and snapshot it."""
    settings = Settings(data_dir=tmp_path / "reference", library_roots=[library])
    db = open_database(settings)
    try:
        run_index(settings, db, open_channels(settings.embedding), IndexRequest([library]))
        return snapshot(db)
    finally:
        db.engine.dispose()


def worker_data_dir(tmp_path: Path, name: str) -> Path:
    """A worker's own data dir whose ``indexes`` and ``keyframes`` are the shared folders (as volumes
    mounted there would be)."""
    shared = tmp_path / "shared"
    data = tmp_path / name
    data.mkdir(parents=True, exist_ok=True)
    for folder in ("indexes", "keyframes"):
        (shared / folder).mkdir(parents=True, exist_ok=True)
        if not (data / folder).exists():
            os.symlink(shared / folder, data / folder)
    return data


def queue_env(data_dir: Path, library: Path, postgres_url: str, queue_name: str) -> dict[str, str]:
    """The environment of a scale-out process on the test database and a private queue."""
    return service_env(
        data_dir,
        library,
        MONTAGE_DATABASE_URL=postgres_url,
        MONTAGE_SERVICE_QUEUE="dramatiq",
        MONTAGE_SERVICE_REDIS_URL=REDIS_URL,
        MONTAGE_SERVICE_QUEUE_NAME=queue_name,
        MONTAGE_SERVICE_MIGRATE_ON_START="false",
    )


def start_workers(
    tmp_path: Path, library: Path, postgres_url: str, queue_name: str, count: int
) -> list[Proc]:
    """``count`` `montage worker` processes, each with its own data dir."""
    procs = []
    for i in range(count):
        env = queue_env(worker_data_dir(tmp_path, f"worker{i}"), library, postgres_url, queue_name)
        procs.append(start(["worker"], env, tmp_path / f"worker{i}.log"))
    return procs


def worker_of(procs: list[Proc], worker_id: str) -> Proc:
    """The process whose worker id (``worker:<host>:<pid>:<suffix>``) is ``worker_id``."""
    return next(p for p in procs if f":{p.popen.pid}:" in worker_id)
