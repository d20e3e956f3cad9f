"""Who may see which jobs: a key sees the jobs made by itself or a key of its team; ``admin`` sees all.

A render job is also seen by whoever sees the video it renders. A job the caller may not see is answered
like a job that does not exist (404), so its existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from api.jobs.repository import get_job
from api.service.api_keys import Principal
from api.service.errors import NotFoundError
from montage.db.models import ApiKey, Job


@dataclass(frozen=True)
class Access:
    """What one request may read: every job (``admin``, open reads, a signed URL) or its key's team's.

    ``principal`` is None for a request without a key (open reads, a signed URL). ``admin`` callers see
    absolute server paths; everyone else sees them relative to the library root, or not at all.
    """

    principal: Principal | None
    all_jobs: bool

    @property
    def admin(self) -> bool:
        """Whether the caller holds an ``admin`` key."""
        return self.principal is not None and self.principal.allows("admin")

    @classmethod
    def of_key(cls, principal: Principal) -> Access:
        """A key's access for writes: its own (team's) jobs, or every job with ``admin``."""
        return cls(principal=principal, all_jobs=principal.allows("admin"))


def _made_by(key_column: InstrumentedAttribute[int | None], principal: Principal) -> ColumnElement[bool]:
    """Rows whose ``key_column`` is this key or, when it has a team, any key of its team."""
    if principal.team is None:
        return key_column == principal.key_id
    team_keys = select(ApiKey.id).where(ApiKey.team == principal.team)
    return or_(key_column == principal.key_id, key_column.in_(team_keys))


def visible_jobs(access: Access) -> ColumnElement[bool] | None:
    """A filter on ``Job`` for the jobs ``access`` may see (None: every job)."""
    if access.all_jobs:
        return None
    if access.principal is None:
        return Job.id.is_(None)  # nothing (never reached: a keyless request without open reads is refused)
    video = aliased(Job)
    own_videos = select(video.id).where(_made_by(video.api_key_id, access.principal))
    return or_(_made_by(Job.api_key_id, access.principal), Job.video_job_id.in_(own_videos))


def may_see(session: Session, access: Access, job: Job) -> bool:
    """Whether ``access`` may see ``job``."""
    where = visible_jobs(access)
    if where is None:
        return True
    return session.scalar(select(Job.id).where(Job.id == job.id, where)) is not None


def visible_job(session: Session, access: Access, job_id: str) -> Job:
    """The job with this id if ``access`` may see it; otherwise NotFoundError, as for a missing job."""
    job = get_job(session, job_id)
    if job is None or not may_see(session, access, job):
        raise NotFoundError(f"no job {job_id}")
    return job
