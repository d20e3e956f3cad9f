"""What alignment starts from: narration sentences on the output clock and the shots proposed for them.

Plain frozen dataclasses, never serialised; the timeline alignment makes from them is in ``model.py``.
All times are seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    activity: tuple[float, ...] = ()
    """Motion per ``ACTIVITY_STEP_S`` from ``shot_start_s`` (``montage.media.shot_activity``); empty when
    not measured: pieces then start where the free footage starts."""

    @property
    def duration_s(self) -> float:
        """Length of the shot in its source."""
        return self.shot_end_s - self.shot_start_s
