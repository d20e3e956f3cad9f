"""Video revisions: revision 1 is the first cut; edits make new draft revisions that a render job renders."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.jobs.clock import utcnow
from montage.db.models import VideoRevision

DRAFT = "draft"
RENDERING = "rendering"
RENDERED = "rendered"
RENDER_FAILED = "render_failed"


def list_revisions(session: Session, job_id: str) -> list[VideoRevision]:
    """All revisions of a video job, oldest first."""
    return list(
        session.scalars(
            select(VideoRevision).where(VideoRevision.job_id == job_id).order_by(VideoRevision.number)
        )
    )


def get_revision(session: Session, job_id: str, number: int | None = None) -> VideoRevision | None:
    """Revision ``number`` of a job, or its newest one when ``number`` is None."""
    query = select(VideoRevision).where(VideoRevision.job_id == job_id)
    if number is None:
        return session.scalars(query.order_by(VideoRevision.number.desc()).limit(1)).first()
    return session.scalars(query.where(VideoRevision.number == number)).first()


def latest_rendered(session: Session, job_id: str, number: int | None = None) -> VideoRevision | None:
    """Revision ``number`` if rendered, else the newest rendered revision of the job."""
    query = select(VideoRevision).where(VideoRevision.job_id == job_id, VideoRevision.status == RENDERED)
    if number is not None:
        query = query.where(VideoRevision.number == number)
    return session.scalars(query.order_by(VideoRevision.number.desc()).limit(1)).first()


def add_revision(
    session: Session,
    job_id: str,
    *,
    timeline: dict[str, object],
    status: str,
    base_number: int | None = None,
    edits: list[dict[str, object]] | None = None,
    artifacts_dir: str | None = None,
) -> VideoRevision:
    """Append the next revision of a job."""
    current = session.scalar(select(func.max(VideoRevision.number)).where(VideoRevision.job_id == job_id))
    revision = VideoRevision(
        job_id=job_id,
        number=int(current or 0) + 1,
        base_number=base_number,
        edits=edits or [],
        timeline=timeline,
        status=status,
        artifacts_dir=artifacts_dir,
        approved=False,
        created_at=utcnow(),
    )
    session.add(revision)
    session.flush()
    return revision
