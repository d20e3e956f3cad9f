"""Edits as typed values and a pure function: swap, trim, sentence; a batch is one change in any order."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from montage.errors import InputError
from montage.timeline.edits import (
    EDIT_LIST,
    EDITOR_SCORE_KEY,
    PENDING_SPEECH,
    LibraryShot,
    SentenceEdit,
    SwapEdit,
    TrimEdit,
    apply_edits,
    edits_to_json,
)
from montage.timeline.model import Alternative, NarrationClip, Segment, ShotUse, Timeline

SHOTS = {
    # shot id → (source, start, end): shot 10 is long enough for two 2 s segments, shot 11 for one.
    10: LibraryShot("/lib/a.mp4", 1, 0.0, 6.0),
    11: LibraryShot("/lib/b.mp4", 2, 0.0, 2.5),
    12: LibraryShot("/lib/c.mp4", 3, 0.0, 1.0),
    13: LibraryShot("/lib/d.mp4", 4, 10.0, 14.0),
    14: LibraryShot("/lib/e.mp4", 5, 0.0, 1.8),
}


def lookup(shot_id: int) -> LibraryShot | None:
    return SHOTS.get(shot_id)


def _use(shot_id: int, in_s: float, length: float = 2.0) -> ShotUse:
    where = SHOTS[shot_id]
    return ShotUse(where.path, shot_id, where.source_id, in_s, in_s + length, 0.5, {"text": 0.5})


def _timeline() -> Timeline:
    segments = [
        Segment(
            0,
            0,
            "One.",
            0.0,
            2.0,
            _use(10, 2.0),
            False,
            alternatives=[Alternative(13, 4, "/lib/d.mp4", 11.0, 13.0, 0.4)],
        ),
        Segment(1, 1, "Two.", 2.0, 4.0, _use(11, 0.25), False),
        Segment(2, 2, "Three.", 4.0, 6.0, None, True, fallback_text="Three", fill="card"),
    ]
    narration = [
        NarrationClip(i, f"/audio/{i}.wav", 2.0 * i, 1.8, s.sentence) for i, s in enumerate(segments)
    ]
    return Timeline(640, 360, 25.0, "16:9", 6.0, segments, narration)


def test_swap_puts_the_shot_on_and_keeps_the_old_one_as_an_alternative() -> None:
    before = _timeline()
    after = apply_edits(before, [SwapEdit(segment=0, shot_id=13)], lookup=lookup)
    assert before == _timeline()  # pure: the input is unchanged
    shot = after.segments[0].shot
    assert shot is not None and shot.shot_id == 13 and shot.scores[EDITOR_SCORE_KEY] == 1.0
    assert shot.score == 0.4  # the alternative's score is kept
    assert (shot.in_s, shot.out_s) == (11.0, 13.0)  # centred in the shot
    assert after.segments[0].fill == "editor" and after.segments[0].alternatives[0].shot_id == 10


def test_swap_onto_a_title_card() -> None:
    after = apply_edits(_timeline(), [SwapEdit(segment=2, shot_id=13)], lookup=lookup)
    segment = after.segments[2]
    assert segment.shot is not None and not segment.fallback and segment.fallback_text is None


def test_a_shot_used_elsewhere_is_swapped_in_on_frames_nobody_shows() -> None:
    # Segment 0 shows shot 10 at 2–4 s; segment 2 may still show 0–2 or 4–6 of it.
    after = apply_edits(_timeline(), [SwapEdit(segment=2, shot_id=10)], lookup=lookup)
    shot = after.segments[2].shot
    assert shot is not None and (shot.out_s <= 2.0 + 1e-6 or shot.in_s >= 4.0 - 1e-6)


def test_a_shot_with_no_free_frames_is_refused_naming_the_segment_that_shows_it() -> None:
    with pytest.raises(InputError) as caught:
        apply_edits(_timeline(), [SwapEdit(segment=0, shot_id=11)], lookup=lookup)
    assert caught.value.code == "shot_already_used" and "segment(s) #2" in caught.value.message


def test_a_batch_that_exchanges_shots_works_in_either_order() -> None:
    forward = [SwapEdit(segment=0, shot_id=11), SwapEdit(segment=1, shot_id=13)]
    for batch in (forward, list(reversed(forward))):
        after = apply_edits(_timeline(), batch, lookup=lookup)
        assert [s.shot.shot_id for s in after.segments[:2] if s.shot] == [11, 13]


def test_a_slightly_short_shot_is_slowed_like_the_planner_does() -> None:
    after = apply_edits(_timeline(), [SwapEdit(segment=0, shot_id=14)], lookup=lookup)
    shot = after.segments[0].shot
    assert shot is not None and (shot.in_s, shot.out_s) == (0.0, 1.8) and shot.speed == 0.9
    with pytest.raises(InputError) as caught:
        apply_edits(_timeline(), [SwapEdit(segment=0, shot_id=14)], lookup=lookup, max_speed_change=0.05)
    assert caught.value.code == "shot_too_short"
    # a trim keeps the speed: the part used stays 1.8 s of source
    trimmed = apply_edits(after, [TrimEdit(segment=0, in_s=0.0)], lookup=lookup)
    assert trimmed.segments[0].shot == shot


def test_trim_slides_the_window_and_refuses_leaving_the_shot() -> None:
    after = apply_edits(_timeline(), [TrimEdit(segment=0, in_s=3.5)], lookup=lookup)
    shot = after.segments[0].shot
    assert shot is not None and (shot.in_s, shot.out_s) == (3.5, 5.5)
    with pytest.raises(InputError) as caught:
        apply_edits(_timeline(), [TrimEdit(segment=0, in_s=50.0)], lookup=lookup)
    assert caught.value.code == "trim_outside_shot"
    with pytest.raises(InputError) as caught:
        apply_edits(_timeline(), [TrimEdit(segment=0, in_s=1.0, out_s=5.0)], lookup=lookup)
    assert caught.value.code == "invalid_trim"
    with pytest.raises(InputError) as caught:
        apply_edits(_timeline(), [TrimEdit(segment=2, in_s=1.0)], lookup=lookup)
    assert caught.value.code == "nothing_to_trim"


def test_trim_after_swap_keeps_the_editors_in_point() -> None:
    after = apply_edits(
        _timeline(), [SwapEdit(segment=0, shot_id=13), TrimEdit(segment=0, in_s=10.5)], lookup=lookup
    )
    assert after.segments[0].shot is not None and after.segments[0].shot.in_s == 10.5


def test_sentence_edit_marks_the_speech_to_make_again() -> None:
    after = apply_edits(_timeline(), [SentenceEdit(segment=1, text="  Two, rewritten.  ")])
    assert after.segments[1].sentence == "Two, rewritten."
    assert after.narration[1].path == f"{PENDING_SPEECH}1" and after.narration[1].text == "Two, rewritten."
    with pytest.raises(InputError) as caught:
        apply_edits(_timeline(), [SentenceEdit(segment=1, text="   ")])
    assert caught.value.code == "empty_sentence"


def test_unknown_segments_and_shots_are_refused_with_the_edit_named() -> None:
    with pytest.raises(InputError) as caught:
        apply_edits(_timeline(), [SentenceEdit(segment=0, text="ok"), SwapEdit(segment=9, shot_id=10)])
    assert caught.value.code == "segment_not_found" and caught.value.message.startswith("edit 2 (swap)")
    with pytest.raises(InputError) as caught:
        apply_edits(_timeline(), [SwapEdit(segment=0, shot_id=999)], lookup=lookup)
    assert caught.value.code == "shot_not_found"
    with pytest.raises(InputError) as caught:
        apply_edits(_timeline(), [SwapEdit(segment=0, shot_id=12)], lookup=lookup)
    assert caught.value.code == "shot_too_short"


def test_edits_read_and_write_as_the_api_spells_them() -> None:
    edits = EDIT_LIST.validate_python(
        [
            {"op": "swap", "segment": 0, "shot_id": str(2**62 + 1)},
            {"op": "trim", "segment": 0, "in": 1.5},
            {"op": "sentence", "segment": 1, "text": "New."},
        ]
    )
    assert isinstance(edits[0], SwapEdit) and edits[0].shot_id == 2**62 + 1
    assert isinstance(edits[1], TrimEdit) and edits[1].in_s == 1.5
    assert edits_to_json(edits) == [
        {"op": "swap", "segment": 0, "shot_id": str(2**62 + 1)},
        {"op": "trim", "segment": 0, "in": 1.5},
        {"op": "sentence", "segment": 1, "text": "New."},
    ]
    with pytest.raises(ValidationError):
        EDIT_LIST.validate_python([{"op": "explode", "segment": 0}])
    with pytest.raises(ValidationError):
        EDIT_LIST.validate_python([{"op": "trim", "segment": 0, "in": 3.0, "out": 2.0}])
