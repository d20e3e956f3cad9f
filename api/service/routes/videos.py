"""``POST /v1/videos``: submit an article; the video is made by a job."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Response, status

from api.jobs import states
from api.jobs.payloads import VideoJobPayload
from api.service.deps import State, Submitter
from api.service.library_paths import inside_library
from api.service.ownership import Access
from api.service.presenter import presenter_for
from api.service.schemas import ErrorOut, JobOut, VideoIn
from api.service.submission import submit_job
from montage.errors import InputError
from montage.media.audio_check import require_audio

router = APIRouter(prefix="/v1", tags=["videos"])


def _looks_like_url(text: str) -> bool:
    return text.strip().lower().startswith(("http://", "https://"))


def video_payload(body: VideoIn, state: State) -> VideoJobPayload:
    """Check a request against the service's limits and library roots and turn it into a job payload."""
    article = body.article
    if len(article) > state.service.max_article_chars:
        raise InputError(
            f"the article has {len(article)} characters; the limit is {state.service.max_article_chars}",
            code="article_too_large",
        )
    if body.kind == "url" or (
        body.kind == "auto" and _looks_like_url(article) and "\n" not in article.strip()
    ):
        parts = urlsplit(article.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError("the article URL must be an http(s) URL with a host", code="invalid_url")
        article = article.strip()
    elif not any(char.isalnum() for char in article):
        # Whitespace, zero-width or punctuation only: refuse now rather than accept a job that must fail.
        raise InputError(
            "the article has no words (only spaces, punctuation or invisible characters)",
            code="article_empty",
        )
    music = None
    if body.music:
        music_path = inside_library(body.music, state.settings.library_roots)
        require_audio(music_path)  # a text file or a silent video is refused now, not in the render
        music = str(music_path)
    return VideoJobPayload(
        article=article,
        kind=body.kind,
        duration_s=body.duration_s,
        words=body.words,
        aspect=body.aspect,
        voice=body.voice,
        music=music,
        subtitles=body.subtitles,
    )


@router.post(
    "/videos",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobOut,
    responses={
        401: {"model": ErrorOut},
        403: {"model": ErrorOut},
        413: {"model": ErrorOut},
        422: {"model": ErrorOut},
    },
    summary="Submit an article to make a video",
)
def submit_video(body: VideoIn, state: State, principal: Submitter, response: Response) -> JobOut:
    """Queue a video job. URLs are downloaded by the worker, which refuses private and local addresses."""
    payload = video_payload(body, state)
    job = submit_job(state, states.VIDEO, payload.model_dump(), api_key_id=principal.key_id)
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return JobOut.of(job, presenter_for(state, Access.of_key(principal)))
