"""An editor's changes to a cut, as typed edits, and the pure function that applies them.

Three edits exist (a discriminated union on ``op``): ``swap`` puts another shot on a segment, ``trim`` slides
the used part of the segment's shot, ``sentence`` rewrites a sentence (its speech is made again when the
revision is rendered). :func:`apply_edits` takes a timeline and a batch of edits and returns a new timeline;
the input is never changed.

A batch is applied as one change, so its order does not matter for shots moving between segments: the
frames a swapped-in shot shows are chosen after every edit of the batch is in place, avoiding the frames
every other segment shows of the same shot (so two segments can share a long shot, never a frame).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from typing import Annotated, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from montage.errors import InputError
from montage.options.alignment import AlignmentOptions
from montage.timeline.model import Alternative, Id, Segment, ShotUse, Timeline

EDITOR_SCORE_KEY = "chosen_by_editor"
"""Score part set to 1.0 on a shot an editor swapped in."""

PENDING_SPEECH = "pending-speech:"
"""Narration path prefix of a rewritten sentence until its speech is synthesised again."""

DEFAULT_MAX_SPEED_CHANGE = AlignmentOptions.model_fields["max_speed_change"].default
"""How much slower than normal a swapped-in shot may play: the cut planner's own limit."""

SegmentNumber = Annotated[int, Field(ge=0, le=100_000, description="A segment's index in the timeline.")]


class SwapEdit(BaseModel):
    """Use another shot for a segment (one of its alternatives or any library shot)."""

    model_config = ConfigDict(extra="forbid")

    op: Literal["swap"] = "swap"
    segment: SegmentNumber
    shot_id: Id


class TrimEdit(BaseModel):
    """Slide the used part of the segment's shot: ``in`` seconds into the source (the length is kept)."""

    model_config = ConfigDict(extra="forbid")

    op: Literal["trim"] = "trim"
    segment: SegmentNumber
    in_s: float = Field(
        validation_alias=AliasChoices("in", "in_s"), serialization_alias="in", ge=0, le=86_400
    )
    out_s: float | None = Field(
        default=None,
        validation_alias=AliasChoices("out", "out_s"),
        serialization_alias="out",
        gt=0,
        le=86_400,
        description="Optional; must be in + the segment's length.",
    )

    @model_validator(mode="after")
    def _out_after_in(self) -> TrimEdit:
        if self.out_s is not None and self.out_s <= self.in_s:
            raise ValueError(f"out ({self.out_s}) must be after in ({self.in_s})")
        return self


class SentenceEdit(BaseModel):
    """Rewrite a segment's sentence (its speech is synthesised again when the revision is rendered)."""

    model_config = ConfigDict(extra="forbid")

    op: Literal["sentence"] = "sentence"
    segment: SegmentNumber
    text: str = Field(min_length=1, max_length=1000)


Edit = Annotated[SwapEdit | TrimEdit | SentenceEdit, Field(discriminator="op")]
"""One edit; ``op`` says which."""

EDIT_LIST: TypeAdapter[list[Edit]] = TypeAdapter(list[Edit])
"""Reads and writes lists of edits as JSON data (as stored with a revision)."""


def edits_to_json(edits: Sequence[Edit]) -> list[dict[str, object]]:
    """Edits as JSON data (``in``/``out`` named as in the API, unset optional fields left out)."""
    data: list[dict[str, object]] = EDIT_LIST.dump_python(
        list(edits), mode="json", by_alias=True, exclude_none=True
    )
    return data


@dataclass(frozen=True)
class LibraryShot:
    """Where a library shot lies: its file, source and ``[start_s, end_s)`` inside the file."""

    path: str
    source_id: int
    start_s: float
    end_s: float


ShotLookup = Callable[[int], LibraryShot | None]
"""shot id → where the shot lies, or None when the library has no such shot."""


def _segment(segments: Sequence[Segment], index: int) -> Segment:
    if not 0 <= index < len(segments):
        raise InputError(
            f"no segment with index {index} (the cut has {len(segments)}, indexed from 0)",
            code="segment_not_found",
        )
    return segments[index]


