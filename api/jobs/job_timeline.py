"""The timeline of a video job's rendered revision (what an NLE export of the job starts from)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.jobs.repository import get_job
from api.jobs.revisions import latest_rendered
from montage.errors import InputError
from montage.timeline.model import Timeline


def rendered_timeline(session: Session, job_id: str, revision: int | None = None) -> tuple[Timeline, int]:
    """The timeline of revision ``revision`` (default: the newest rendered one) and its number.

    Raises InputError (``job_not_found``, ``not_rendered``) when there is no such job or rendered revision.
    """
    if get_job(session, job_id) is None:
        raise InputError(f"no job {job_id!r} (and no such timeline file)", code="job_not_found")
    rendered = latest_rendered(session, job_id, revision)
    if rendered is None:
        which = f"revision {revision}" if revision else "any revision"
        raise InputError(f"job {job_id} has no rendered {which} yet", code="not_rendered")
    return Timeline.from_json(rendered.timeline), rendered.number
