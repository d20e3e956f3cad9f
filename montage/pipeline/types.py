"""Plain data going into and out of the pipeline, shared by the CLI, the job workers and the API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from montage.errors import MontageError
from montage.options.render import Aspect
from montage.timeline.model import Timeline

__all__ = [
    "STAGES",
    "Aspect",
    "CancelledError",
    "MakeOutputs",
    "MakeRequest",
    "MakeResult",
    "ShouldCancel",
    "StageProgress",
]

STAGES = ("article", "narration", "anchors", "speech", "retrieval", "alignment", "render")


@dataclass(frozen=True)
class MakeRequest:
    """What to make: the article (text, Markdown, HTML, a file path or an http(s) URL) and the options."""

    article: str
    kind: Literal["auto", "text", "markdown", "html", "url", "file"] = "auto"
    duration_s: float | None = None
    words: int | None = None
    aspect: Aspect = "16:9"
    voice: str | None = None
    music_path: Path | None = None
    burn_subtitles: bool = False
    dry_run: bool = False


@dataclass(frozen=True)
class MakeOutputs:
    """Files a run produced (all next to ``video``; ``video`` is None on a dry run)."""

    video: Path | None
    srt: Path
    vtt: Path
    timeline: Path
    otio: Path
    poster: Path | None


@dataclass
class MakeResult:
    """Outputs, the timeline, warnings (e.g. visual channel unavailable), stage timings."""

    outputs: MakeOutputs
    timeline: Timeline
    warnings: list[str] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)


class StageProgress(Protocol):
    """Receives the current stage and its fraction done (0..1)."""

    def __call__(self, stage: str, fraction: float) -> None:
        """Report progress."""


ShouldCancel = Callable[[], bool]


class CancelledError(MontageError):
    """The run was cancelled by its owner."""

    code = "cancelled"
