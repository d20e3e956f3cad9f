"""Submitting a job: its row is committed first, and only then is its id put on the queue."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from api.jobs.repository import create_job
from api.service.state import ServiceState
from montage.db.models import Job
from montage.db.session import transaction


def submit_job(
    state: ServiceState,
    kind: str,
    payload: dict[str, object],
    *,
    api_key_id: int | None,
    video_job_id: str | None = None,
    revision: int | None = None,
    also: Callable[[Session, Job], None] | None = None,
) -> Job:
    """Create a queued job (and run ``also`` in the same transaction), commit, then enqueue its id.

    An enqueue lost to a crash right after the commit is re-sent by the workers' sweeper.
    """
    with transaction(state.db.sessions) as session:
        job = create_job(
            session,
            kind,
            payload,
            max_attempts=state.service.max_attempts,
            api_key_id=api_key_id,
            video_job_id=video_job_id,
            revision=revision,
        )
        if also is not None:
            also(session, job)
    state.queue.enqueue(job.id)
    return job