def _frames_taken(
    segments: Sequence[Segment], shot_id: int, unplaced: Collection[int]
) -> list[tuple[int, float, float]]:
    """(segment, in, out) of every segment showing ``shot_id``, but those with frames not chosen yet."""
    return [
        (s.index, s.shot.in_s, s.shot.out_s)
        for s in segments
        if s.shot is not None and s.shot.shot_id == shot_id and s.index not in unplaced
    ]


def _free_window(
    start: float, end: float, want: float, least: float, taken: Sequence[tuple[float, float]]
) -> tuple[float, float] | None:
    """(in point, source length) of the longest window of at most ``want`` and at least ``least`` seconds
    inside ``[start, end]`` that overlaps no taken part, as near the middle of the shot as possible (None when
    no free stretch is ``least`` long)."""
    middle = (start + end) / 2
    gaps: list[tuple[float, float]] = []
    cursor = start
    for low, high in sorted(taken):
        if low > cursor:
            gaps.append((cursor, min(low, end)))
        cursor = max(cursor, high)
    if cursor < end:
        gaps.append((cursor, end))
    best: tuple[float, float] | None = None
    for low, high in gaps:
        length = min(want, high - low)
        if length + 1e-6 < least:
            continue
        begin = min(max(low, middle - length / 2), high - length)
        if (
            best is None
            or length > best[1] + 1e-6
            or (
                abs(length - best[1]) <= 1e-6
                and abs(begin + length / 2 - middle) < abs(best[0] + best[1] / 2 - middle)
            )
        ):
            best = (begin, length)
    return best


def _swap(segments: list[Segment], edit: SwapEdit, lookup: ShotLookup | None, slowest: float) -> LibraryShot:
    """Put the shot on the segment (frames chosen later); returns where the shot lies."""
    segment = _segment(segments, edit.segment)
    alternative = next((a for a in segment.alternatives if a.shot_id == edit.shot_id), None)
    found = lookup(edit.shot_id) if lookup else None
    if found is None and alternative is not None:
        found = LibraryShot(alternative.path, alternative.source_id, alternative.in_s, alternative.out_s)
    if found is None:
        raise InputError(f"no shot {edit.shot_id} in the library", code="shot_not_found")
    if found.end_s - found.start_s + 1e-6 < segment.duration_s * slowest:
        raise InputError(
            f"shot {edit.shot_id} ({found.end_s - found.start_s:.2f} s) is too short for segment "
            f"#{segment.index + 1} ({segment.duration_s:.2f} s) even slowed to {slowest:.0%} speed",
            code="shot_too_short",
        )
    score, scores = (alternative.score, dict(alternative.scores)) if alternative else (0.0, {})
    alternatives = [a for a in segment.alternatives if a.shot_id != edit.shot_id]
    old = segment.shot
    if old is not None and old.shot_id != edit.shot_id:
        alternatives.insert(
            0,
            Alternative(
                old.shot_id, old.source_id, old.path, old.in_s, old.out_s, old.score, dict(old.scores)
            ),
        )
    shot = ShotUse(
        path=found.path,
        shot_id=edit.shot_id,
        source_id=found.source_id,
        in_s=found.start_s,
        out_s=found.start_s + segment.duration_s,
        score=score,
        scores={**scores, EDITOR_SCORE_KEY: 1.0},
    )
    segments[segment.index] = replace(
        segment,
        shot=shot,
        fallback=False,
        fallback_text=None,
        alternatives=alternatives,
        fill="editor",
        fill_reason="chosen by the editor",
    )
    return found


def _place(
    segments: list[Segment], index: int, where: LibraryShot, unplaced: Collection[int], slowest: float
) -> None:
    """Choose the frames of segment ``index``'s swapped-in shot, free of the frames other segments show
    (``unplaced``: segments whose frames are still to be chosen, ``index`` among them); a stretch slightly
    shorter than the segment plays slowed, down to ``slowest`` of normal speed."""
    segment = segments[index]
    assert segment.shot is not None
    taken = _frames_taken(segments, segment.shot.shot_id, unplaced)
    length = segment.duration_s
    window = _free_window(
        where.start_s, where.end_s, length, length * slowest, [(low, high) for _, low, high in taken]
    )
    if window is None:
        users = ", ".join(f"#{number + 1}" for number, _, _ in taken)
        raise InputError(
            f"shot {segment.shot.shot_id} has no {segment.duration_s:.2f} s left that segment(s) {users} do "
            f"not already show; swap segment #{taken[0][0] + 1} to another shot in the same batch, or pick "
            "another shot",
            code="shot_already_used",
        )
    begin, source = window
    speed = 1.0 if source >= length - 1e-6 else round(source / length, 6)
    shot = replace(segment.shot, in_s=round(begin, 6), out_s=round(begin + source, 6), speed=speed)
    segments[index] = replace(segment, shot=shot)


