"""Shots: search by meaning, read one, its thumbnail (keyframe, or the frame at a time) and a preview clip.

Every route needs a key (unless reads are open); thumbnails and previews take a signed link too, and the
links in responses are signed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.service.deps import MediaReader, Reader, State
from api.service.errors import NotFoundError
from api.service.library_paths import inside_library
from api.service.presenter import presenter_for
from api.service.previews import frame_path, make_frame, make_preview, preview_path
from api.service.schemas import RAW, ErrorOut, Presentation, Responses, ShotHitOut
from montage.db.models import Shot
from montage.errors import InputError

if TYPE_CHECKING:
    from montage.retrieval.shot_search import ShotHit

router = APIRouter(prefix="/v1/shots", tags=["shots"])

NOT_FOUND: Responses = {404: {"model": ErrorOut}}
ShotId = Annotated[int, PathParam(ge=-(2**63), le=2**63 - 1, description="A shot id.")]
SourceTime = Annotated[
    float | None,
    Query(
        ge=0,
        le=86_400,
        description="Seconds in the source file, inside the shot (e.g. a segment's in point).",
    ),
]


def hit_out(hit: ShotHit, similar: list[int] | None = None, view: Presentation = RAW) -> ShotHitOut:
    """The API view of a search hit (``similar``: near-duplicate shots folded into it), its links and text
    as ``view`` presents them."""
    return ShotHitOut(
        similar=similar or [],
        shot_id=hit.shot_id,
        path=str(view.data({"path": hit.path})["path"]),
        start=round(hit.start, 3),
        end=round(hit.end, 3),
        score=round(hit.score, 4),
        scores={k: (None if v is None else round(v, 4)) for k, v in hit.scores.items()},
        title=hit.title,
        license=hit.license,
        attribution=hit.attribution,
        text=hit.text,
        thumbnail=view.link(f"/v1/shots/{hit.shot_id}/thumbnail.jpg"),
        preview=view.link(f"/v1/shots/{hit.shot_id}/preview.mp4"),
        relevant=hit.relevant,
    )


def _search(state: State, query: str, k: int, view: Presentation) -> list[ShotHitOut]:
    from montage.retrieval.shot_search import search_shots

    hits = search_shots(
        state.db.sessions,
        state.channels(),
        query,
        k=k,
        index_dir=state.settings.index_dir,
        settings=state.settings.search,
        weights=state.settings.relevance,
    )
    with state.db.sessions() as session:
        rows = session.execute(
            select(Shot.id, Shot.duplicate_group).where(Shot.id.in_([hit.shot_id for hit in hits]))
        )
        groups = {int(shot_id): group for shot_id, group in rows}
    return [hit_out(best, similar, view) for best, similar in fold_near_duplicates(hits, groups)]


def fold_near_duplicates(
    hits: list[ShotHit], groups: dict[int, int | None]
) -> list[tuple[ShotHit, list[int]]]:
    """Hits best first with near-duplicates (same ``duplicate_group``) folded into the best of their group:
    each kept hit with the ids of the shots folded into it."""
    kept: list[tuple[ShotHit, list[int]]] = []
    first_of: dict[int, int] = {}
    for hit in hits:
        group = groups.get(hit.shot_id)
        if group is not None and group in first_of:
            kept[first_of[group]][1].append(hit.shot_id)
            continue
        if group is not None:
            first_of[group] = len(kept)
        kept.append((hit, []))
    return kept


@router.get(
    "/search",
    response_model=list[ShotHitOut],
    responses={409: {"model": ErrorOut}, 503: {"model": ErrorOut}},
    summary="Search shots by meaning",
)
async def search(
    state: State,
    access: Reader,
    q: Annotated[str, Query(min_length=1, max_length=500, description="What the shot should show.")],
    k: Annotated[int, Query(ge=1, le=1000)] = 10,
) -> list[ShotHitOut]:
    """The best shots for a text query, each with its score parts."""
    view = presenter_for(state, access)
    return await run_in_threadpool(_search, state, q, min(k, state.service.search_max_k), view)


def _shot(session: Session, shot_id: int) -> Shot:
    shot = session.get(Shot, shot_id)
    if shot is None:
        raise NotFoundError(f"no shot {shot_id}")
    return shot


def _locate(state: State, shot_id: int, at: float | None) -> tuple[Path, float, float]:
    """The shot's source file (inside the library roots) and its start and end; ``at`` must lie inside it."""
    with state.db.sessions() as session:
        shot = _shot(session, shot_id)
        source = inside_library(shot.source.path, state.settings.library_roots)
        if at is not None and not shot.start_s - 1e-3 <= at <= shot.end_s + 1e-3:
            raise InputError(
                f"{at:.3f} s is outside shot {shot_id} ({shot.start_s:.3f}–{shot.end_s:.3f} s of its file)",
                code="outside_shot",
            )
        return source, shot.start_s, shot.end_s


