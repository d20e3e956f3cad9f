"""Scale-out mode with real processes: `montage serve` (Dramatiq producer), two `montage worker` processes,
the local Redis and a fresh PostgreSQL database. 50 jobs at once, a worker SIGKILLed in the middle of a job
(held there by a row lock on its job, so the kill never races the job's end): every job ends succeeded
exactly once."""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.jobs import states
from api.jobs.dramatiq_queue import DramatiqQueue
from api.jobs.payloads import ReindexJobPayload
from api.jobs.repository import create_job
from api.service.settings import ServiceSettings
from montage.config import Settings
from montage.db.database import open_database
from montage.db.models import Job
from montage.db.session import transaction
from tests.service.conftest import REDIS_URL
from tests.service.footage import make_library
from tests.service.processes import (
    Proc,
    create_key,
    free_port,
    service_env,
    start,
    start_server,
    wait_for_job,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]


def _ready(base: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{base}/readyz", timeout=30).json()
    return body


def _worker_count(base: str) -> int:
    checks = {c["name"]: c for c in _ready(base)["checks"]}
    detail = str(checks["workers"]["detail"])
    match = re.match(r"(\d+) `montage worker`", detail)
    return int(match.group(1)) if match else 0


def _job_log_counts(procs: list[Proc], message: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for proc in procs:
        for line in proc.output().splitlines():
            if line.startswith("{") and f'"message": "{message}"' in line:
                counts[json.loads(line)["job_id"]] += 1
    return counts


def test_fifty_jobs_two_workers_one_killed(tmp_path: Path, postgres_url: str, redis_available: None) -> None:
    library = tmp_path / "library"
    make_library(library, clips=3)
    queue_name = f"montage-test-{uuid.uuid4().hex[:8]}"
    env = service_env(
        tmp_path / "data",
        library,
        MONTAGE_DATABASE_URL=postgres_url,
        MONTAGE_SERVICE_QUEUE="dramatiq",
        MONTAGE_SERVICE_REDIS_URL=REDIS_URL,
        MONTAGE_SERVICE_QUEUE_NAME=queue_name,
    )
    admin = create_key(env, "admin")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(env, port, tmp_path / "serve.log")
    workers: list[Proc] = []
    try:
        not_ready = httpx.get(f"{base}/readyz", timeout=30)
        assert not_ready.status_code == 503
        assert "no `montage worker`" in not_ready.text
        workers = [start(["worker"], env, tmp_path / f"worker{i}.log") for i in range(2)]
        wait_until(lambda: _worker_count(base) == 2, timeout=60, proc=workers[0], what="two workers")
        assert httpx.get(f"{base}/readyz", timeout=30).status_code == 200

        # a first re-index through the API builds the library and its index
        first = httpx.post(
            f"{base}/v1/library/reindex", json={}, headers={"Authorization": f"Bearer {admin}"}, timeout=30
        )
        assert first.status_code == 202, first.text
        job = wait_for_job(base, first.json()["id"], key=admin, timeout=240, procs=[server, *workers])
        assert job["status"] == "succeeded", job

        # 50 jobs at once (re-index of the now unchanged library: quick, real work through the real queue)
        settings = Settings(data_dir=tmp_path / "data", database_url=postgres_url, library_roots=[library])
        service = ServiceSettings(queue="dramatiq", redis_url=REDIS_URL, queue_name=queue_name)
        db = open_database(settings)
        payload = ReindexJobPayload(paths=[str(library.resolve())]).model_dump()
        with transaction(db.sessions) as session:
            ids = [create_job(session, states.REINDEX, payload, max_attempts=3).id for _ in range(50)]
        queue = DramatiqQueue(service)
        for job_id in ids:
            queue.enqueue(job_id)
        queue.close()

        # once a few jobs are done, lock the row of a job a worker is in the middle of (SELECT ... FOR
        # UPDATE): the worker cannot record anything about that job while the lock is held (every write to
        # the row waits for it), so the SIGKILL lands mid-job however the machine schedules the processes
        held: list[tuple[Session, str, str]] = []

        def lock_a_running_job() -> bool:
            with db.sessions() as session:
                done = session.scalar(
                    select(func.count()).where(Job.id.in_(ids), Job.status == states.SUCCEEDED)
                )
            if (done or 0) < 3:
                return False
            session = db.sessions()
            row = session.execute(
                select(Job.id, Job.worker_id)
                .where(Job.id.in_(ids), Job.status == states.RUNNING)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                session.rollback()
                session.close()
                return False
            held.append((session, row.id, str(row.worker_id)))
            return True

        wait_until(lock_a_running_job, timeout=180, proc=workers[1], what="a worker to be mid-job")
        lock, killed_job, worker_id = held[0]
        victim = next(w for w in workers if f":{w.popen.pid}:" in worker_id)
        victim.kill()  # returns once the process is gone
        lock.rollback()  # the dead worker's waiting write is rolled back by PostgreSQL (its client is gone)
        lock.close()
        workers.append(start(["worker"], env, tmp_path / "worker-restarted.log"))

        def all_done() -> bool:
            with db.sessions() as session:
                statuses = session.scalars(select(Job.status).where(Job.id.in_(ids))).all()
            return all(s in states.TERMINAL for s in statuses)

        wait_until(all_done, timeout=300, proc=workers[-1], what="all 50 jobs to end")
        with db.sessions() as session:
            jobs = {job.id: job for job in session.scalars(select(Job).where(Job.id.in_(ids)))}
        db.engine.dispose()
    finally:
        for proc in [*workers, server]:
            proc.stop()

    assert len(jobs) == 50
    assert {job.status for job in jobs.values()} == {states.SUCCEEDED}
    assert killed_job is not None and jobs[killed_job].attempts == 2
    assert any("lost its worker" in w for w in jobs[killed_job].warnings)
    assert sum(job.attempts for job in jobs.values()) == 51  # only the killed attempt was repeated
    succeeded = _job_log_counts(workers, "job succeeded")
    assert all(succeeded[job_id] == 1 for job_id in ids), succeeded
