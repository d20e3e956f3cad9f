"""Small builders of slots and candidate shots for alignment tests."""

from __future__ import annotations

from collections.abc import Sequence

from montage.timeline.plan_inputs import CandidateShot, Slot


def slots_from_durations(
    durations: Sequence[float], *, gap_s: float = 0.0, salience: Sequence[float] | None = None
) -> list[Slot]:
    """Consecutive sentences with the given audio durations (and pauses of ``gap_s`` between them)."""
    slots: list[Slot] = []
    start = 0.0
    for i, duration in enumerate(durations):
        value = 0.5 if salience is None else salience[i]
        slots.append(
            Slot(i, f"Sentence {i} says something about topic {i}.", round(start, 6), duration, value)
        )
        start += duration + gap_s
    return slots


def shot(
    shot_id: int,
    source_id: int,
    score: float,
    *,
    start: float = 0.0,
    length: float = 10.0,
    cuts: tuple[float, ...] = (),
    fps: float | None = 25.0,
) -> CandidateShot:
    """A candidate shot of ``length`` seconds from source ``source_id`` (file /library/src<id>.mp4)."""
    return CandidateShot(
        shot_id=shot_id,
        source_id=source_id,
        path=f"/library/src{source_id}.mp4",
        shot_start_s=start,
        shot_end_s=start + length,
        score=score,
        scores={"text": score, "visual": None},
        source_cut_points_s=cuts,
        license="CC-BY-4.0",
        attribution=f"Author {source_id}",
        source_fps=fps,
    )
