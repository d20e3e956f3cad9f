"""Sentence spans on the output clock, and groups of spans long enough to carry a shot."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from montage.errors import InputError
from montage.timeline.plan_inputs import Slot

_EPS = 1e-6


@dataclass(frozen=True)
class SentenceSpan:
    """The stretch of output time a sentence owns: from its audio start to the next sentence's start."""

    sentence_index: int
    start_s: float
    end_s: float


def sentence_spans(slots: Sequence[Slot]) -> list[SentenceSpan]:
    """Spans tiling ``[0, end of the last sentence]``; the pause after a sentence belongs to it.

    Raises InputError when slots are empty, overlap, or have no positive duration.
    """
    if not slots:
        raise InputError("the narration has no sentences to place pictures under")
    ordered = sorted(slots, key=lambda s: (s.start_s, s.sentence_index))
    for slot in ordered:
        if slot.duration_s <= 0 or slot.start_s < 0:
            raise InputError(f"sentence {slot.sentence_index} has no speech time (start/duration invalid)")
    for before, after in itertools.pairwise(ordered):
        if after.start_s < before.end_s - 1e-3:
            raise InputError(
                f"sentences {before.sentence_index} and {after.sentence_index} overlap in the narration"
            )
    total = max(slot.end_s for slot in ordered)
    starts = [0.0] + [slot.start_s for slot in ordered[1:]]
    ends = [slot.start_s for slot in ordered[1:]] + [total]
    return [
        SentenceSpan(slot.sentence_index, start, end)
        for slot, start, end in zip(ordered, starts, ends, strict=True)
    ]


def merge_short_spans(spans: Sequence[SentenceSpan], min_shot_s: float) -> list[tuple[float, float]]:
    """Group consecutive spans so every group lasts at least ``min_shot_s`` (unless the whole is shorter).

    A short last group joins the one before it.
    """
    groups: list[tuple[float, float]] = []
    group_start = spans[0].start_s
    for span in spans:
        if span.end_s - group_start >= min_shot_s - _EPS:
            groups.append((group_start, span.end_s))
            group_start = span.end_s
    total = spans[-1].end_s
    if group_start < total - _EPS:
        if groups:
            groups[-1] = (groups[-1][0], total)
        else:
            groups.append((group_start, total))
    return groups
