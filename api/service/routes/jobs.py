"""Jobs: list, read, follow (server-sent events) and cancel — each only the caller's own (team's) jobs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.sse import EventSourceResponse, ServerSentEvent

from api.jobs import states
from api.jobs.repository import list_jobs, request_cancel
from api.service.deps import MediaReader, Reader, State, Submitter
from api.service.errors import AuthError, NotFoundError
from api.service.job_events import job_events
from api.service.ownership import Access, visible_job, visible_jobs
from api.service.presenter import presenter_for
from api.service.schemas import ErrorOut, JobOut, JobPage, Responses

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])

NOT_FOUND: Responses = {404: {"model": ErrorOut}}
JobStatus = Annotated[str | None, Query(pattern="^(queued|running|succeeded|failed|cancelled)$")]
JobKind = Annotated[str | None, Query(pattern="^(video|render|reindex)$")]


@router.get("", response_model=JobPage, summary="List jobs, newest first")
def list_all(
    state: State,
    access: Reader,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 20,
    status_: Annotated[
        str | None, Query(alias="status", pattern="^(queued|running|succeeded|failed|cancelled)$")
    ] = None,
    kind: JobKind = None,
) -> JobPage:
    """A page of the jobs the caller may see (its key's or team's; all with ``admin``); ``next`` is the URL
    of the following page, if any."""
    limit = min(limit, state.service.page_size_max)
    with state.db.sessions() as session:
        rows, total = list_jobs(
            session, offset=offset, limit=limit, status=status_, kind=kind, where=visible_jobs(access)
        )
    following = offset + len(rows)
    next_url = None
    if following < total:
        next_url = f"/v1/jobs?offset={following}&limit={limit}"
        next_url += "".join(f"&{k}={v}" for k, v in (("status", status_), ("kind", kind)) if v)
    view = presenter_for(state, access)
    items = [JobOut.of(r, view) for r in rows]
    return JobPage(items=items, total=total, offset=offset, limit=limit, next=next_url)


@router.get("/{job_id}", response_model=JobOut, responses=NOT_FOUND, summary="A job's status")
def read(job_id: str, state: State, access: Reader) -> JobOut:
    """Status, stage, progress, warnings (e.g. "visual channel unavailable") and error of a job."""
    with state.db.sessions() as session:
        job = visible_job(session, access, job_id)
    return JobOut.of(job, presenter_for(state, access))


def visible_job_id(job_id: str, state: State, access: MediaReader) -> str:
    """The id of a job the caller may see (404 otherwise), checked before a stream starts."""
    with state.db.sessions() as session:
        visible_job(session, access, job_id)
    return job_id


@router.get(
    "/{job_id}/events",
    response_class=EventSourceResponse,
    responses={
        404: {
            "description": "No such job (a JSON error, before any event is sent)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
        }
    },
    summary="Follow a job (server-sent events)",
)
async def events(
    job_id: Annotated[str, Depends(visible_job_id)], state: State, access: MediaReader, request: Request
) -> AsyncIterator[ServerSentEvent]:
    """A ``job`` event with the job's state whenever it changes, then ``end`` once it is over (404 for an
    unknown job). Takes a signed URL too, since `EventSource` cannot send headers."""
    view = presenter_for(state, access)
    async for event in job_events(state, job_id, view, is_disconnected=request.is_disconnected):
        yield event


@router.post(
    "/{job_id}/cancel",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobOut,
    responses={**NOT_FOUND, 401: {"model": ErrorOut}, 403: {"model": ErrorOut}},
    summary="Cancel a job",
)
def cancel(job_id: str, state: State, principal: Submitter) -> JobOut:
    """A queued job is cancelled at once; a running one stops at its next check (within seconds)."""
    access = Access.of_key(principal)
    with state.db.sessions() as session:
        existing = visible_job(session, access, job_id)
        if existing.kind == states.REINDEX and not principal.allows("admin"):
            raise AuthError("cancelling a re-index needs the `admin` scope", code="forbidden", status=403)
    job = request_cancel(state.db.sessions, job_id)
    if job is None:
        raise NotFoundError(f"no job {job_id}")
    return JobOut.of(job, presenter_for(state, access))
