"""Editing a video: read the timeline, apply edits as a new revision, render it, approve it.

Earlier revisions are kept. Edits are applied by the pipeline's ``apply_edits`` and rendered by its
``rerender`` (in a render job), which redoes only the work the edits changed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from fastapi import Path as PathParam
from sqlalchemy import update
from sqlalchemy.orm import Session

from api.jobs import states
from api.jobs.clock import utcnow
from api.jobs.payloads import RenderJobPayload
from api.jobs.repository import get_job
from api.jobs.revisions import (
    DRAFT,
    RENDER_FAILED,
    RENDERED,
    RENDERING,
    add_revision,
    get_revision,
    list_revisions,
)
from api.service.deps import Editor, State
from api.service.errors import ConflictError, NotFoundError
from api.service.schemas import Edit, EditsIn, ErrorOut, JobOut, Responses, RevisionOut, SwapEdit, TrimEdit
from api.service.submission import submit_job
from montage.db.models import Job, Shot, VideoRevision
from montage.db.session import transaction
from montage.errors import InputError

router = APIRouter(prefix="/v1/jobs", tags=["editing"])

RevisionNumber = Annotated[int, PathParam(ge=1, le=100_000, description="A revision number.")]

ERRORS: Responses = {
    404: {"model": ErrorOut},
    409: {"model": ErrorOut},
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
}


def _video_job(session: Session, job_id: str) -> Job:
    job = get_job(session, job_id)
    if job is None:
        raise NotFoundError(f"no job {job_id}")
    if job.kind != states.VIDEO:
        raise ConflictError(f"job {job_id} is a {job.kind} job, not a video job")
    return job


def _revision(session: Session, job_id: str, number: int | None) -> VideoRevision:
    _video_job(session, job_id)
    revision = get_revision(session, job_id, number)
    if revision is None:
        what = f"revision {number}" if number else "a timeline"
        raise NotFoundError(f"job {job_id} has no {what} yet")
    return revision


def check_edits(session: Session, timeline: dict[str, object], edits: list[Edit]) -> None:
    """Refuse edits of segments that do not exist, swaps to unknown shots and empty trims (422)."""
    segments = timeline.get("segments")
    count = len(segments) if isinstance(segments, list) else 0
    for number, edit in enumerate(edits):
        where = f"edit {number} ({edit.op})"
        if edit.segment >= count:
            raise InputError(
                f"{where}: the timeline has {count} segments; there is no segment {edit.segment}"
            )
        if isinstance(edit, SwapEdit) and session.get(Shot, edit.shot_id) is None:
            raise InputError(f"{where}: no shot {edit.shot_id} in the library", code="shot_not_found")
        if isinstance(edit, TrimEdit) and edit.out_s <= edit.in_s:
            raise InputError(f"{where}: out ({edit.out_s}) must be after in ({edit.in_s})")


@router.get("/{job_id}/timeline", responses=ERRORS, summary="A revision's timeline (JSON)")
def timeline(
    job_id: str, state: State, revision: Annotated[int | None, Query(ge=1, le=100_000)] = None
) -> dict[str, object]:
    """A revision's timeline (default: newest): segments, sentences, shots, score parts, alternatives."""
    with state.db.sessions() as session:
        found = _revision(session, job_id, revision)
    return {"job_id": job_id, "revision": found.number, "status": found.status, "timeline": found.timeline}


@router.get(
    "/{job_id}/revisions", response_model=list[RevisionOut], responses=ERRORS, summary="All revisions"
)
def revisions(job_id: str, state: State) -> list[RevisionOut]:
    """Every revision of a video, oldest first."""
    with state.db.sessions() as session:
        _video_job(session, job_id)
        return [RevisionOut.of(r) for r in list_revisions(session, job_id)]


@router.post(
    "/{job_id}/edits",
    status_code=status.HTTP_201_CREATED,
    response_model=RevisionOut,
    responses={**ERRORS, 422: {"model": ErrorOut}},
    summary="Apply edits as a new revision",
)
def edit(job_id: str, body: EditsIn, state: State, _principal: Editor, response: Response) -> RevisionOut:
    """Swap shots, trim, rewrite sentences. The result is a new draft revision; render it to see it."""
    edits = [e.model_dump(by_alias=True) for e in body.edits]
    with transaction(state.db.sessions) as session:
        base = _revision(session, job_id, body.base_revision)
        check_edits(session, base.timeline, body.edits)
        from montage.pipeline.edit import apply_edits

        new_timeline = apply_edits(dict(base.timeline), edits)
        revision = add_revision(
            session, job_id, timeline=new_timeline, status=DRAFT, base_number=base.number, edits=edits
        )
    response.headers["Location"] = f"/v1/jobs/{job_id}/timeline?revision={revision.number}"
    return RevisionOut.of(revision)


@router.post(
    "/{job_id}/revisions/{number}/render",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobOut,
    responses=ERRORS,
    summary="Render a revision",
)
def render(
    job_id: str, number: RevisionNumber, state: State, principal: Editor, response: Response
) -> JobOut:
    """Queue a render job for a draft (or failed) revision; follow it like any job."""
    with state.db.sessions() as session:
        revision = _revision(session, job_id, number)
        if revision.status in (RENDERED, RENDERING):
            raise ConflictError(f"revision {number} is already {revision.status}")
    payload = RenderJobPayload(video_job_id=job_id, revision=number).model_dump()

    def mark_rendering(session: Session, job: Job) -> None:
        claimed = session.execute(
            update(VideoRevision)
            .where(VideoRevision.job_id == job_id, VideoRevision.number == number)
            .where(VideoRevision.status.in_([DRAFT, RENDER_FAILED]))
            .values(status=RENDERING, render_job_id=job.id)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        if claimed != 1:
            raise ConflictError(f"revision {number} is already being rendered")

    job = submit_job(
        state,
        states.RENDER,
        payload,
        api_key_id=principal.key_id,
        video_job_id=job_id,
        revision=number,
        also=mark_rendering,
    )
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return JobOut.of(job)


@router.post(
    "/{job_id}/revisions/{number}/approve",
    response_model=RevisionOut,
    responses=ERRORS,
    summary="Approve a rendered revision",
)
def approve(job_id: str, number: RevisionNumber, state: State, _principal: Editor) -> RevisionOut:
    """Mark a rendered revision as approved for publication."""
    with transaction(state.db.sessions) as session:
        revision = _revision(session, job_id, number)
        if revision.status != RENDERED:
            raise ConflictError(
                f"revision {number} is {revision.status}; only a rendered revision can be approved"
            )
        revision.approved = True
        revision.approved_at = revision.approved_at or utcnow()
    return RevisionOut.of(revision)
