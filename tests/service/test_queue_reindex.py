"""A re-index fanned out over the queue, with real `montage worker` processes (each with its own data dir),
the local Redis and a fresh PostgreSQL database: a worker SIGKILLed in the middle of storing a file, lost
queue messages and duplicated ones — the library ends exactly as a single-process run leaves it."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from api.jobs import states
from api.jobs.dramatiq_queue import DramatiqQueue, PresenceBeacon
from api.jobs.index_tasks import create_run
from api.jobs.payloads import ReindexJobPayload
from api.jobs.repository import create_job
from api.service.settings import ServiceSettings
from indexer.discover import scan_library
from montage.config import Settings
from montage.db.database import Database, open_database
from montage.db.models import IndexTask, Job, Shot
from montage.db.repositories.library_state import current_revision
from montage.db.session import transaction
from montage.search.vector_index import read_manifest
from tests.service.conftest import REDIS_URL
from tests.service.processes import MONTAGE, REPO, Proc, wait_until
from tests.service.queued_reindex_setup import (
    make_test_library,
    queue_env,
    reference_run,
    snapshot,
    start_workers,
    worker_data_dir,
    worker_of,
)

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]


def _submit_queued_index(
    cli_data: Path, library: Path, postgres_url: str, queue_name: str
) -> subprocess.CompletedProcess[str]:
    """Run `montage index --queue --json LIBRARY` as a user would; it must exit 0."""
    return subprocess.run(
        [*MONTAGE, "index", "--queue", "--json", str(library)],
        env=queue_env(cli_data, library, postgres_url, queue_name),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def _log_counts(procs: list[Proc], message: str, field: str) -> Counter[int]:
    counts: Counter[int] = Counter()
    for proc in procs:
        for line in proc.output().splitlines():
            if line.startswith("{") and f'"message": "{message}"' in line:
                value = json.loads(line)[field]
                for item in value if isinstance(value, list) else [value]:
                    counts[int(item)] += 1
    return counts


def _wait_for_workers(procs: list[Proc]) -> None:
    for proc in procs:
        wait_until(
            lambda p=proc: '"message": "worker started"' in p.output(), timeout=120, proc=proc, what="worker"
        )


def _wait_for_job(db: Database, job_id: str, procs: list[Proc], timeout: float = 300) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.sessions() as session:
            job = session.get(Job, job_id)
            assert job is not None
            if job.status in states.TERMINAL:
                return job
        time.sleep(0.3)
    logs = "\n".join(p.output()[-3000:] for p in procs)
    raise AssertionError(f"job {job_id} did not end in {timeout}s\n{logs}")


def _store_waiting_on_lock(db: Database) -> bool:
    """True once a worker's store transaction waits for the task row the test holds."""
    with db.sessions() as session:
        waiting = session.scalar(
            text(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock' "
                "and query ilike 'UPDATE index_tasks SET status=%'"
            )
        )
    return bool(waiting)


