"""Request and response bodies of the REST API (they make up its OpenAPI schema)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from api.jobs.artifacts import output_names
from api.jobs.clock import as_utc
from api.jobs.payloads import ArticleKind
from montage.db.models import Job, VideoRevision
from montage.timeline.edits import EDIT_LIST, Edit
from montage.timeline.model import Id, Timeline

Responses = dict[int | str, dict[str, Any]]


class Presentation(Protocol):
    """How one caller sees responses: media links (signed or not) and data (server paths hidden or not)."""

    def link(self, url: str) -> str:
        """The media link the caller gets for ``url``."""
        ...

    def data(self, value: Any) -> Any:
        """JSON-like ``value`` as the caller may see it."""
        ...


class RawPresentation:
    """Links and data as they are (the CLI and tests; the API passes a per-caller presentation)."""

    def link(self, url: str) -> str:
        """``url`` unchanged."""
        return url

    def data(self, value: Any) -> Any:
        """``value`` unchanged."""
        return value


RAW = RawPresentation()


class ErrorDetail(BaseModel):
    """A machine-readable code and a message meant for people."""

    code: str
    message: str


class ErrorOut(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


class VideoIn(BaseModel):
    """An article to turn into a video, and how."""

    model_config = ConfigDict(extra="forbid")

    article: str = Field(
        min_length=1, description="The article: plain text, Markdown, HTML, or an http(s) URL."
    )
    kind: ArticleKind = Field(default="auto", description="What `article` is; `auto` sniffs it.")
    duration_s: float | None = Field(default=None, gt=0, le=1800, description="Target length in seconds.")
    words: int | None = Field(default=None, gt=0, le=5000, description="Target narration length in words.")
    aspect: Literal["16:9", "9:16", "1:1"] = "16:9"
    voice: str | None = Field(default=None, max_length=100, description="A voice name of the speech engine.")
    music: str | None = Field(
        default=None,
        max_length=4096,
        description="A music file inside the library roots (relative or absolute).",
    )
    subtitles: bool = Field(
        default=False, description="Burn subtitles into the video (SRT/VTT are always made)."
    )


class JobLinks(BaseModel):
    """Where to go next."""

    self: str
    events: str
    cancel: str
    results: dict[str, str] = Field(default_factory=dict)


TITLE_HEAD_CHARS = 4000
"""How much of an article ``job_title`` reads to find its title."""


def job_title(job: Job) -> str:
    """What a person calls the job: a video job's article title line (or its URL), shortened; a render job's
    revision; a re-index."""
    if job.kind == "render":
        return f"revision {job.revision} of video {str(job.video_job_id or '')[:8]}"
    if job.kind != "video":
        return "library re-index" if job.kind == "reindex" else job.kind
    # the title is at the top: read only the head, not up to 200,000 characters per job on every list poll
    article = str((job.payload or {}).get("article", ""))[:TITLE_HEAD_CHARS].strip()
    if article.startswith(("http://", "https://")):
        return article[:120]
    heading = re.search(r"<(h1|title)[^>]*>(.*?)</\1>", article, re.IGNORECASE | re.DOTALL)
    lines = [heading.group(2)] if heading else article.splitlines()
    for line in lines:
        text = " ".join(re.sub(r"<[^>]*>", " ", line).strip().lstrip("#").split())
        if text:
            first = re.split(r"(?<=[.!?。！？])\s*", text, maxsplit=1)[0]  # a plain article's first sentence
            return first if len(first) <= 80 else first[:79].rstrip() + "…"
    return "untitled article"


class JobOut(BaseModel):
    """A job's state."""

    id: str
    kind: str
    title: str = Field(description="What a person calls the job (a video's article title line or URL).")
    status: str
    stage: str | None
    progress: float
    warnings: list[str]
    error: ErrorDetail | None
    attempts: int
    max_attempts: int
    cancel_requested: bool
    video_job_id: str | None
    revision: int | None
    result: dict[str, object] | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    links: JobLinks

    @classmethod
    def of(cls, job: Job, view: Presentation = RAW) -> JobOut:
        """The API view of a job row, as ``view`` presents it (signed result links, paths hidden or not)."""
        base = f"/v1/jobs/{job.id}"
        results: dict[str, str] = {}
        if job.kind == "video" and job.status == "succeeded":
            outputs = (job.result or {}).get("outputs", {})
            names = outputs if isinstance(outputs, dict) else {}
            results = {
                kind: view.link(f"{base}/{RESULT_ROUTES[kind]}") for kind in names if kind in RESULT_ROUTES
            }
        message = str(view.data(job.error_message or ""))
        error = ErrorDetail(code=job.error_code, message=message) if job.error_code else None
        return cls(
            id=job.id,
            kind=job.kind,
            title=job_title(job),
            status=job.status,
            stage=job.stage,
            progress=round(job.progress, 4),
            warnings=[str(w) for w in view.data(list(job.warnings))],
            error=error,
            attempts=job.attempts,
            max_attempts=job.max_attempts,
            cancel_requested=job.cancel_requested,
            video_job_id=job.video_job_id,
            revision=job.revision,
            result=view.data(job.result),
            created_at=as_utc(job.created_at) or job.created_at,
            started_at=as_utc(job.started_at),
            finished_at=as_utc(job.finished_at),
            links=JobLinks(self=base, events=f"{base}/events", cancel=f"{base}/cancel", results=results),
        )


