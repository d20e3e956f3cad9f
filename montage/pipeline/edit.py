"""Editing a finished cut: swap a segment's shot, trim it, rewrite a sentence — then re-render.

``apply_edits`` is pure (timeline JSON in, timeline JSON out). A rewritten sentence loses its narration
audio path; ``rerender`` synthesises only those sentences (every other sentence keeps its audio), shifts the
timing of what follows, and renders. Retrieval and alignment are not redone: the editor's choices stand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from montage.config import Settings
from montage.db.database import Database
from montage.db.repositories.shots import shots_by_ids
from montage.errors import InputError
from montage.pipeline.outputs import write_outputs
from montage.pipeline.types import MakeResult, ShouldCancel, StageProgress
from montage.search.channels import Channels
from montage.speech import synthesize_sentences
from montage.timeline import (
    Alternative,
    Segment,
    ShotUse,
    Timeline,
    timeline_from_json,
    timeline_to_json,
)
from montage.timeline.text_width import is_cjk_text

EDITOR_SCORE_KEY = "chosen_by_editor"
PENDING_SPEECH = "pending-speech:"
"""Narration path of a rewritten sentence until ``rerender`` speaks it."""


def _segment(timeline: Timeline, index: object) -> Segment:
    if not isinstance(index, int) or not 0 <= index < len(timeline.segments):
        raise InputError(
            f"no segment {index!r} (the cut has {len(timeline.segments)})", code="segment_not_found"
        )
    return timeline.segments[index]


def _window(start_s: float, end_s: float, length: float, path: str) -> tuple[float, float]:
    if end_s - start_s + 1e-6 < length:
        raise InputError(
            f"shot {path} {start_s:.2f}–{end_s:.2f}s is shorter than the segment ({length:.2f}s)",
            code="shot_too_short",
        )
    middle = (start_s + end_s) / 2
    begin = max(start_s, middle - length / 2)
    return round(begin, 6), round(begin + length, 6)


def _swap(timeline: Timeline, edit: Mapping[str, Any], lookup: ShotLookup | None) -> None:
    segment = _segment(timeline, edit.get("segment"))
    shot_id = int(edit["shot_id"])
    length = segment.end_s - segment.start_s
    used = {s.shot.shot_id for s in timeline.segments if s.shot is not None and s is not segment}
    if shot_id in used:
        raise InputError(f"shot {shot_id} is already used in another segment", code="shot_already_used")
    alternative = next((a for a in segment.alternatives if a.shot_id == shot_id), None)
    if alternative is not None:
        path, source_id, score, scores = (
            alternative.path,
            alternative.source_id,
            alternative.score,
            alternative.scores,
        )
        bounds = lookup(shot_id) if lookup else None
        start, end = (bounds[2], bounds[3]) if bounds else (alternative.in_s, alternative.out_s)
        if end - start + 1e-6 < length and bounds is None:
            start, end = alternative.in_s, alternative.in_s + length
    else:
        found = lookup(shot_id) if lookup else None
        if found is None:
            raise InputError(f"shot {shot_id} is not in the library", code="shot_not_found")
        path, source_id, start, end = found
        score, scores = 0.0, {}
    in_s, out_s = _window(start, end, length, path)
    old = segment.shot
    alternatives = [a for a in segment.alternatives if a.shot_id != shot_id]
    if old is not None:
        alternatives.insert(
            0,
            Alternative(
                old.shot_id, old.source_id, old.path, old.in_s, old.out_s, old.score, dict(old.scores)
            ),
        )
    new_scores: dict[str, float | None] = {**scores, EDITOR_SCORE_KEY: 1.0}
    shot = ShotUse(
        path=path,
        shot_id=shot_id,
        source_id=source_id,
        in_s=in_s,
        out_s=out_s,
        score=score,
        scores=new_scores,
    )
    timeline.segments[segment.index] = replace(
        segment, shot=shot, fallback=False, fallback_text=None, alternatives=alternatives
    )


def _trim(timeline: Timeline, edit: Mapping[str, Any], lookup: ShotLookup | None) -> None:
    segment = _segment(timeline, edit.get("segment"))
    if segment.shot is None:
        raise InputError(
            f"segment {segment.index} is a title card; swap a shot in first", code="nothing_to_trim"
        )
    length = segment.end_s - segment.start_s
    in_s = float(edit["in"])
    out_s = float(edit.get("out", in_s + length))
    if in_s < 0 or abs((out_s - in_s) - length) > 1.0 / timeline.fps + 1e-6:
        raise InputError(
            f"trim must keep the segment's length {length:.3f}s (got {out_s - in_s:.3f}s from {in_s:.3f}s)",
            code="invalid_trim",
        )
    bounds = lookup(segment.shot.shot_id) if lookup else None
    if bounds is not None and (in_s < bounds[2] - 1e-6 or in_s + length > bounds[3] + 1e-6):
        raise InputError(
            f"trim {in_s:.3f}–{in_s + length:.3f}s leaves shot {segment.shot.shot_id} "
            f"({bounds[2]:.3f}–{bounds[3]:.3f}s in {Path(bounds[0]).name}); the segment would freeze on a "
            "frame. Choose an in point inside the shot",
            code="trim_outside_shot",
        )
    shot = replace(segment.shot, in_s=round(in_s, 6), out_s=round(in_s + length, 6), speed=1.0)
    timeline.segments[segment.index] = replace(segment, shot=shot)


def _sentence(timeline: Timeline, edit: Mapping[str, Any]) -> None:
    segment = _segment(timeline, edit.get("segment"))
    text = str(edit.get("text", "")).strip()
    if not text:
        raise InputError("the new sentence is empty", code="empty_sentence")
    if len(text) > 1000:
        raise InputError("the new sentence is longer than 1000 characters", code="sentence_too_long")
    index = segment.sentence_index
    timeline.segments[:] = [
        replace(s, sentence=text) if s.sentence_index == index else s for s in timeline.segments
    ]
    timeline.narration[:] = [
        replace(n, text=text, path=f"{PENDING_SPEECH}{index}") if n.sentence_index == index else n
        for n in timeline.narration
    ]


ShotLookup = Callable[[int], tuple[str, int, float, float] | None]
"""shot id → (path, source id, shot start s, shot end s), or None when the shot does not exist."""


def apply_edits(
    timeline: Mapping[str, Any], edits: Sequence[Mapping[str, Any]], *, lookup: ShotLookup | None = None
) -> dict[str, Any]:
    """Apply swap / trim / sentence edits in order and return the new timeline JSON (input untouched).

    ``swap`` takes any alternative of the segment; other library shots need ``lookup`` (see
    :func:`library_shot_lookup`), which also lets ``trim`` refuse in/out points outside the shot (they would
    freeze the segment on one frame). Raises InputError naming the edit that cannot be applied.
    """
    cut = timeline_from_json(timeline)
    cut = replace(cut, segments=list(cut.segments), narration=list(cut.narration))
    for number, edit in enumerate(edits):
        op = edit.get("op")
        try:
            if op == "swap":
                _swap(cut, edit, lookup)
            elif op == "trim":
                _trim(cut, edit, lookup)
            elif op == "sentence":
                _sentence(cut, edit)
            else:
                raise InputError(f"unknown edit op {op!r} (swap, trim, sentence)", code="unknown_edit")
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"edit {number} ({op}) is malformed: {exc}", code="invalid_edit") from exc
        except InputError as exc:
            raise InputError(f"edit {number} ({op}): {exc.message}", code=exc.code) from exc
    return timeline_to_json(cut)


def library_shot_lookup(db: Database) -> ShotLookup:
    """A lookup of any library shot by id, for swapping in shots found by search."""

    def lookup(shot_id: int) -> tuple[str, int, float, float] | None:
        with db.sessions() as session:
            shot = shots_by_ids(session, [shot_id]).get(shot_id)
            if shot is None:
                return None
            return shot.source.path, shot.source.id, shot.start_s, shot.end_s

    return lookup


def _language_of(text: str) -> str:
    return "zh" if is_cjk_text(text) else "en"


def _resynthesize(timeline: Timeline, settings: Settings) -> Timeline:
    """Speak the sentences that lost their audio; shift everything after a sentence whose length changed."""
    missing = [
        n for n in timeline.narration if n.path.startswith(PENDING_SPEECH) or not Path(n.path).is_file()
    ]
    if not missing:
        return timeline
    new_audio = {}
    for clip in missing:
        (audio,) = synthesize_sentences(
            [clip.text],
            engine=settings.speech.engine,
            voice=settings.speech.voice,
            language=_language_of(clip.text),
            cache_dir=settings.cache_dir / "speech",
            options=settings.speech,
        )
        new_audio[clip.sentence_index] = audio
    narration = []
    segments: list[Segment] = []
    shift = 0.0
    for clip in sorted(timeline.narration, key=lambda n: n.start_s):
        pieces = [s for s in timeline.segments if s.sentence_index == clip.sentence_index]
        slot_start = min((s.start_s for s in pieces), default=clip.start_s)
        slot_end = max((s.end_s for s in pieces), default=clip.start_s + clip.duration_s)
        old_slot = slot_end - slot_start
        if clip.sentence_index in new_audio:
            audio = new_audio[clip.sentence_index]
            gap = max(0.0, old_slot - clip.duration_s)
            new_slot = audio.duration_s + gap
            clip = replace(clip, path=str(audio.path), duration_s=audio.duration_s)
        else:
            new_slot = old_slot
        scale = new_slot / old_slot if old_slot > 0 else 1.0
        new_start = slot_start + shift
        narration.append(replace(clip, start_s=round(clip.start_s + shift, 6)))
        cursor = new_start
        for piece in pieces:
            length = (piece.end_s - piece.start_s) * scale
            shot = piece.shot
            if shot is not None:
                shot = replace(shot, out_s=round(shot.in_s + length * shot.speed, 6))
            segments.append(
                replace(piece, start_s=round(cursor, 6), end_s=round(cursor + length, 6), shot=shot)
            )
            cursor += length
        shift += new_slot - old_slot
    segments.sort(key=lambda s: s.start_s)
    segments = [replace(s, index=i) for i, s in enumerate(segments)]
    return replace(timeline, segments=segments, narration=narration, duration_s=round(segments[-1].end_s, 6))


def rerender(
    timeline: Mapping[str, Any],
    *,
    settings: Settings,
    db: Database,
    channels: Channels,
    out_dir: Path,
    name: str = "video",
    progress: StageProgress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> MakeResult:
    """Render an (edited) timeline: re-synthesise only rewritten sentences, then render and write outputs."""
    del db, channels  # retrieval and alignment are not redone; kept for a uniform signature
    cut = timeline_from_json(timeline)
    if progress:
        progress("speech", 0.0)
    cut = _resynthesize(cut, settings)
    if progress:
        progress("speech", 1.0)
    render_options = settings.render.model_copy(
        update={"aspect": cut.aspect, "width": cut.width, "height": cut.height, "fps": cut.fps}
    )
    final = write_outputs(
        cut,
        out_dir=out_dir,
        name=name,
        render_options=render_options,
        progress=progress,
        should_cancel=should_cancel,
    )
    return MakeResult(outputs=final, timeline=timeline_to_json(cut), warnings=list(cut.warnings))
