"""Editing a video: read the timeline, apply edits as a new revision, render it, approve it.

Earlier revisions are kept. Edits are applied by the pipeline's ``apply_edits`` and rendered by its
``rerender`` (in a render job), which redoes only the work the edits changed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from fastapi import Path as PathParam
from sqlalchemy import case, update
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
from api.service.deps import Editor, MediaReader, Reader, State
from api.service.errors import ConflictError, NotFoundError
from api.service.ownership import Access, visible_job
from api.service.presenter import presenter_for
from api.service.schemas import EditsIn, ErrorOut, JobOut, Responses, RevisionOut, TimelineOut
from api.service.submission import submit_job
from montage.db.models import Job, VideoRevision
from montage.db.session import transaction
from montage.pipeline.edit import library_shot_lookup
from montage.timeline.edits import apply_edits, edits_to_json
from montage.timeline.model import Timeline

router = APIRouter(prefix="/v1/jobs", tags=["editing"])

RevisionNumber = Annotated[int, PathParam(ge=1, le=100_000, description="A revision number.")]

ERRORS: Responses = {
    404: {"model": ErrorOut},
    409: {"model": ErrorOut},
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
}


def _video_job(session: Session, access: Access, job_id: str) -> Job:
    job = visible_job(session, access, job_id)
    if job.kind != states.VIDEO:
        raise ConflictError(f"job {job_id} is a {job.kind} job, not a video job")
    return job


def _revision(session: Session, access: Access, job_id: str, number: int | None) -> VideoRevision:
    _video_job(session, access, job_id)
    revision = get_revision(session, job_id, number)
    if revision is None:
        what = f"revision {number}" if number else "a timeline"
        raise NotFoundError(f"job {job_id} has no {what} yet")
    return revision


@router.get(
    "/{job_id}/timeline",
    response_model=TimelineOut,
    responses=ERRORS,
    summary="A revision's timeline (JSON)",
)
def timeline(
    job_id: str,
    state: State,
    access: MediaReader,
    revision: Annotated[int | None, Query(ge=1, le=100_000)] = None,
) -> TimelineOut:
    """A revision's timeline (default: newest): segments, sentences, shots, score parts, alternatives.
    Shot paths are relative to the library root unless the key has ``admin``; a signed link works too."""
    with state.db.sessions() as session:
        found = _revision(session, access, job_id, revision)
    return TimelineOut(
        job_id=job_id,
        revision=found.number,
        status=found.status,
        timeline=Timeline.from_json(presenter_for(state, access).data(found.timeline)),
    )


@router.get(
    "/{job_id}/revisions", response_model=list[RevisionOut], responses=ERRORS, summary="All revisions"
)
def revisions(job_id: str, state: State, access: Reader) -> list[RevisionOut]:
    """Every revision of a video, oldest first, with signed links to each rendered revision's files."""
    view = presenter_for(state, access)
    with state.db.sessions() as session:
        _video_job(session, access, job_id)
        return [RevisionOut.of(r, view) for r in list_revisions(session, job_id)]


@router.post(
    "/{job_id}/edits",
    status_code=status.HTTP_201_CREATED,
    response_model=RevisionOut,
    responses={**ERRORS, 422: {"model": ErrorOut}},
    summary="Apply edits as a new revision",
)
def edit(job_id: str, body: EditsIn, state: State, principal: Editor, response: Response) -> RevisionOut:
    """Swap shots, trim, rewrite sentences. The result is a new draft revision; render it to see it."""
    access = Access.of_key(principal)
    with transaction(state.db.sessions) as session:
        base = _revision(session, access, job_id, body.base_revision)
        new_timeline = apply_edits(
            Timeline.from_json(base.timeline),
            body.edits,
            lookup=library_shot_lookup(state.db),
            max_speed_change=state.settings.alignment.max_speed_change,
        )
        revision = add_revision(
            session,
            job_id,
            timeline=new_timeline.to_json(),
            status=DRAFT,
            base_number=base.number,
            edits=edits_to_json(body.edits),
        )
    response.headers["Location"] = f"/v1/jobs/{job_id}/timeline?revision={revision.number}"
    return RevisionOut.of(revision, presenter_for(state, access))


def _render_active(session: Session, render_job_id: str | None) -> bool:
    """Whether a revision's render job is still queued or running (a failed, cancelled or lost one is not)."""
    job = get_job(session, render_job_id) if render_job_id else None
    return job is not None and job.status not in states.TERMINAL


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
    """Queue a render job for a draft revision, or one whose last render failed, was cancelled or lost."""
    access = Access.of_key(principal)
    with state.db.sessions() as session:
        revision = _revision(session, access, job_id, number)
        previous = revision.render_job_id
        if revision.status == RENDERED or (
            revision.status == RENDERING and _render_active(session, previous)
        ):
            raise ConflictError(f"revision {number} is already {revision.status}")
    payload = RenderJobPayload(video_job_id=job_id, revision=number).model_dump()

    def mark_rendering(session: Session, job: Job) -> None:
        renderable = VideoRevision.status.in_([DRAFT, RENDER_FAILED]) | (
            (VideoRevision.status == RENDERING) & (VideoRevision.render_job_id == previous)
        )
        claimed = session.execute(
            update(VideoRevision)
            .where(VideoRevision.job_id == job_id, VideoRevision.number == number, renderable)
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
    return JobOut.of(job, presenter_for(state, access))


@router.post(
    "/{job_id}/revisions/{number}/approve",
    response_model=RevisionOut,
    responses=ERRORS,
    summary="Approve a rendered revision as the final one",
)
def approve(job_id: str, number: RevisionNumber, state: State, principal: Editor) -> RevisionOut:
    """Make a rendered revision the video's one approved (final) revision; any other loses its approval."""
    access = Access.of_key(principal)
    with transaction(state.db.sessions) as session:
        revision = _revision(session, access, job_id, number)
        if revision.status != RENDERED:
            raise ConflictError(
                f"revision {number} is {revision.status}; only a rendered revision can be approved"
            )
        approved_at = revision.approved_at if revision.approved else utcnow()
        # One statement sets every revision of the job, so two approvals at once still leave exactly one.
        session.execute(
            update(VideoRevision)
            .where(VideoRevision.job_id == job_id)
            .values(
                approved=VideoRevision.number == number,
                approved_at=case((VideoRevision.number == number, approved_at), else_=None),
            )
            .execution_options(synchronize_session=False)
        )
        session.refresh(revision)
    return RevisionOut.of(revision, presenter_for(state, access))


@router.post(
    "/{job_id}/revisions/{number}/unapprove",
    response_model=RevisionOut,
    responses=ERRORS,
    summary="Withdraw a revision's approval",
)
def unapprove(job_id: str, number: RevisionNumber, state: State, principal: Editor) -> RevisionOut:
    """Withdraw the approval of a revision (the video then has no final revision until one is approved)."""
    access = Access.of_key(principal)
    with transaction(state.db.sessions) as session:
        revision = _revision(session, access, job_id, number)
        if not revision.approved:
            raise ConflictError(f"revision {number} is not approved")
        revision.approved = False
        revision.approved_at = None
    return RevisionOut.of(revision, presenter_for(state, access))
