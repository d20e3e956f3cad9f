"""Stage 6: choose the shots, their in/out points and the cuts for every stretch of narration.

``align`` plans cuts and shots together (:mod:`montage.timeline.cut_planner`): a sentence gets as many
pieces as its relevant footage supports, each as long as that footage allows; a shot below the relevance
floor (``min_score``) is never shown; time no relevant footage covers is filled by a held shot, topic
B-roll (only for sentences with nothing specific to show) or a title card, and each segment says which.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from montage.options.alignment import AlignmentOptions
from montage.retrieval.named_things import named_things
from montage.timeline.cut_planner import GroupPlan, Take, best_first, clears_floor, frame_bounds, plan_cut
from montage.timeline.model import Alternative, Credit, Segment, ShotUse
from montage.timeline.plan_inputs import CandidateShot, Slot
from montage.timeline.shot_window import choose_window
from montage.timeline.title_phrase import clause_phrase, title_phrase


@dataclass(frozen=True)
class Alignment:
    """The picture edit: segments tiling ``[0, duration_s]``, the sources to credit, and warnings."""

    duration_s: float
    segments: list[Segment]
    credits: list[Credit]
    warnings: list[str]


def _shot_use(take: Take, output_s: float, options: AlignmentOptions) -> ShotUse:
    shot = take.shot
    # The planner keeps speed within max_speed_change; putting cuts on the frame grid can move it by up to
    # a frame's worth. Speed is always exactly source / output, so the render never runs out of frames.
    source = round(min(take.source_s, output_s), 6)
    speed = min(1.0, source / output_s) if output_s > 0 else 1.0  # rounding may not make it faster
    return ShotUse(
        shot.path,
        shot.shot_id,
        shot.source_id,
        take.in_s,
        round(take.in_s + source, 6),
        shot.score,
        dict(shot.scores),
        shot.source_fps,
        round(speed, 6),
    )


def _alternatives(
    ranked: Sequence[CandidateShot], duration_s: float, chosen: int | None, options: AlignmentOptions
) -> list[Alternative]:
    found: list[Alternative] = []
    for shot in ranked:
        if len(found) >= options.alternatives:
            break
        if shot.shot_id == chosen or not clears_floor(shot, options):
            continue
        window = choose_window(shot, duration_s, options)
        if window is not None:
            found.append(
                Alternative(shot.shot_id, shot.source_id, shot.path, *window, shot.score, dict(shot.scores))
            )
    return found


def card_text(slot: Slot) -> str:
    """What a title card says: the things the sentence names (quoted), else the sentence when it is short,
    else (Chinese) the clause holding its anchor phrase when that is short, else the anchor phrase or the
    sentence shortened."""
    named = [thing.text for thing in named_things(slot.text)]
    if named:
        return title_phrase(" · ".join(named))
    whole = title_phrase(slot.text)
    if not whole.endswith("…"):
        return whole
    return clause_phrase(slot.text, slot.anchor) or title_phrase(slot.text, slot.anchor)


def _group_segments(
    group: GroupPlan,
    first_index: int,
    slots: Mapping[int, Slot],
    ranked: Mapping[int, Sequence[CandidateShot]],
    options: AlignmentOptions,
) -> list[Segment]:
    pictures: list[Take | None] = [group.held_in] if group.held_in else []
    pictures.extend(group.takes)
    if group.card_s > 1e-6:
        pictures.append(None)
    if group.lead_out is not None:
        pictures.append(group.lead_out)
    segments: list[Segment] = []
    slot = slots[group.sentence_index]
    for offset, (take, (start, end)) in enumerate(
        zip(pictures, frame_bounds(group, options.fps), strict=True)
    ):
        sentence_index = group.sentence_index if take is None else take.sentence_index
        owner = slots[sentence_index]
        chosen = None if take is None else take.shot.shot_id
        segments.append(
            Segment(
                index=first_index + offset,
                sentence_index=sentence_index,
                sentence=owner.text,
                start_s=round(start, 6),
                end_s=round(end, 6),
                shot=None if take is None else _shot_use(take, end - start, options),
                fallback=take is None,
                fallback_text=card_text(slot) if take is None else None,
                alternatives=_alternatives(
                    ranked.get(group.sentence_index, ()), end - start, chosen, options
                ),
                fill="card" if take is None else take.fill,
                fill_reason=group.card_reason if take is None else take.reason,
            )
        )
    return segments


def align(
    slots: Sequence[Slot],
    candidates: Mapping[int, Sequence[CandidateShot]],
    options: AlignmentOptions | None = None,
    *,
    broll: Sequence[CandidateShot] = (),
    left_out: Sequence[Sequence[CandidateShot]] = (),
) -> Alignment:
    """Cut the narration into segments and fill each with a shot (or a title card), every choice explained.

    ``candidates`` maps a sentence index to its candidate shots; ``broll`` are shots scored against the
    story's topic, used only for sentences that nothing in the library shows specifically; ``left_out``
    are the candidates of the article's sentences the narration left out (they only decide which sentence
    each shot fits best). Deterministic for equal inputs. Raises InputError for unusable slots.
    """
    options = options or AlignmentOptions()
    groups, warnings = plan_cut(slots, candidates, options, broll=broll, left_out=left_out)
    by_index = {slot.sentence_index: slot for slot in slots}
    ranked = {index: best_first(candidates.get(index, ())) for index in by_index}
    segments: list[Segment] = []
    for group in groups:
        segments.extend(_group_segments(group, len(segments), by_index, ranked, options))
        if group.card_s > 1e-6:
            warnings.append(
                f"sentence {group.sentence_index + 1}: {group.card_reason}; {group.card_s:.1f} s title card"
            )
    warnings.extend(_same_source_warnings(segments))
    credits_from = {**{s.shot_id: s for s in broll}, **{s.shot_id: s for c in ranked.values() for s in c}}
    return Alignment(groups[-1].end_s, segments, _credits(segments, credits_from), warnings)


def _same_source_warnings(segments: Sequence[Segment]) -> list[str]:
    found: list[str] = []
    for left, right in itertools.pairwise(segments):
        if (
            left.shot
            and right.shot
            and left.shot.source_id == right.shot.source_id
            and abs(left.shot.out_s - right.shot.in_s) > 0.05
        ):
            found.append(
                f"segments {left.index + 1} and {right.index + 1} both come from source "
                f"{left.shot.source_id} (nothing else fitted as well)"
            )
    return found


def _credits(segments: Sequence[Segment], facts: Mapping[int, CandidateShot]) -> list[Credit]:
    credits: dict[int, Credit] = {}
    for segment in segments:
        if segment.shot is not None and segment.shot.source_id not in credits:
            shot = facts[segment.shot.shot_id]
            credits[shot.source_id] = Credit(shot.source_id, shot.path, shot.license, shot.attribution)
    return list(credits.values())