RESULT_ROUTES = {
    "video": "video.mp4",
    "srt": "subtitles.srt",
    "vtt": "subtitles.vtt",
    "timeline": "timeline",
    "otio": "timeline.otio",
    "poster": "poster.jpg",
}


class JobPage(BaseModel):
    """A page of jobs, newest first."""

    items: list[JobOut]
    total: int
    offset: int
    limit: int
    next: str | None


class ReindexIn(BaseModel):
    """Which library folders to re-index (default: every library root)."""

    model_config = ConfigDict(extra="forbid")

    paths: list[Annotated[str, Field(min_length=1, max_length=4096)]] = Field(
        default_factory=list, max_length=100
    )
    manifests: list[Annotated[str, Field(min_length=1, max_length=4096)]] = Field(
        default_factory=list, max_length=100
    )
    full: bool = Field(default=False, description="Re-analyse unchanged files too.")


class EditsIn(BaseModel):
    """Edits applied to a revision (the newest by default), making a new revision."""

    model_config = ConfigDict(extra="forbid")

    base_revision: int | None = Field(default=None, ge=1)
    edits: list[Edit] = Field(min_length=1, max_length=200)


class RevisionOut(BaseModel):
    """One revision of a video's timeline."""

    number: int
    base_number: int | None
    status: str
    approved: bool
    approved_at: datetime | None
    created_at: datetime
    render_job_id: str | None
    edits: list[Edit]
    outputs: dict[str, str]

    @classmethod
    def of(cls, revision: VideoRevision, view: Presentation = RAW) -> RevisionOut:
        """The API view of a revision row, with links to its files as ``view`` presents them."""
        base = f"/v1/jobs/{revision.job_id}"
        present = output_names(Path(revision.artifacts_dir)) if revision.artifacts_dir else {}
        outputs = {
            kind: view.link(f"{base}/{RESULT_ROUTES[kind]}?revision={revision.number}")
            for kind in present
            if kind in RESULT_ROUTES
        }
        return cls(
            number=revision.number,
            base_number=revision.base_number,
            status=revision.status,
            approved=revision.approved,
            approved_at=as_utc(revision.approved_at),
            created_at=as_utc(revision.created_at) or revision.created_at,
            render_job_id=revision.render_job_id,
            edits=EDIT_LIST.validate_python(list(revision.edits)),
            outputs=outputs,
        )


class TimelineOut(BaseModel):
    """One revision's timeline, with the revision it belongs to."""

    job_id: str
    revision: int
    status: str
    timeline: Timeline


class ShotHitOut(BaseModel):
    """A shot found by search, with its score parts (``shot_id`` is a decimal string, like the timeline's)."""

    shot_id: Id
    path: str
    start: float
    end: float
    score: float
    scores: dict[str, float | None]
    title: str
    license: str
    attribution: str
    text: str
    thumbnail: str
    preview: str
    similar: list[Id] = Field(
        default_factory=list,
        description="Near-duplicate shots (same keyframe hash group) folded into this hit, best first.",
    )
    relevant: bool = Field(
        default=True,
        description="Clears the relevance floor calibrated for the models in use (montage make never shows "
        "a shot below it for a sentence with this text).",
    )


class CheckOut(BaseModel):
    """One readiness check."""

    name: str
    ok: bool
    required: bool
    detail: str


class ReadyOut(BaseModel):
    """Whether the service can take and run jobs, and what it found."""

    ready: bool
    checks: list[CheckOut]
    channels: list[str]
    visual_channel: str
