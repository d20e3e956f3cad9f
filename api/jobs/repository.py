"""Job records: create, read, claim, heartbeat, finish, cancel and requeue — each one short transaction.

A job is taken and held with the lease of :mod:`api.jobs.lease`: every write a worker makes is
conditional on still owning the job (same ``worker_id`` and attempt number, status ``running``), so a
worker that was presumed dead and came back can never overwrite a newer attempt.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from api.jobs import states
from api.jobs.clock import utcnow
from api.jobs.lease import owned_by, take_lease
from montage.db.models import Job, VideoRevision
from montage.db.session import transaction


@dataclass(frozen=True)
class Claim:
    """A worker's hold on one attempt of a job."""

    job_id: str
    worker_id: str
    attempt: int
    kind: str
    payload: dict[str, object]


def new_job_id() -> str:
    """A random 32-hex-digit job id."""
    return uuid.uuid4().hex


def create_job(
    session: Session,
    kind: str,
    payload: dict[str, object],
    *,
    max_attempts: int,
    api_key_id: int | None = None,
    video_job_id: str | None = None,
    revision: int | None = None,
) -> Job:
    """Add a queued job to the session (it becomes visible on commit)."""
    now = utcnow()
    job = Job(
        id=new_job_id(),
        kind=kind,
        status=states.QUEUED,
        stage=None,
        progress=0.0,
        payload=payload,
        result=None,
        warnings=[],
        attempts=0,
        max_attempts=max_attempts,
        cancel_requested=False,
        api_key_id=api_key_id,
        video_job_id=video_job_id,
        revision=revision,
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, job_id: str) -> Job | None:
    """The job with this id, or None."""
    return session.get(Job, job_id)


def list_jobs(
    session: Session,
    *,
    offset: int,
    limit: int,
    status: str | None = None,
    kind: str | None = None,
    where: ColumnElement[bool] | None = None,
) -> tuple[list[Job], int]:
    """A page of jobs, newest first, and the total count matching the filters (``where``: any other)."""
    query = select(Job)
    count = select(func.count()).select_from(Job)
    if where is not None:
        query, count = query.where(where), count.where(where)
    if status is not None:
        query, count = query.where(Job.status == status), count.where(Job.status == status)
    if kind is not None:
        query, count = query.where(Job.kind == kind), count.where(Job.kind == kind)
    rows = session.scalars(query.order_by(Job.created_at.desc(), Job.id).offset(offset).limit(limit)).all()
    return list(rows), int(session.scalar(count) or 0)


def count_by_status(session: Session) -> dict[str, int]:
    """How many jobs are in each status."""
    rows = session.execute(select(Job.status, func.count()).group_by(Job.status)).all()
    return {str(status): int(n) for status, n in rows}


def claim_job(factory: sessionmaker[Session], job_id: str, worker_id: str) -> Claim | None:
    """Move a queued job to running for this worker; None if it is not queued (taken, done, cancelled)."""
    now = utcnow()
    with transaction(factory) as session:
        taken = take_lease(
            session,
            Job,
            job_id,
            worker_id=worker_id,
            now=now,
            queued=states.QUEUED,
            running=states.RUNNING,
            conditions=(Job.cancel_requested.is_(False),),
            values={"started_at": func.coalesce(Job.started_at, now)},
        )
        if not taken:
            return None
        job = session.get(Job, job_id)
        assert job is not None
        session.refresh(job)
        return Claim(job_id, worker_id, job.attempts, job.kind, dict(job.payload))


def _owned(claim: Claim) -> tuple[ColumnElement[bool], ...]:
    return owned_by(Job, claim.job_id, claim.worker_id, claim.attempt, states.RUNNING)


