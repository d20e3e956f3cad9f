"""``POST /v1/media/sign``: signed links for media a page loads without headers (`<video>`, `<img>`,
`<track>`, downloads, `EventSource`), each checked against what the caller may read."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.service.deps import Reader, State
from api.service.ownership import visible_job
from api.service.schemas import ErrorOut
from montage.errors import InputError

router = APIRouter(prefix="/v1/media", tags=["media"])

_JOB_MEDIA = re.compile(
    r"/v1/jobs/(?P<job>[^/]{1,64})/"
    r"(?:video\.mp4|subtitles\.srt|subtitles\.vtt|timeline\.otio|poster\.jpg|timeline|events|export/\w{1,16})"
)
_SHOT_MEDIA = re.compile(r"/v1/shots/-?\d{1,19}/(?:thumbnail\.jpg|preview\.mp4)")
_DOCS = ("/docs", "/redoc", "/openapi.json")


class SignIn(BaseModel):
    """Links of this server to sign: paths, optionally with a query (``/v1/shots/7/thumbnail.jpg?at=2``)."""

    model_config = ConfigDict(extra="forbid")

    urls: list[Annotated[str, Field(min_length=1, max_length=2048)]] = Field(min_length=1, max_length=500)


class SignOut(BaseModel):
    """The signed links, in the order asked, and when they stop working."""

    urls: list[str]
    expires_at: datetime


def signable_job(url: str) -> str | None:
    """The job id a signable job link points to, None for a shot or docs link; InputError for any other."""
    parts = urlsplit(url)
    path = parts.path
    if parts.netloc or parts.scheme:
        raise InputError(f"{url[:200]!r} is not a path of this server", code="not_media")
    job = _JOB_MEDIA.fullmatch(path)
    if job:
        return job.group("job")
    if _SHOT_MEDIA.fullmatch(path) or path in _DOCS:
        return None
    raise InputError(f"{path[:200]!r} is not a media link that can be signed", code="not_media")


@router.post(
    "/sign",
    response_model=SignOut,
    responses={401: {"model": ErrorOut}, 404: {"model": ErrorOut}, 422: {"model": ErrorOut}},
    summary="Sign media links",
)
def sign(body: SignIn, state: State, access: Reader) -> SignOut:
    """Signed, short-lived versions of job media (video, subtitles, poster, OTIO, timeline, events, editing
    suite exports), shot
    thumbnails and previews, and the API docs: a page sets them as `src` or `href` with no headers. A job the
    caller may not read answers 404, like a missing one."""
    jobs = {job for job in (signable_job(url) for url in body.urls) if job is not None}
    with state.db.sessions() as session:
        for job_id in sorted(jobs):
            visible_job(session, access, job_id)
    now = datetime.now(UTC).timestamp()
    signed = [state.signer.sign(url, now=now) for url in body.urls]
    return SignOut(urls=signed, expires_at=datetime.fromtimestamp(int(now + state.signer.ttl_s), UTC))
