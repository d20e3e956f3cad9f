"""Index runs and their per-file tasks: create, claim, heartbeat, complete, requeue, cancel, summarise.

The same lease as job records (:mod:`api.jobs.lease`): a task is claimed by one conditional UPDATE
(``queued`` → ``running``, attempt + 1), so a duplicate queue message is harmless; its result is stored only
while the worker still owns that attempt (same ``worker_id`` and attempt, status ``running``), in the same
transaction as the file's shots and vectors, so a worker presumed dead that comes back writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from api.jobs.clock import as_utc, utcnow
from api.jobs.lease import owned_by, take_lease
from indexer.discover import DiscoveredFile
from indexer.file_store import StoredFile
from indexer.library_writer import write_failed
from indexer.runner import crashed_outcome
from montage.db.models import IndexRun, IndexTask
from montage.db.session import transaction

ANALYSING = "analysing"
FINISHING = "finishing"
DONE = "done"
RUN_CANCELLED = "cancelled"

QUEUED = "queued"
RUNNING = "running"
STORED = "stored"
FAILED = "failed"
CANCELLED = "cancelled"
OPEN = (QUEUED, RUNNING)


class TaskLost(Exception):
    """The worker no longer owns the task's attempt (it was presumed dead and the task given to another)."""


@dataclass(frozen=True)
class TaskClaim:
    """A worker's hold on one attempt of one file's task."""

    task_id: int
    job_id: str
    worker_id: str
    attempt: int
    item: DiscoveredFile


def _task_file(task: IndexTask) -> DiscoveredFile:
    return DiscoveredFile(Path(task.path), Path(task.root), task.rel_path)


def create_run(
    factory: sessionmaker[Session], job_id: str, plan: dict[str, object], files: list[DiscoveredFile]
) -> list[int] | None:
    """Record the run and one queued task per file in one transaction; returns the task ids.

    Returns None (and writes nothing) when the job already has a run (an earlier attempt planned it).
    """
    now = utcnow()
    with transaction(factory) as session:
        if session.get(IndexRun, job_id) is not None:
            return None
        session.add(
            IndexRun(
                job_id=job_id, status=ANALYSING, total=len(files), plan=plan, created_at=now, updated_at=now
            )
        )
        session.flush()
        tasks = [
            IndexTask(
                job_id=job_id,
                path=str(item.path),
                root=str(item.root),
                rel_path=item.rel_path,
                status=QUEUED,
                attempts=0,
                updated_at=now,
                shots=0,
                media_seconds=0.0,
                seconds=0.0,
            )
            for item in files
        ]
        session.add_all(tasks)
        session.flush()
        return [task.id for task in tasks]


def get_run(session: Session, job_id: str) -> IndexRun | None:
    """The run of a re-index job, if it was planned."""
    return session.get(IndexRun, job_id)


def claim_task(factory: sessionmaker[Session], task_id: int, worker_id: str) -> TaskClaim | None:
    """Move a queued task of a run still analysing to running for this worker; None if it is not queued."""
    now = utcnow()
    analysing = select(IndexRun.job_id).where(IndexRun.status == ANALYSING)
    with transaction(factory) as session:
        taken = take_lease(
            session,
            IndexTask,
            task_id,
            worker_id=worker_id,
            now=now,
            queued=QUEUED,
            running=RUNNING,
            conditions=(IndexTask.job_id.in_(analysing),),
        )
        if not taken:
            return None
        task = session.get(IndexTask, task_id)
        assert task is not None
        session.refresh(task)
        return TaskClaim(task.id, task.job_id, worker_id, task.attempts, _task_file(task))


def _owned(claim: TaskClaim) -> tuple[ColumnElement[bool], ...]:
    return owned_by(IndexTask, claim.task_id, claim.worker_id, claim.attempt, RUNNING)


