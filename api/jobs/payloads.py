"""What each job kind is asked to do: the JSON stored in ``jobs.payload``, validated on the way in and out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from montage.pipeline.types import MakeRequest

if TYPE_CHECKING:
    from indexer.runner import IndexRequest

ArticleKind = Literal["auto", "text", "markdown", "html", "url"]


class VideoJobPayload(BaseModel):
    """Make a video from an article. ``music`` is an absolute path already checked against library roots."""

    model_config = ConfigDict(extra="forbid")

    article: str
    kind: ArticleKind = "auto"
    duration_s: float | None = None
    words: int | None = None
    aspect: Literal["16:9", "9:16", "1:1"] = "16:9"
    voice: str | None = None
    music: str | None = None
    subtitles: bool = False

    def to_make_request(self) -> MakeRequest:
        """The pipeline request for this payload."""
        from pathlib import Path

        return MakeRequest(
            article=self.article,
            kind=self.kind,
            duration_s=self.duration_s,
            words=self.words,
            aspect=self.aspect,
            voice=self.voice,
            music_path=Path(self.music) if self.music else None,
            burn_subtitles=self.subtitles,
        )


class RenderJobPayload(BaseModel):
    """Re-render one revision of a video job."""

    model_config = ConfigDict(extra="forbid")

    video_job_id: str
    revision: int = Field(ge=1)


class ReindexJobPayload(BaseModel):
    """Re-index library folders (absolute paths already checked against the library roots)."""

    model_config = ConfigDict(extra="forbid")

    paths: list[str]
    manifests: list[str] = Field(default_factory=list)
    full: bool = False

    def to_index_request(self) -> IndexRequest:
        """The indexer's request for this payload."""
        from pathlib import Path

        from indexer.runner import IndexRequest

        return IndexRequest(
            paths=[Path(p) for p in self.paths], manifests=[Path(m) for m in self.manifests], full=self.full
        )