def heartbeat(factory: sessionmaker[Session], claim: Claim) -> bool | None:
    """Refresh the heartbeat. Returns whether cancellation was asked, or None if the job is no longer ours."""
    now = utcnow()
    with transaction(factory) as session:
        changed = session.execute(
            update(Job)
            .where(*_owned(claim))
            .values(heartbeat_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        if changed != 1:
            return None
        return bool(session.scalar(select(Job.cancel_requested).where(Job.id == claim.job_id)))


def record_progress(factory: sessionmaker[Session], claim: Claim, stage: str, progress: float) -> None:
    """Store the current stage and its fraction done."""
    with transaction(factory) as session:
        session.execute(
            update(Job)
            .where(*_owned(claim))
            .values(stage=stage[:32], progress=max(0.0, min(1.0, progress)), updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )


def finish_job(
    factory: sessionmaker[Session],
    claim: Claim,
    result: dict[str, object],
    warnings: list[str],
    *,
    also: Callable[[Session], None] | None = None,
) -> bool:
    """Mark the attempt succeeded with its result, running ``also`` in the same transaction.

    Warnings are added to those already on the job (e.g. an earlier attempt's lost worker). Returns False
    (and changes nothing) if the job was no longer ours.
    """
    now = utcnow()
    with transaction(factory) as session:
        job = session.get(Job, claim.job_id, with_for_update=True)
        if job is None or (job.worker_id, job.attempts, job.status) != (
            claim.worker_id,
            claim.attempt,
            states.RUNNING,
        ):
            return False
        job.status, job.progress, job.result = states.SUCCEEDED, 1.0, result
        job.warnings = [*job.warnings, *(w for w in warnings if w not in job.warnings)]
        job.finished_at = job.updated_at = now
        job.error_code = job.error_message = None
        if also is not None:
            also(session)
        return True


def fail_job(
    factory: sessionmaker[Session],
    claim: Claim,
    code: str,
    message: str,
    *,
    retry: bool,
    status: str = states.FAILED,
) -> str | None:
    """End the attempt with an error; requeue it if ``retry`` and attempts remain. Returns the new status."""
    now = utcnow()
    with transaction(factory) as session:
        job = session.get(Job, claim.job_id, with_for_update=True)
        if job is None or (job.worker_id, job.attempts, job.status) != (
            claim.worker_id,
            claim.attempt,
            states.RUNNING,
        ):
            return None
        job.error_code, job.error_message, job.updated_at = code, message[:4000], now
        if retry and job.attempts < job.max_attempts and not job.cancel_requested:
            job.status, job.worker_id, job.heartbeat_at = states.QUEUED, None, None
        else:
            job.status, job.finished_at = status, now
        return job.status


def release_revision(session: Session, job: Job) -> None:
    """A render job that ended without success leaves its revision renderable again (``render_failed``)."""
    if job.kind != states.RENDER or job.video_job_id is None or job.status == states.SUCCEEDED:
        return
    session.execute(
        update(VideoRevision)
        .where(
            VideoRevision.job_id == job.video_job_id,
            VideoRevision.number == job.revision,
            VideoRevision.render_job_id == job.id,
            VideoRevision.status == "rendering",
        )
        .values(status="render_failed")
        .execution_options(synchronize_session=False)
    )


def request_cancel(factory: sessionmaker[Session], job_id: str) -> Job | None:
    """Ask a job to stop: a queued job is cancelled at once, a running one when its worker notices."""
    now = utcnow()
    with transaction(factory) as session:
        job = session.get(Job, job_id, with_for_update=True)
        if job is None:
            return None
        if job.status == states.QUEUED:
            job.status, job.finished_at = states.CANCELLED, now
            release_revision(session, job)
        if job.status not in states.TERMINAL:
            job.cancel_requested = True
        job.updated_at = now
        return job


def requeue_stale(factory: sessionmaker[Session], *, stale_after_s: float) -> tuple[list[str], list[str]]:
    """Requeue running jobs whose heartbeat is stale (their worker died); fail those out of attempts.

    Returns (requeued ids, failed ids).
    """
    now = utcnow()
    cutoff = now - timedelta(seconds=stale_after_s)
    requeued: list[str] = []
    failed: list[str] = []
    with transaction(factory) as session:
        stuck = session.scalars(
            select(Job).where(
                Job.status == states.RUNNING, or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff)
            )
        ).all()
        for job in stuck:
            if job.cancel_requested:
                job.status, job.finished_at = states.CANCELLED, now
                release_revision(session, job)
            elif job.attempts >= job.max_attempts:
                job.status, job.finished_at = states.FAILED, now
                job.error_code = "worker_lost"
                job.error_message = f"the worker running this job stopped answering ({job.attempts} attempts)"
                release_revision(session, job)
                failed.append(job.id)
            else:
                job.status, job.worker_id, job.heartbeat_at = states.QUEUED, None, None
                job.warnings = [*job.warnings, f"attempt {job.attempts} lost its worker; retried"]
                requeued.append(job.id)
            job.updated_at = now
    return requeued, failed


def queued_waiting_since(factory: sessionmaker[Session], before: datetime) -> list[str]:
    """Queued jobs untouched since ``before`` (their queue message may be lost); touches them."""
    now = utcnow()
    with transaction(factory) as session:
        ids = list(
            session.scalars(
                select(Job.id)
                .where(Job.status == states.QUEUED, Job.updated_at < before)
                .order_by(Job.created_at)
            )
        )
        if ids:
            session.execute(
                update(Job)
                .where(Job.id.in_(ids))
                .values(updated_at=now)
                .execution_options(synchronize_session=False)
            )
    return ids


def all_queued(session: Session) -> list[str]:
    """Every queued job id, oldest first."""
    return list(session.scalars(select(Job.id).where(Job.status == states.QUEUED).order_by(Job.created_at)))


def active_job_of_kind(session: Session, kind: str) -> Job | None:
    """The oldest queued or running job of this kind, if any."""
    return session.scalars(
        select(Job)
        .where(Job.kind == kind, Job.status.in_([states.QUEUED, states.RUNNING]))
        .order_by(Job.created_at)
        .limit(1)
    ).first()
