"""Where the picture cuts: sentence spans on the output clock, merged when too short, split when too long."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from montage.errors import InputError
from montage.timeline.frame_grid import snap_to_frame
from montage.timeline.model import CandidateShot, Slot
from montage.timeline.options import AlignmentOptions
from montage.timeline.shot_window import usable_length

_EPS = 1e-6


@dataclass(frozen=True)
class SentenceSpan:
    """The stretch of output time a sentence owns: from its audio start to the next sentence's start."""

    sentence_index: int
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Piece:
    """A planned segment: a stretch of output time and the sentence it mostly covers."""

    start_s: float
    end_s: float
    sentence_index: int

    @property
    def duration_s(self) -> float:
        """Length of the piece."""
        return self.end_s - self.start_s


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


def _dominant_sentence(spans: Sequence[SentenceSpan], start: float, end: float) -> int:
    best_index, best_cover = spans[0].sentence_index, -1.0
    for span in spans:
        cover = min(end, span.end_s) - max(start, span.start_s)
        if cover > best_cover + _EPS:
            best_index, best_cover = span.sentence_index, cover
    return best_index


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


def _normalised_salience(slots: Sequence[Slot]) -> dict[int, float]:
    values = [slot.salience for slot in slots]
    low, high = min(values), max(values)
    if high - low < 1e-9:
        return {slot.sentence_index: 0.5 for slot in slots}
    return {slot.sentence_index: (slot.salience - low) / (high - low) for slot in slots}


def _fitting_candidates(
    candidates: Sequence[CandidateShot], length_s: float, options: AlignmentOptions
) -> int:
    needed = length_s + options.transition_handle_s
    return sum(
        1 for c in candidates if c.score >= options.min_score and usable_length(c, options) >= needed - _EPS
    )


def _split_count(
    length_s: float, salience: float, candidates: Sequence[CandidateShot], options: AlignmentOptions
) -> int:
    target = options.pace_shot_s + (options.max_shot_s - options.pace_shot_s) * salience
    fewest = max(1, math.ceil(length_s / target - 1e-9))
    most = max(fewest, math.floor(length_s / options.min_shot_s + 1e-9))
    best, best_covered = fewest, -1.0
    for count in range(fewest, most + 1):
        fitting = _fitting_candidates(candidates, length_s / count, options)
        if fitting >= count:
            return count
        covered = fitting / count  # share of the pieces that a good shot can fill; the rest become cards
        if covered > best_covered + 1e-9:
            best, best_covered = count, covered
    return best


def plan_pieces(
    slots: Sequence[Slot],
    candidates: Mapping[int, Sequence[CandidateShot]],
    options: AlignmentOptions,
) -> tuple[list[Piece], list[str]]:
    """Cut the narration time into pieces of ``min_shot_s``..``max_shot_s`` on the frame grid.

    Cuts sit at sentence starts; a sentence too short for a shot shares a piece with its neighbour, and a
    long stretch is split evenly into as few pieces as its pace allows (more, when only shorter shots fit).
    Salient sentences hold longer. Returns the pieces and warnings.
    """
    spans = sentence_spans(slots)
    salience = _normalised_salience(slots)
    warnings: list[str] = []
    pieces: list[Piece] = []
    for group_start, group_end in merge_short_spans(spans, options.min_shot_s):
        dominant = _dominant_sentence(spans, group_start, group_end)
        members = [
            s.sentence_index for s in spans if s.start_s >= group_start - _EPS and s.end_s <= group_end + _EPS
        ]
        if len(members) > 1:
            warnings.append(
                f"sentences {', '.join(map(str, members))} are too short for a shot each; "
                f"they share pictures chosen for sentence {dominant}"
            )
        length = group_end - group_start
        count = _split_count(length, salience[dominant], candidates.get(dominant, ()), options)
        bounds = [group_start + length * k / count for k in range(count + 1)]
        for start, end in itertools.pairwise(bounds):
            pieces.append(Piece(start, end, _dominant_sentence(spans, start, end)))
    return _on_frame_grid(pieces, spans[-1].end_s, options.fps), warnings


def _on_frame_grid(pieces: Sequence[Piece], total_s: float, fps: float) -> list[Piece]:
    snapped: list[Piece] = []
    for position, piece in enumerate(pieces):
        start = 0.0 if position == 0 else snap_to_frame(piece.start_s, fps)
        end = total_s if position == len(pieces) - 1 else snap_to_frame(piece.end_s, fps)
        snapped.append(Piece(start, end, piece.sentence_index))
    return snapped
