"""A video job's files: the MP4 (with HTTP Range), SRT/VTT subtitles, OTIO export and poster.

Each takes the caller's key or a signed link (:mod:`api.service.signed_urls`), for players that send no
headers. Files are served from a rendered revision (the newest, or ``?revision=N``), whose folder appeared
in one rename when its render completed, so a half-written file is never served.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from api.jobs.artifacts import output_names
from api.jobs.revisions import latest_rendered
from api.service.deps import MediaReader, State
from api.service.errors import NotFoundError
from api.service.nle_download import export_download
from api.service.ownership import Access, visible_job
from api.service.schemas import ErrorOut, Responses

router = APIRouter(prefix="/v1/jobs", tags=["results"])

RevisionQuery = Annotated[
    int | None, Query(ge=1, le=100_000, description="Revision (default: newest rendered).")
]
NOT_FOUND: Responses = {404: {"model": ErrorOut}}


def result_file(state: State, job_id: str, kind: str, revision: int | None, access: Access) -> Path:
    """The path of one result file of a rendered revision of a job the caller may see, checked to lie
    inside the artifact folder."""
    with state.db.sessions() as session:
        visible_job(session, access, job_id)
        rendered = latest_rendered(session, job_id, revision)
    if rendered is None or not rendered.artifacts_dir:
        which = f"revision {revision}" if revision else "any revision"
        raise NotFoundError(f"job {job_id} has no rendered {which} yet")
    folder = Path(rendered.artifacts_dir).resolve()
    name = output_names(folder).get(kind)
    path = (folder / name).resolve() if name else None
    if path is None or not path.is_relative_to(state.settings.artifact_dir.resolve()) or not path.is_file():
        raise NotFoundError(f"job {job_id} revision {rendered.number} has no {kind} file")
    return path


@router.get(
    "/{job_id}/video.mp4",
    response_class=FileResponse,
    responses={**NOT_FOUND, 200: {"content": {"video/mp4": {}}}, 206: {"description": "Partial content"}},
    summary="The video (HTTP Range supported)",
)
def video(job_id: str, state: State, access: MediaReader, revision: RevisionQuery = None) -> FileResponse:
    """The MP4; browsers can seek with Range requests."""
    path = result_file(state, job_id, "video", revision, access)
    return FileResponse(
        path, media_type="video/mp4", filename=f"{job_id}.mp4", content_disposition_type="inline"
    )


@router.get(
    "/{job_id}/subtitles.srt",
    response_class=FileResponse,
    responses={**NOT_FOUND, 200: {"content": {"application/x-subrip": {}}}},
    summary="Subtitles (SRT)",
)
def srt(job_id: str, state: State, access: MediaReader, revision: RevisionQuery = None) -> FileResponse:
    """SubRip subtitles of the narration."""
    path = result_file(state, job_id, "srt", revision, access)
    return FileResponse(path, media_type="application/x-subrip; charset=utf-8")


@router.get(
    "/{job_id}/subtitles.vtt",
    response_class=FileResponse,
    responses={**NOT_FOUND, 200: {"content": {"text/vtt": {}}}},
    summary="Subtitles (WebVTT)",
)
def vtt(job_id: str, state: State, access: MediaReader, revision: RevisionQuery = None) -> FileResponse:
    """WebVTT subtitles of the narration (for the HTML video player)."""
    path = result_file(state, job_id, "vtt", revision, access)
    return FileResponse(path, media_type="text/vtt; charset=utf-8")


@router.get(
    "/{job_id}/timeline.otio",
    response_class=FileResponse,
    responses={**NOT_FOUND, 200: {"content": {"application/json": {}}}},
    summary="OpenTimelineIO export",
)
def otio(job_id: str, state: State, access: MediaReader, revision: RevisionQuery = None) -> FileResponse:
    """The cut as an OpenTimelineIO file, for editing software."""
    path = result_file(state, job_id, "otio", revision, access)
    return FileResponse(path, media_type="application/json", filename=f"{job_id}.otio")


@router.get(
    "/{job_id}/poster.jpg",
    response_class=FileResponse,
    responses={**NOT_FOUND, 200: {"content": {"image/jpeg": {}}}},
    summary="Poster image",
)
def poster(job_id: str, state: State, access: MediaReader, revision: RevisionQuery = None) -> FileResponse:
    """A still for the video player and listings."""
    path = result_file(state, job_id, "poster", revision, access)
    return FileResponse(path, media_type="image/jpeg")


ExportFormat = Literal["otio", "fcp7xml", "fcpxml", "edl", "aaf", "mlt", "all"]


@router.get(
    "/{job_id}/export/{format_name}",
    response_class=FileResponse,
    responses={**NOT_FOUND, 403: {"model": ErrorOut}, 200: {"content": {"application/zip": {}}}},
    summary="Export for editing suites (ZIP)",
)
def nle_export(
    job_id: str,
    format_name: ExportFormat,
    state: State,
    access: MediaReader,
    revision: RevisionQuery = None,
    bundle: Annotated[
        bool, Query(description="Carry the media, relative paths (false: server paths, admin only).")
    ] = True,
) -> FileResponse:
    """The cut as FCP 7 XML, FCPXML, EDL, AAF, MLT or OTIO (or all) with its cards, subtitles and relink
    map, zipped (docs/nle-export.md)."""
    return export_download(state, access, job_id, format_name, revision=revision, bundle=bundle)
