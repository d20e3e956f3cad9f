"""The subtitle cue: text shown over a span of time (read from subtitle files, or written for a video)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cue:
    """One subtitle cue: ``text`` shown from ``start_s`` to ``end_s`` (seconds).

    A line break in ``text`` separates the lines shown on screen (cues read from a library's subtitle
    files are one plain line). ``sentence_index`` is the narration sentence a cue montage writes belongs to;
    None for cues read from files.
    """

    start_s: float
    end_s: float
    text: str
    sentence_index: int | None = None

    @property
    def lines(self) -> tuple[str, ...]:
        """The lines shown on screen (``text`` split at line breaks)."""
        return tuple(self.text.split("\n"))