def complete_task(session: Session, claim: TaskClaim, stored: StoredFile, seconds: float) -> None:
    """Mark the attempt done inside the transaction that stores the file; raises :class:`TaskLost` (so
    the whole transaction rolls back) when the attempt is no longer this worker's."""
    changed = session.execute(
        update(IndexTask)
        .where(*_owned(claim))
        .values(
            status=STORED if stored.error_code is None else FAILED,
            shots=stored.shots,
            media_seconds=stored.media_seconds,
            seconds=seconds,
            error_code=stored.error_code,
            error_message=(stored.error_message or "")[:4000] if stored.error_code else None,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if changed != 1:
        raise TaskLost(f"task {claim.task_id} attempt {claim.attempt} is no longer {claim.worker_id}'s")


def _give_up(session: Session, task: IndexTask, code: str, message: str, analyzer_version: str) -> None:
    """Record the task's file as a failed source (the reason in the library stats) and end the task."""
    item = _task_file(task)
    write_failed(
        session,
        discovered=item,
        outcome=crashed_outcome(item, message, code),
        analyzer_version=analyzer_version,
    )
    task.status, task.error_code, task.error_message = FAILED, code, message[:4000]
    task.worker_id, task.heartbeat_at, task.updated_at = None, None, utcnow()


def release_task(
    factory: sessionmaker[Session],
    claim: TaskClaim,
    code: str,
    message: str,
    *,
    max_attempts: int,
    analyzer_version: str,
) -> str | None:
    """End an attempt that raised: queue the task again while attempts remain, else record the file as
    failed. Returns the new status, or None when the attempt was no longer ours."""
    with transaction(factory) as session:
        task = session.scalars(select(IndexTask).where(*_owned(claim)).with_for_update()).first()
        if task is None:
            return None
        if task.attempts >= max_attempts:
            _give_up(session, task, code, message, analyzer_version)
        else:
            task.status, task.worker_id, task.heartbeat_at = QUEUED, None, None
            task.error_code, task.error_message, task.updated_at = code, message[:4000], utcnow()
        return task.status


def release_owned(factory: sessionmaker[Session], worker_id: str) -> list[int]:
    """A worker stopping cleanly hands its running tasks back (the attempt is not counted); returns ids."""
    with transaction(factory) as session:
        ids = list(
            session.scalars(
                select(IndexTask.id).where(IndexTask.worker_id == worker_id, IndexTask.status == RUNNING)
            )
        )
        if ids:
            session.execute(
                update(IndexTask)
                .where(IndexTask.id.in_(ids), IndexTask.worker_id == worker_id, IndexTask.status == RUNNING)
                .values(
                    status=QUEUED,
                    worker_id=None,
                    heartbeat_at=None,
                    attempts=IndexTask.attempts - 1,
                    updated_at=utcnow(),
                )
                .execution_options(synchronize_session=False)
            )
    return ids


def beat_tasks(factory: sessionmaker[Session], worker_id: str) -> int:
    """Refresh the heartbeat of every task this worker is running; returns how many."""
    with transaction(factory) as session:
        result = session.execute(
            update(IndexTask)
            .where(IndexTask.worker_id == worker_id, IndexTask.status == RUNNING)
            .values(heartbeat_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def requeue_stale_tasks(
    factory: sessionmaker[Session], *, stale_after_s: float, max_attempts: int, analyzer_version: str
) -> tuple[list[int], list[int]]:
    """Queue again the running tasks whose heartbeat is stale (their worker died); a task out of attempts
    has its file recorded as failed (``worker_lost``). Returns (requeued ids, failed ids)."""
    cutoff = utcnow() - timedelta(seconds=stale_after_s)
    requeued: list[int] = []
    failed: list[int] = []
    with transaction(factory) as session:
        stuck = session.scalars(
            select(IndexTask)
            .where(IndexTask.status == RUNNING, IndexTask.heartbeat_at < cutoff)
            .order_by(IndexTask.id)
            .with_for_update(skip_locked=True)
        ).all()
        for task in stuck:
            if task.attempts >= max_attempts:
                message = f"the worker analysing this file stopped answering ({task.attempts} attempts)"
                _give_up(session, task, "worker_lost", message, analyzer_version)
                failed.append(task.id)
            else:
                task.status, task.worker_id, task.heartbeat_at, task.updated_at = QUEUED, None, None, utcnow()
                requeued.append(task.id)
    return requeued, failed


def queued_untouched(factory: sessionmaker[Session], before: datetime, *, limit: int = 10_000) -> list[int]:
    """Queued tasks of analysing runs untouched since ``before`` (their message may be lost); touches them."""
    analysing = select(IndexRun.job_id).where(IndexRun.status == ANALYSING)
    with transaction(factory) as session:
        ids = list(
            session.scalars(
                select(IndexTask.id)
                .where(
                    IndexTask.status == QUEUED, IndexTask.updated_at < before, IndexTask.job_id.in_(analysing)
                )
                .order_by(IndexTask.id)
                .limit(limit)
            )
        )
        if ids:
            session.execute(
                update(IndexTask)
                .where(IndexTask.id.in_(ids))
                .values(updated_at=utcnow())
                .execution_options(synchronize_session=False)
            )
    return ids


def task_counts(session: Session, job_id: str) -> dict[str, int]:
    """How many tasks of the run are in each status."""
    rows = session.execute(
        select(IndexTask.status, func.count()).where(IndexTask.job_id == job_id).group_by(IndexTask.status)
    ).all()
    return {str(status): int(n) for status, n in rows}


def set_run_status(factory: sessionmaker[Session], job_id: str, status: str) -> None:
    """Move the run to ``status``; cancelling also cancels its queued tasks (running ones finish)."""
    now = utcnow()
    with transaction(factory) as session:
        session.execute(
            update(IndexRun)
            .where(IndexRun.job_id == job_id)
            .values(status=status, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if status == RUN_CANCELLED:
            session.execute(
                update(IndexTask)
                .where(IndexTask.job_id == job_id, IndexTask.status == QUEUED)
                .values(status=CANCELLED, updated_at=now)
                .execution_options(synchronize_session=False)
            )


@dataclass(frozen=True)
class RunSummary:
    """What the run's tasks did, for the job's report."""

    indexed: int
    shots: int
    media_seconds: float
    failed: list[dict[str, str]]
    workers: dict[str, dict[str, float]]
    retried: int
    seconds: float


def summarise(session: Session, job_id: str) -> RunSummary:
    """Counts, failures, the work each worker did (files, shots, footage and analysis seconds) and the
    run's wall time so far."""
    tasks = session.scalars(select(IndexTask).where(IndexTask.job_id == job_id).order_by(IndexTask.id)).all()
    workers: dict[str, dict[str, float]] = {}
    for task in tasks:
        if task.status not in (STORED, FAILED) or task.worker_id is None:
            continue
        split = workers.setdefault(
            task.worker_id, {"files": 0, "shots": 0, "media_seconds": 0.0, "seconds": 0.0}
        )
        split["files"] += 1
        split["shots"] += task.shots
        split["media_seconds"] = round(split["media_seconds"] + task.media_seconds, 3)
        split["seconds"] = round(split["seconds"] + task.seconds, 3)
    run = session.get(IndexRun, job_id)
    created = as_utc(run.created_at) if run is not None else None
    return RunSummary(
        indexed=sum(1 for t in tasks if t.status == STORED),
        shots=sum(t.shots for t in tasks if t.status == STORED),
        media_seconds=sum(t.media_seconds for t in tasks if t.status == STORED),
        failed=[
            {"path": t.path, "code": t.error_code or "", "message": t.error_message or ""}
            for t in tasks
            if t.status == FAILED
        ],
        workers=workers,
        retried=sum(1 for t in tasks if t.attempts > 1),
        seconds=(utcnow() - created).total_seconds() if created is not None else 0.0,
    )
