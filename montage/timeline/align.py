"""Stage 6: choose a shot and its in/out points for every stretch of narration.

``align`` plans the cuts (sentence starts, splits of long sentences, optional beat snapping), then picks
shots for all segments at once (see ``assignment``): the value of a shot in a segment is
``score × seconds / max_shot_s × (1 + salience_weight × salience)``, so salient sentences win the best shots,
no shot is used twice, and neighbours from the same source file pay ``same_source_penalty``. A sentence
whose best candidate is below ``min_score`` (or for which no candidate is long enough) gets fallback cards.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from montage.timeline.assignment import FALLBACK, AssignmentProblem, Option, solve_assignment
from montage.timeline.beat_snap import snap_cuts_to_beats
from montage.timeline.model import Alternative, CandidateShot, Credit, Segment, ShotUse, Slot
from montage.timeline.options import AlignmentOptions
from montage.timeline.segmenting import Piece, plan_pieces
from montage.timeline.shot_window import choose_window
from montage.timeline.title_phrase import title_phrase


@dataclass(frozen=True)
class Alignment:
    """The picture edit: segments tiling ``[0, duration_s]``, the sources to credit, and warnings."""

    duration_s: float
    segments: list[Segment]
    credits: list[Credit]
    warnings: list[str]


@dataclass(frozen=True)
class _Fit:
    shot: CandidateShot
    in_s: float
    out_s: float


def _ranked(candidates: Sequence[CandidateShot]) -> list[CandidateShot]:
    seen: set[int] = set()
    ranked: list[CandidateShot] = []
    for shot in sorted(candidates, key=lambda c: (-c.score, c.shot_id)):
        if shot.shot_id not in seen:
            seen.add(shot.shot_id)
            ranked.append(shot)
    return ranked


def _fits(candidates: Sequence[CandidateShot], duration_s: float, options: AlignmentOptions) -> list[_Fit]:
    fits: list[_Fit] = []
    for shot in candidates:
        window = choose_window(shot, duration_s, options)
        if window is not None:
            fits.append(_Fit(shot, *window))
    return fits


def _beat_snapped(pieces: list[Piece], beats: Sequence[float], options: AlignmentOptions) -> list[Piece]:
    cuts = [p.start_s for p in pieces] + [pieces[-1].end_s]
    moved = snap_cuts_to_beats(
        cuts,
        beats,
        max_shift_s=options.beat_snap_max_s,
        min_length_s=options.min_shot_s,
        max_length_s=options.max_shot_s,
        fps=options.fps,
    )
    return [Piece(moved[i], moved[i + 1], p.sentence_index) for i, p in enumerate(pieces)]


def _weight(piece: Piece, salience: float, options: AlignmentOptions) -> float:
    clipped = min(max(salience, 0.0), 1.0)
    return piece.duration_s / options.max_shot_s * (1.0 + options.salience_weight * clipped)


def _shot_use(fit: _Fit) -> ShotUse:
    s = fit.shot
    return ShotUse(s.path, s.shot_id, s.source_id, fit.in_s, fit.out_s, s.score, dict(s.scores), s.source_fps)


def _alternatives(fits: Sequence[_Fit], chosen: int | None, limit: int) -> list[Alternative]:
    others = [f for f in fits if f.shot.shot_id != chosen][:limit]
    return [
        Alternative(
            f.shot.shot_id, f.shot.source_id, f.shot.path, f.in_s, f.out_s, f.shot.score, dict(f.shot.scores)
        )
        for f in others
    ]


def _fallback_reason(
    slot: Slot, ranked: Sequence[CandidateShot], eligible: Sequence[_Fit], options: AlignmentOptions
) -> str:
    if not ranked:
        return f"sentence {slot.sentence_index}: no candidate shots; showing a title card"
    if ranked[0].score < options.min_score:
        return (
            f"sentence {slot.sentence_index}: best candidate scores {ranked[0].score:.3f} < min_score "
            f"{options.min_score:.3f}; showing a title card"
        )
    if not eligible:
        return f"sentence {slot.sentence_index}: no good candidate is long enough; showing a title card"
    return f"sentence {slot.sentence_index}: its good candidates are all used elsewhere; showing a title card"


def align(
    slots: Sequence[Slot],
    candidates: Mapping[int, Sequence[CandidateShot]],
    options: AlignmentOptions | None = None,
    *,
    beats: Sequence[float] = (),
) -> Alignment:
    """Cut the narration into segments and fill each with a shot (or mark it as a fallback card).

    ``candidates`` maps a sentence index to its candidate shots; ``beats`` (seconds on the output clock)
    pull nearby cuts onto the music. Deterministic for equal inputs. Raises InputError for unusable slots.
    """
    options = options or AlignmentOptions()
    pieces, warnings = plan_pieces(slots, candidates, options)
    if beats:
        pieces = _beat_snapped(pieces, beats, options)
    by_index = {slot.sentence_index: slot for slot in slots}
    ranked = {index: _ranked(candidates.get(index, ())) for index in by_index}

    all_fits = [_fits(ranked[p.sentence_index], p.duration_s, options) for p in pieces]
    eligible = [[f for f in fits if f.shot.score >= options.min_score] for fits in all_fits]
    weights = [_weight(p, by_index[p.sentence_index].salience, options) for p in pieces]
    problem = AssignmentProblem(
        options=[
            [Option(f.shot.shot_id, f.shot.source_id, f.shot.score * weights[j]) for f in fits]
            for j, fits in enumerate(eligible)
        ],
        fallback_values=[-w for w in weights],
        pair_penalties=[
            options.same_source_penalty * (weights[j] + weights[j + 1]) / 2 for j in range(len(pieces) - 1)
        ],
    )
    choice = solve_assignment(problem, iterations=options.optimizer_iterations)

    segments: list[Segment] = []
    reported: set[str] = set()
    for j, piece in enumerate(pieces):
        slot = by_index[piece.sentence_index]
        picked = None if choice[j] == FALLBACK else eligible[j][choice[j]]
        if picked is None:
            reason = _fallback_reason(slot, ranked[piece.sentence_index], eligible[j], options)
            if reason not in reported:
                reported.add(reason)
                warnings.append(reason)
        segments.append(
            Segment(
                index=j,
                sentence_index=piece.sentence_index,
                sentence=slot.text,
                start_s=round(piece.start_s, 6),
                end_s=round(piece.end_s, 6),
                shot=None if picked is None else _shot_use(picked),
                fallback=picked is None,
                fallback_text=title_phrase(slot.text, slot.anchor) if picked is None else None,
                alternatives=_alternatives(
                    all_fits[j], None if picked is None else picked.shot.shot_id, options.alternatives
                ),
            )
        )
    warnings.extend(_same_source_warnings(segments))
    return Alignment(pieces[-1].end_s, segments, _credits(segments, ranked), warnings)


def _same_source_warnings(segments: Sequence[Segment]) -> list[str]:
    found: list[str] = []
    for left, right in itertools.pairwise(segments):
        if left.shot and right.shot and left.shot.source_id == right.shot.source_id:
            found.append(
                f"segments {left.index} and {right.index} both come from source {left.shot.source_id} "
                "(nothing else fitted as well)"
            )
    return found


def _credits(segments: Sequence[Segment], ranked: Mapping[int, Sequence[CandidateShot]]) -> list[Credit]:
    facts = {shot.shot_id: shot for shots in ranked.values() for shot in shots}
    credits: dict[int, Credit] = {}
    for segment in segments:
        if segment.shot is not None and segment.shot.source_id not in credits:
            shot = facts[segment.shot.shot_id]
            credits[shot.source_id] = Credit(shot.source_id, shot.path, shot.license, shot.attribution)
    return list(credits.values())