@router.get("/{shot_id}", responses=NOT_FOUND, summary="One shot")
def read(shot_id: ShotId, state: State, access: Reader) -> dict[str, object]:
    """A shot's source, time range, quality and text, with signed links to its thumbnail and preview."""
    view = presenter_for(state, access)
    with state.db.sessions() as session:
        shot = _shot(session, shot_id)
        return {
            "shot_id": str(shot.id),  # a decimal string, like every id in the API
            "path": view.data({"path": shot.source.rel_path})["path"],
            "title": shot.source.title,
            "start": round(shot.start_s, 3),
            "end": round(shot.end_s, 3),
            "quality": round(shot.quality, 4),
            "text": shot.text,
            "license": shot.source.license,
            "attribution": shot.source.attribution,
            "thumbnail": view.link(f"/v1/shots/{shot.id}/thumbnail.jpg"),
            "preview": view.link(f"/v1/shots/{shot.id}/preview.mp4"),
        }


@router.get(
    "/{shot_id}/thumbnail.jpg",
    response_class=FileResponse,
    responses={
        **NOT_FOUND,
        403: {"model": ErrorOut},
        422: {"model": ErrorOut},
        200: {"content": {"image/jpeg": {}}},
    },
    summary="A shot's keyframe",
)
async def thumbnail(
    shot_id: ShotId, state: State, _access: MediaReader, at: SourceTime = None
) -> FileResponse:
    """The shot's keyframe JPEG; with ``at``, the frame at that time (what a segment using it shows)."""
    if at is not None:
        source, _, _ = await run_in_threadpool(_locate, state, shot_id, at)
        target = frame_path(state.settings.cache_dir, shot_id, at, state.service.preview_width)
        await run_in_threadpool(make_frame, source, at, target, width=state.service.preview_width)
        return FileResponse(
            target, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"}
        )
    with state.db.sessions() as session:
        shot = _shot(session, shot_id)
    keyframes = state.settings.keyframe_dir.resolve()
    path = Path(shot.keyframe_path).resolve() if shot.keyframe_path else None
    if path is None or not path.is_relative_to(keyframes) or not path.is_file():
        raise NotFoundError(f"shot {shot_id} has no keyframe")
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})


@router.get(
    "/{shot_id}/preview.mp4",
    response_class=FileResponse,
    responses={
        **NOT_FOUND,
        403: {"model": ErrorOut},
        422: {"model": ErrorOut},
        200: {"content": {"video/mp4": {}}},
    },
    summary="A short preview clip of a shot",
)
async def preview(
    shot_id: ShotId, state: State, _access: MediaReader, start: SourceTime = None
) -> FileResponse:
    """The first seconds of the shot (from ``start``: of the window a segment uses), small and silent; cut
    once, then cached."""
    source, start_s, end_s = await run_in_threadpool(_locate, state, shot_id, start)
    start_s = start_s if start is None else start
    service = state.service
    target = preview_path(
        state.settings.cache_dir, shot_id, service.preview_width, service.preview_max_s, start
    )
    await run_in_threadpool(
        make_preview, source, start_s, end_s, target, width=service.preview_width, max_s=service.preview_max_s
    )
    return FileResponse(target, media_type="video/mp4", headers={"Cache-Control": "private, max-age=3600"})
