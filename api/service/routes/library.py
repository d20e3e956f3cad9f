"""The footage library: re-index it (a job) and read its statistics."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from api.jobs import states
from api.jobs.payloads import ReindexJobPayload
from api.jobs.repository import active_job_of_kind
from api.service.deps import Admin, Reader, State
from api.service.errors import ConflictError
from api.service.library_paths import inside_library
from api.service.ownership import Access
from api.service.presenter import presenter_for
from api.service.schemas import ErrorOut, JobOut, ReindexIn
from api.service.submission import submit_job

router = APIRouter(prefix="/v1/library", tags=["library"])


@router.post(
    "/reindex",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobOut,
    responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 409: {"model": ErrorOut}},
    summary="Re-index the library (a job)",
)
def reindex(body: ReindexIn, state: State, principal: Admin, response: Response) -> JobOut:
    """Queue the batch re-index of the given folders (default: every library root).

    Only one re-index is queued or running at a time; the new FAISS index is swapped in atomically, so
    searches keep being answered meanwhile.
    """
    roots = state.settings.library_roots
    paths = [str(inside_library(p, roots)) for p in body.paths] or [
        str(inside_library(r, roots)) for r in roots
    ]
    if not paths:
        inside_library(".", roots)  # raises: no library roots configured
    manifests = [str(inside_library(m, roots)) for m in body.manifests]
    payload = ReindexJobPayload(paths=paths, manifests=manifests, full=body.full)
    with state.db.sessions() as session:
        active = active_job_of_kind(session, states.REINDEX)
        if active is not None:
            raise ConflictError(f"re-index job {active.id} is already {active.status}")
    job = submit_job(state, states.REINDEX, payload.model_dump(), api_key_id=principal.key_id)
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return JobOut.of(job, presenter_for(state, Access.of_key(principal)))


@router.get("/stats", summary="Library statistics")
def stats(state: State, access: Reader) -> dict[str, object]:
    """Sources by status, shots, failed files with reasons, and each channel's vectors and index (paths
    relative to the library root unless the key has ``admin``)."""
    from montage.library_stats import library_stats

    with state.db.sessions() as session:
        found = library_stats(session, state.settings.index_dir)
    shown: dict[str, object] = presenter_for(state, access).data(found)
    return shown