def test_two_workers_one_killed_mid_file_equal_a_single_process_run(
    tmp_path: Path, postgres_url: str, redis_available: None
) -> None:
    library = tmp_path / "library"
    make_test_library(library, clips=12)
    expected = reference_run(tmp_path, library)
    queue_name = f"montage-test-{uuid.uuid4().hex[:8]}"
    cli_data = worker_data_dir(tmp_path, "cli")
    db = open_database(Settings(data_dir=cli_data, database_url=postgres_url, library_roots=[library]))
    workers = start_workers(tmp_path, library, postgres_url, queue_name, 2)
    try:
        _wait_for_workers(workers)
        started = _submit_queued_index(cli_data, library, postgres_url, queue_name)
        job_id = json.loads(started.stdout)["id"]

        # hold the row of a task a worker is analysing: its store transaction (keyframes written, shots and
        # vectors about to be committed with the task's completion) waits for the lock, so the SIGKILL
        # lands in the middle of the file however the machine schedules the processes
        held = []

        def lock_a_running_task() -> bool:
            session = db.sessions()
            row = session.execute(
                select(IndexTask.id, IndexTask.worker_id)
                .where(IndexTask.job_id == job_id, IndexTask.status == "running")
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                session.rollback()
                session.close()
                return False
            held.append((session, int(row[0]), str(row[1])))
            return True

        wait_until(lock_a_running_task, timeout=180, proc=workers[0], what="a worker to be mid-file")
        lock, killed_task, worker_id = held[0]
        wait_until(lambda: _store_waiting_on_lock(db), timeout=120, what="the worker to store the file")
        victim = worker_of(workers, worker_id)
        victim.kill()
        lock.rollback()
        lock.close()
        job = _wait_for_job(db, job_id, workers)
        got = snapshot(db)
        with db.sessions() as session:
            tasks = {t.id: t for t in session.scalars(select(IndexTask).where(IndexTask.job_id == job_id))}
            revision = current_revision(session)
            shots = session.scalar(select(func.count()).select_from(Shot))
    finally:
        for proc in workers:
            proc.stop()
        db.engine.dispose()

    assert job.status == states.SUCCEEDED, (
        job.error_code,
        job.error_message,
        [w.output()[-2000:] for w in workers],
    )
    assert got.shots == expected.shots  # same shot ids, files and frame ranges
    assert got.vectors == expected.vectors  # same vectors, byte for byte
    assert got.sources == expected.sources == 12 and shots == len(expected.shots)
    assert len(tasks) == 12 and {t.status for t in tasks.values()} == {"stored"}
    assert tasks[killed_task].attempts == 2  # lost with its worker, re-sent, stored once
    assert sum(t.attempts for t in tasks.values()) == 13
    assert _log_counts(workers, "index task done", "task_id")[killed_task] == 1
    result = job.result or {}
    assert result["indexed"] == 12 and result["shots_written"] == len(expected.shots)
    assert sum(int(split["files"]) for split in result["workers"].values()) == 12  # type: ignore[union-attr]
    manifest = read_manifest(tmp_path / "shared" / "indexes", "text")  # the index every process reads
    assert manifest is not None and manifest.count == len(expected.shots)
    assert manifest.revision == revision
    assert manifest.version == 1  # built once, after every file was stored


def test_lost_and_duplicated_task_messages(tmp_path: Path, postgres_url: str, redis_available: None) -> None:
    library = tmp_path / "library"
    make_test_library(library, clips=8)
    queue_name = f"montage-test-{uuid.uuid4().hex[:8]}"
    settings = Settings(
        data_dir=worker_data_dir(tmp_path, "test"), database_url=postgres_url, library_roots=[library]
    )
    db = open_database(settings)
    workers = start_workers(tmp_path, library, postgres_url, queue_name, 2)
    queue = DramatiqQueue(ServiceSettings(queue="dramatiq", redis_url=REDIS_URL, queue_name=queue_name))
    try:
        _wait_for_workers(workers)
        # a coordinator planned the run, then sent every other task's message three times and lost the rest
        payload = ReindexJobPayload(paths=[str(library.resolve())]).model_dump()
        with transaction(db.sessions) as session:
            job_id = create_job(session, states.REINDEX, payload, max_attempts=3).id
        files = scan_library([library.resolve()]).files
        ids = create_run(db.sessions, job_id, {"discovered": len(files)}, files)
        assert ids is not None and len(ids) == 8
        sent, lost = ids[::2], ids[1::2]
        for task_id in sent * 3:
            queue.enqueue_index_task(task_id)
        queue.enqueue(job_id)  # a worker coordinates: the run exists, so it waits for the tasks
        job = _wait_for_job(db, job_id, workers)
        with db.sessions() as session:
            tasks = {t.id: t for t in session.scalars(select(IndexTask).where(IndexTask.job_id == job_id))}
    finally:
        queue.close()
        for proc in workers:
            proc.stop()
        db.engine.dispose()

    assert job.status == states.SUCCEEDED, (job.error_code, job.error_message)
    assert {t.status for t in tasks.values()} == {"stored"}
    assert {t.attempts for t in tasks.values()} == {1}  # no file analysed twice
    started = _log_counts(workers, "index task started", "task_id")
    assert started == Counter({task_id: 1 for task_id in ids})  # across both workers: once each
    resent = _log_counts(workers, "re-sent index tasks whose message was lost", "task_ids")
    assert set(resent) == set(lost)
    assert job.result is not None
    assert sum(int(split["files"]) for split in job.result["workers"].values()) == 8  # type: ignore[union-attr]


def test_queued_reindex_without_workers_says_it_waits_and_keeps_the_job(
    tmp_path: Path, postgres_url: str, redis_available: None
) -> None:
    library = tmp_path / "library"
    make_test_library(library, clips=2)
    queue_name = f"montage-test-{uuid.uuid4().hex[:8]}"
    cli_data = worker_data_dir(tmp_path, "cli")
    db = open_database(Settings(data_dir=cli_data, database_url=postgres_url, library_roots=[library]))
    try:
        started = _submit_queued_index(cli_data, library, postgres_url, queue_name)
        job_id = json.loads(started.stdout)["id"]  # stdout stays JSON; the warning goes to stderr
        stderr = " ".join(started.stderr.split())
        assert "no `montage worker` process is running" in stderr
        assert "the job waits until a `montage worker` with index threads starts" in stderr
        with db.sessions() as session:
            job = session.get(Job, job_id)
            assert job is not None and job.status == states.QUEUED
            session.delete(job)  # leave no queued re-index behind for the other tests of this database
            session.commit()
    finally:
        db.engine.dispose()


def test_queued_reindex_with_only_job_threads_says_no_worker_analyses_files(
    tmp_path: Path, postgres_url: str, redis_available: None
) -> None:
    library = tmp_path / "library"
    make_test_library(library, clips=1)
    queue_name = f"montage-test-{uuid.uuid4().hex[:8]}"
    cli_data = worker_data_dir(tmp_path, "cli")
    service = ServiceSettings(queue="dramatiq", redis_url=REDIS_URL, queue_name=queue_name, index_threads=0)
    PresenceBeacon(service, "jobs-only").beat()  # what a `montage worker --index-threads 0` keeps alive
    db = open_database(Settings(data_dir=cli_data, database_url=postgres_url, library_roots=[library]))
    try:
        started = _submit_queued_index(cli_data, library, postgres_url, queue_name)
        stderr = " ".join(started.stderr.split())
        assert "1 `montage worker` process(es) alive, but all run with --index-threads 0" in stderr
        with db.sessions() as session:
            job = session.get(Job, json.loads(started.stdout)["id"])
            assert job is not None and job.status == states.QUEUED
            session.delete(job)
            session.commit()
    finally:
        db.engine.dispose()