def _trim(segments: list[Segment], edit: TrimEdit, lookup: ShotLookup | None, fps: float) -> None:
    segment = _segment(segments, edit.segment)
    if segment.shot is None:
        raise InputError(
            f"segment #{segment.index + 1} is a title card; swap a shot in first", code="nothing_to_trim"
        )
    length = segment.duration_s * segment.shot.speed  # source seconds the segment plays
    out_s = edit.in_s + length if edit.out_s is None else edit.out_s
    if abs((out_s - edit.in_s) - length) > 1.0 / fps + 1e-6:
        raise InputError(
            f"trim must keep the part used {length:.3f}s long (got {out_s - edit.in_s:.3f}s "
            f"from {edit.in_s:.3f}s)",
            code="invalid_trim",
        )
    bounds = lookup(segment.shot.shot_id) if lookup else None
    if bounds is not None and (edit.in_s < bounds.start_s - 1e-6 or edit.in_s + length > bounds.end_s + 1e-6):
        raise InputError(
            f"trim {edit.in_s:.3f}–{edit.in_s + length:.3f}s leaves shot {segment.shot.shot_id} "
            f"({bounds.start_s:.3f}–{bounds.end_s:.3f}s of its file); the segment would freeze on a frame. "
            "Choose an in point inside the shot",
            code="trim_outside_shot",
        )
    shot = replace(segment.shot, in_s=round(edit.in_s, 6), out_s=round(edit.in_s + length, 6))
    segments[segment.index] = replace(segment, shot=shot)


def _sentence(timeline: Timeline, segments: list[Segment], edit: SentenceEdit) -> Timeline:
    segment = _segment(segments, edit.segment)
    text = edit.text.strip()
    if not text:
        raise InputError("the new sentence is empty", code="empty_sentence")
    index = segment.sentence_index
    segments[:] = [replace(s, sentence=text) if s.sentence_index == index else s for s in segments]
    narration = [
        replace(n, text=text, path=f"{PENDING_SPEECH}{index}") if n.sentence_index == index else n
        for n in timeline.narration
    ]
    return replace(timeline, narration=narration)


def apply_edits(
    timeline: Timeline,
    edits: Sequence[Edit],
    *,
    lookup: ShotLookup | None = None,
    max_speed_change: float = DEFAULT_MAX_SPEED_CHANGE,
) -> Timeline:
    """The timeline with ``edits`` applied as one change (the input is not modified).

    ``swap`` takes any alternative of the segment; other library shots need ``lookup``, which also lets
    ``trim`` refuse in points outside the shot (the segment would freeze on one frame). A swapped-in shot
    plays at normal speed when it has the frames, else slowed by up to ``max_speed_change`` (as the cut
    planner does); a trim keeps the segment's speed. Raises InputError naming the edit that cannot be
    applied, or the segments that already show a swapped-in shot's frames.
    """
    slowest = 1.0 - max_speed_change
    segments = list(timeline.segments)
    swapped: dict[int, LibraryShot] = {}
    for number, edit in enumerate(edits):
        try:
            if isinstance(edit, SwapEdit):
                swapped[edit.segment] = _swap(segments, edit, lookup, slowest)
            elif isinstance(edit, TrimEdit):
                _trim(segments, edit, lookup, timeline.fps)
                swapped.pop(edit.segment, None)
            else:
                timeline = _sentence(timeline, segments, edit)
        except InputError as exc:
            raise InputError(f"edit {number + 1} ({edit.op}): {exc.message}", code=exc.code) from exc
    unplaced = set(swapped)
    for index, where in swapped.items():
        _place(segments, index, where, unplaced, slowest)
        unplaced.discard(index)
    return replace(timeline, segments=segments)
