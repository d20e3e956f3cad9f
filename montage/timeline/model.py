"""Plain data of the timeline stage: narration slots, candidate shots, and the finished timeline.

All times are seconds. ``start_s``/``end_s`` are positions in the output video; ``in_s``/``out_s`` are
positions inside a source file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Aspect = Literal["16:9", "9:16", "1:1"]
"""The output frame's aspect ratio."""

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class Slot:
    """One narration sentence on the output clock, placed from the real duration of its speech audio.

    ``salience`` is in [0, 1]; ``anchor`` is a short phrase for a title card (None: cut from ``text``).
    ``headline`` marks the article's title line, which may open on footage of the whole story (B-roll).
    """

    sentence_index: int
    text: str
    start_s: float
    duration_s: float
    salience: float
    anchor: str | None = None
    headline: bool = False

    @property
    def end_s(self) -> float:
        """When the sentence's audio ends."""
        return self.start_s + self.duration_s


@dataclass(frozen=True)
class CandidateShot:
    """A library shot proposed for one sentence, with its relevance ``score`` and the score's parts.

    ``source_cut_points_s`` are the source file's own cut times (shot starts); in/out points keep away
    from them. ``source_fps`` (when known) sets the safety margin in source frames and the OTIO rate.
    """

    shot_id: int
    source_id: int
    path: str
    shot_start_s: float
    shot_end_s: float
    score: float
    scores: dict[str, float | None] = field(default_factory=dict)
    source_cut_points_s: tuple[float, ...] = ()
    license: str = ""
    attribution: str = ""
    source_fps: float | None = None

    @property
    def duration_s(self) -> float:
        """Length of the shot in its source."""
        return self.shot_end_s - self.shot_start_s


@dataclass(frozen=True)
class ShotUse:
    """The part ``[in_s, out_s)`` of a library shot that fills one segment.

    ``speed`` is source seconds per output second: 1.0 plays the shot as shot; 0.87 plays it 13 % slower
    so a slightly short clip fills its segment (montage keeps it within ±15 %).
    """

    path: str
    shot_id: int
    source_id: int
    in_s: float
    out_s: float
    score: float
    scores: dict[str, float | None] = field(default_factory=dict)
    source_fps: float | None = None
    speed: float = 1.0

    @property
    def duration_s(self) -> float:
        """Length of the part used, in source seconds."""
        return self.out_s - self.in_s


@dataclass(frozen=True)
class Alternative:
    """Another shot that could fill a segment, with the in/out points it would use there."""

    shot_id: int
    source_id: int
    path: str
    in_s: float
    out_s: float
    score: float
    scores: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Segment:
    """One stretch ``[start_s, end_s)`` of the output picture: a shot, or a fallback card (``shot`` None).

    ``sentence_index`` is the narration sentence whose picture this is (a held shot keeps the sentence it was
    chosen for while it runs on under the next one). ``fill`` says how the segment was filled: ``relevant``
    (a shot that clears the relevance floor for its sentence), ``named`` (the shot of a thing the sentence
    names), ``held`` (the previous relevant shot running on, new frames only), ``broll`` (footage that fits
    the story's topic, for a sentence with nothing specific to show) or ``card``; ``fill_reason`` says why.
    """

    index: int
    sentence_index: int
    sentence: str
    start_s: float
    end_s: float
    shot: ShotUse | None
    fallback: bool
    fallback_text: str | None = None
    alternatives: list[Alternative] = field(default_factory=list)
    fill: str = "relevant"
    fill_reason: str = ""

    @property
    def duration_s(self) -> float:
        """Length of the segment on the output clock."""
        return self.end_s - self.start_s


@dataclass(frozen=True)
class NarrationClip:
    """One sentence's speech audio (a WAV file) placed at ``start_s`` on the output clock."""

    sentence_index: int
    path: str
    start_s: float
    duration_s: float
    text: str = ""


@dataclass(frozen=True)
class MusicTrack:
    """Background music under the narration: looped or trimmed to length, ducked under speech."""

    path: str
    gain_db: float = -16.0


@dataclass(frozen=True)
class Credit:
    """One footage source to credit at the end: its licence and the attribution it asks for."""

    source_id: int
    path: str
    license: str
    attribution: str


@dataclass(frozen=True)
class Timeline:
    """The edit: picture segments tiling ``[0, duration_s]``, narration audio, music, credits, warnings."""

    width: int
    height: int
    fps: float
    aspect: Aspect
    duration_s: float
    segments: list[Segment]
    narration: list[NarrationClip]
    music: MusicTrack | None = None
    credits: list[Credit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    schema_version: str = SCHEMA_VERSION
