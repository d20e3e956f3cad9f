"""Alignment: cuts planned with the shots — tiling, frame grid, lengths, the relevance floor, named things in
order, short clips, exact frames never twice, speed limits, hold / B-roll / card fallbacks, determinism."""

from __future__ import annotations

import itertools
import random

import pytest

from montage.errors import InputError
from montage.options.alignment import AlignmentOptions
from montage.timeline.align import align, card_text
from montage.timeline.plan_inputs import CandidateShot, Slot

from .builders import shot, slots_from_durations

OPTIONS = AlignmentOptions(min_score=0.4)


def _pool(sentences: int, per_sentence: int, sources: int, seed: int) -> dict[int, list[CandidateShot]]:
    """Overlapping candidate lists: every sentence sees a random subset of one shared pool of shots."""
    rng = random.Random(seed)
    shots = [
        shot(
            i,
            rng.randrange(sources),
            round(rng.uniform(0.25, 0.95), 3),
            start=rng.uniform(0, 20),
            length=rng.uniform(1.0, 12),
        )
        for i in range(sentences * 3)
    ]
    return {s: rng.sample(shots, per_sentence) for s in range(sentences)}


def _named(
    shot_id: int, source_id: int, position: int, *, length: float, score: float = 0.9
) -> CandidateShot:
    base = shot(shot_id, source_id, score, length=length)
    scores = {**base.scores, "named": 1.0, "named_position": float(position)}
    return CandidateShot(**{**base.__dict__, "scores": scores})


def _assert_tiles(segments, total: float) -> None:
    assert segments[0].start_s == 0.0
    for left, right in itertools.pairwise(segments):
        assert left.end_s == right.start_s
    assert segments[-1].end_s == pytest.approx(total, abs=1e-6)


def _assert_no_frame_twice(segments) -> None:
    used: dict[int, list[tuple[float, float]]] = {}
    for segment in segments:
        if segment.shot is not None:
            used.setdefault(segment.shot.source_id, []).append((segment.shot.in_s, segment.shot.out_s))
    for windows in used.values():
        for (a_in, a_out), (b_in, b_out) in itertools.combinations(sorted(windows), 2):
            assert a_out <= b_in + 1e-6, f"windows {a_in}-{a_out} and {b_in}-{b_out} overlap"


def test_segments_tile_the_narration_on_the_frame_grid_within_limits() -> None:
    slots = slots_from_durations([3.1, 7.4, 0.7, 2.2, 13.0, 1.0, 4.4], gap_s=0.25)
    result = align(slots, _pool(len(slots), 12, 6, seed=1), OPTIONS)
    total = slots[-1].start_s + slots[-1].duration_s
    _assert_tiles(result.segments, total)
    _assert_no_frame_twice(result.segments)
    for segment in result.segments:
        assert segment.duration_s >= OPTIONS.min_shot_s - 1 / 30 - 1e-6
        if segment.shot is not None:
            assert segment.duration_s <= OPTIONS.max_shot_s / (1 - OPTIONS.max_speed_change) + 1e-6
            frame_share = (1 / 30) / segment.duration_s  # cuts on the frame grid move the speed a little
            assert 1 - OPTIONS.max_speed_change - frame_share <= segment.shot.speed <= 1.0 + 1e-6
            assert segment.shot.duration_s == pytest.approx(segment.duration_s * segment.shot.speed, abs=1e-4)
        if segment.end_s != result.duration_s:  # inner cuts sit on the 30 fps frame grid
            assert abs(segment.end_s * 30 - round(segment.end_s * 30)) < 1e-4


def test_a_shot_below_the_floor_is_never_shown() -> None:
    slots = slots_from_durations([3.0, 3.0])
    candidates = {0: [shot(1, 1, 0.9)], 1: [shot(2, 2, 0.39), shot(3, 3, 0.2)]}
    result = align(slots, candidates, OPTIONS)
    shown = {s.shot.shot_id for s in result.segments if s.shot is not None}
    assert 2 not in shown and 3 not in shown
    second = [s for s in result.segments if s.start_s >= 3.0 - 1e-6]
    assert all(s.fill in ("broll", "held", "card") for s in second)


def test_a_short_clip_gets_a_piece_of_its_own_length_and_a_card_fills_the_rest() -> None:
    """The "milk" case: a 1.7 s clip for a 5 s sentence is shown (slowed at most 15 %), never dropped."""
    slots = slots_from_durations([5.0])
    result = align(slots, {0: [shot(1, 1, 0.9, length=1.7)]}, OPTIONS)
    first, rest = result.segments[0], result.segments[1:]
    assert first.shot is not None and first.shot.shot_id == 1
    assert first.duration_s == pytest.approx(1.7 / 0.85 - 2 * 2 / 25 / 0.85, abs=0.05)
    assert [s.fill for s in rest] == ["card"] and "shorter than the sentence" in rest[0].fill_reason
    # Issue 9: words meant for people number sentences from 1, like the editor's cards (data keeps 0)
    assert rest[0].sentence_index == 0
    assert any(w.startswith("sentence 1: ") and "title card" in w for w in result.warnings), result.warnings


def test_named_things_get_one_cut_each_in_the_order_named() -> None:
    """ "the signs for "want" and "thanks"": want first, thanks second, even when thanks scores higher."""
    slots = slots_from_durations([3.4])
    want = _named(1, 1, 20, length=1.6, score=0.8)
    thanks = _named(2, 2, 31, length=1.7, score=0.95)
    other = shot(3, 3, 0.85, length=10.0)  # relevant-looking, but not what the sentence names
    result = align(slots, {0: [thanks, other, want]}, OPTIONS)
    shown = [s.shot.shot_id for s in result.segments if s.shot is not None]
    assert shown == [1, 2]
    assert [s.fill for s in result.segments if s.shot is not None] == ["named", "named"]


def test_a_named_shot_goes_to_the_sentence_that_names_it() -> None:
    slots = slots_from_durations([3.0, 3.0])
    sister_for_0 = shot(1, 1, 0.7, length=3.2)
    sister_named_in_1 = _named(1, 1, 5, length=3.2, score=0.9)
    result = align(slots, {0: [sister_for_0], 1: [sister_named_in_1]}, OPTIONS)
    owner = [s.sentence_index for s in result.segments if s.shot is not None and s.shot.shot_id == 1]
    assert owner and set(owner) == {1}


def test_a_long_relevant_shot_may_hold_a_whole_sentence_and_sources_share_windows() -> None:
    slots = slots_from_durations([5.0, 5.0])
    long_take = shot(1, 1, 0.9, length=30.0)
    result = align(slots, {0: [long_take], 1: [long_take]}, OPTIONS)
    assert [s.shot.shot_id for s in result.segments if s.shot] == [1, 1]
    assert len(result.segments) == 2 and all(s.fill == "relevant" for s in result.segments)
    _assert_no_frame_twice(result.segments)


def test_the_previous_relevant_shot_is_held_with_new_frames() -> None:
    slots = slots_from_durations([3.0, 3.0])
    too_short = shot(2, 2, 0.9, length=0.5)  # relevant to sentence 1, but too short to show
    result = align(slots, {0: [shot(1, 1, 0.9, length=20.0)], 1: [too_short]}, OPTIONS)
    held = [s for s in result.segments if s.fill == "held"]
    assert held and held[0].sentence_index == 0 and held[0].shot is not None
    first = result.segments[0].shot
    assert first is not None and held[0].shot.in_s == pytest.approx(first.out_s)
    _assert_no_frame_twice(result.segments)


def test_broll_only_for_sentences_with_nothing_specific_and_never_unrelated() -> None:
    slots = slots_from_durations([3.0, 3.0, 3.0])
    topic = shot(9, 9, 0.6, length=10.0)
    unrelated = shot(8, 8, 0.1, length=10.0)
    candidates = {0: [shot(1, 1, 0.9, length=3.2)], 1: [unrelated], 2: [shot(2, 2, 0.9, length=3.2)]}
    result = align(slots, candidates, OPTIONS, broll=[topic, unrelated])
    middle = [s for s in result.segments if s.sentence_index == 1]
    assert [s.fill for s in middle] == ["broll"] and middle[0].shot is not None
    assert middle[0].shot.shot_id == 9
    assert all(s.shot is None or s.shot.shot_id != 8 for s in result.segments)


def test_in_out_points_stay_inside_clean_stretches() -> None:
    slots = slots_from_durations([2.0])
    candidate = shot(1, 1, 0.9, start=10.0, length=6.0, cuts=(12.5,), fps=25.0)
    result = align(slots, {0: [candidate]}, OPTIONS)
    used = result.segments[0].shot
    assert used is not None
    margin = 2 / 25
    assert (10.0 + margin - 1e-6 <= used.in_s and used.out_s <= 12.5 - margin + 1e-6) or (
        12.5 + margin - 1e-6 <= used.in_s and used.out_s <= 16.0 - margin + 1e-6
    )


def test_alternatives_clear_the_floor_and_exclude_the_chosen_shot() -> None:
    slots = slots_from_durations([3.0])
    candidates = {0: [shot(i, i, 0.3 + i * 0.1) for i in range(6)]}
    result = align(slots, candidates, AlignmentOptions(min_score=0.4, alternatives=3))
    segment = result.segments[0]
    assert segment.shot is not None and segment.shot.shot_id == 5
    assert [a.shot_id for a in segment.alternatives] == [4, 3, 2]
    assert all(a.out_s - a.in_s == pytest.approx(3.0) for a in segment.alternatives)


def test_alignment_is_deterministic_and_ignores_candidate_order() -> None:
    slots = slots_from_durations([2.5, 4.0, 6.5, 3.3, 8.8], salience=[0.3, 0.9, 0.5, 0.1, 0.7])
    pool = _pool(len(slots), 12, 4, seed=4)
    first = align(slots, pool, OPTIONS)
    shuffled = {k: list(reversed(v)) for k, v in pool.items()}
    second = align(list(reversed(slots)), shuffled, OPTIONS)
    assert first == second


def test_overlapping_sentences_are_refused() -> None:
    slots = [Slot(0, "One.", 0.0, 3.0, 0.5), Slot(1, "Two.", 2.0, 3.0, 0.5)]
    with pytest.raises(InputError, match="overlap"):
        align(slots, {}, OPTIONS)
    with pytest.raises(InputError):
        align([], {}, OPTIONS)


def test_credits_list_each_used_source_once() -> None:
    slots = slots_from_durations([3.0, 3.0, 3.0])
    candidates = {0: [shot(1, 1, 0.9)], 1: [shot(2, 2, 0.9)], 2: [shot(3, 1, 0.9, start=20.0)]}
    result = align(slots, candidates, OPTIONS)
    assert [(c.source_id, c.attribution, c.license) for c in result.credits] == [
        (1, "Author 1", "CC-BY-4.0"),
        (2, "Author 2", "CC-BY-4.0"),
    ]


def test_a_short_sentence_gets_one_shot_rather_than_a_sliver_of_card() -> None:
    """1.9 s: the best shot covers 1.2 s of it; a second relevant shot that covers all of it wins."""
    slots = slots_from_durations([1.9])
    best = shot(1, 1, 0.9, length=1.2)
    whole = shot(2, 2, 0.8, length=5.0)
    result = align(slots, {0: [best, whole]}, OPTIONS)
    assert [(s.fill, s.shot.shot_id if s.shot else None) for s in result.segments] == [("relevant", 2)]


def test_alternatives_use_the_floor_of_the_sentences_script_pairing() -> None:
    """An editor is offered what the planner itself would show: across scripts the calibrated cross-script
    floor applies to alternatives too (they used the same-script floor)."""
    options = AlignmentOptions(min_score=0.4, min_score_cross_script=0.3)
    slots = slots_from_durations([3.0])

    def cross(shot_id: int, score: float) -> CandidateShot:
        base = shot(shot_id, shot_id, score, length=10.0)
        return CandidateShot(**{**base.__dict__, "scores": {**base.scores, "same_script": 0.0}})

    result = align(slots, {0: [cross(1, 0.9), cross(2, 0.35), cross(3, 0.25)]}, options)
    offered = {a.shot_id for s in result.segments for a in s.alternatives}
    assert 2 in offered and 3 not in offered


def test_a_second_clip_is_shown_closer_to_the_best_when_its_home_is_the_sentence() -> None:
    """The "empty hall" case: a long clip scoring 0.75 of a 1.7 s best clip fills the sentence when no other
    sentence of the article (narrated or left out) fits it better; one that fits another sentence better
    ("a man and a woman tilt their heads" for "a woman and a man stroll") is not spent here."""
    options = AlignmentOptions(min_score=0.4, secondary_ratio=0.9, secondary_ratio_home=0.7)
    slots = slots_from_durations([6.0, 3.0])
    best, home, elsewhere = shot(1, 1, 1.0, length=1.7), shot(2, 2, 0.75, length=20.0), shot(3, 3, 0.75)
    other = [shot(9, 9, 0.5, length=20.0), shot(3, 3, 0.95)]  # sentence 1 fits shot 3 better

    result = align(slots, {0: [best, home, elsewhere], 1: other}, options)
    first = [s for s in result.segments if s.sentence_index == 0]
    assert [s.shot.shot_id if s.shot else None for s in first] == [1, 2]

    only_home_rule = options.model_copy(update={"secondary_ratio_home": None})
    result = align(slots, {0: [best, home, elsewhere], 1: other}, only_home_rule)
    first = [s for s in result.segments if s.sentence_index == 0]
    assert [s.shot.shot_id if s.shot else None for s in first] == [1, None]  # a card, as before the rule

    left_out = [[shot(2, 2, 0.8, length=20.0)]]  # a sentence the narration left out fits shot 2 better
    result = align(slots, {0: [best, home, elsewhere], 1: other}, options, left_out=left_out)
    first = [s for s in result.segments if s.sentence_index == 0]
    assert [s.shot.shot_id if s.shot else None for s in first] == [1, None]
    assert all(s.shot is None or s.shot.shot_id != 3 for s in first)


def _with_activity(base: CandidateShot, profile: tuple[float, ...]) -> CandidateShot:
    return CandidateShot(**{**base.__dict__, "activity": profile})


def test_a_piece_moves_to_where_the_picture_changes() -> None:
    """A 10 s shot of an empty car park where a car drives through from 6 s to 8 s: a 2 s sentence shows
    the car, not the empty lot at the start of the free footage."""
    profile = (0.2,) * 12 + (6.0,) * 4 + (0.2,) * 4  # 0.5 s steps
    slots = slots_from_durations([2.0])
    segment = align(slots, {0: [_with_activity(shot(1, 1, 0.9), profile)]}, OPTIONS).segments[0]
    moved = segment.shot
    assert moved is not None and moved.in_s >= 6.0 - 1e-6 and moved.out_s <= 8.0 + 1e-6
    assert "where the picture moves most" in segment.fill_reason
    plain = align(slots, {0: [shot(1, 1, 0.9)]}, OPTIONS).segments[0].shot
    assert plain is not None and plain.in_s < 1.0  # without a profile: from the start, as before
    still = align(slots, {0: [_with_activity(shot(1, 1, 0.9), (0.3,) * 20)]}, OPTIONS).segments[0].shot
    assert still is not None and still.in_s == plain.in_s  # nothing clearly busier: stays
    off = AlignmentOptions(min_score=0.4, activity_gain=None)
    kept = align(slots, {0: [_with_activity(shot(1, 1, 0.9), profile)]}, off).segments[0].shot
    assert kept is not None and kept.in_s == plain.in_s


def test_moving_to_the_action_changes_no_choice_and_reuses_no_frame() -> None:
    """Sliding happens after planning, into footage no other piece uses: the same shots, lengths and
    fills as without profiles, and exact frames still never twice."""
    slots = slots_from_durations([3.1, 7.4, 0.7, 2.2, 13.0, 1.0, 4.4], gap_s=0.25)
    rng = random.Random(5)
    long_shots = [
        shot(i, i % 5, round(rng.uniform(0.45, 0.95), 3), start=20.0 * i, length=rng.uniform(6, 20))
        for i in range(12)
    ]
    pool = {s: rng.sample(long_shots, 6) for s in range(len(slots))}
    profiles = {
        c.shot_id: tuple(round(rng.choice([0.2, 0.3, 4.0, 9.0]), 1) for _ in range(30))
        for group in pool.values()
        for c in group
    }
    busy = {k: [_with_activity(c, profiles[c.shot_id]) for c in group] for k, group in pool.items()}
    plain, moved = align(slots, pool, OPTIONS).segments, align(slots, busy, OPTIONS).segments
    _assert_no_frame_twice(moved)
    assert [(s.start_s, s.end_s, s.fill, s.shot and s.shot.shot_id) for s in plain] == [
        (s.start_s, s.end_s, s.fill, s.shot and s.shot.shot_id) for s in moved
    ]
    assert any(a.shot and b.shot and a.shot.in_s != b.shot.in_s for a, b in zip(plain, moved, strict=True))


def test_a_run_on_of_a_few_frames_extends_the_previous_shot_not_a_flash_segment() -> None:
    """Sentence 2's clip, slowed to the limit, falls one frame short of its speech: the previous shot runs
    on one frame longer (its cut moves into sentence 2) rather than flashing as a one-frame segment."""
    slots = slots_from_durations([5.0, 4.0])
    short_by_a_frame = (4.0 - 0.03) * 0.85 + 0.16  # + the edge margins
    candidates = {0: [shot(1, 1, 0.9, length=20.0)], 1: [shot(2, 2, 0.9, length=short_by_a_frame)]}
    segments = align(slots, candidates, OPTIONS).segments
    assert [s.shot and s.shot.shot_id for s in segments] == [1, 2]
    assert all(s.duration_s >= OPTIONS.min_shot_s for s in segments)
    first = segments[0]
    assert first.end_s == pytest.approx(5.0 + 1 / 30, abs=1e-6)
    assert first.shot is not None and first.shot.speed == pytest.approx(1.0, abs=0.01)
    _assert_tiles(segments, 9.0)
    _assert_no_frame_twice(segments)


def test_a_chinese_card_shows_the_clause_of_its_anchor_when_it_is_short() -> None:
    def card(text: str, anchor: str) -> str:
        return card_text(Slot(0, text, 0.0, 5.0, 0.5, anchor))

    worker = "后面的仓库里，一名戴黄色安全帽、穿橙色背心的工人沿着地上的红线走过。"
    assert card(worker, "橙色") == "穿橙色背心的工人沿着地上的红线走过"  # not the bare word "橙色"
    long_clause = "顾客在狭窄的过道里挑选货架上堆放的白色盘子和杯子以及各种各样的锅。"
    assert card(long_clause, "顾客") == "顾客"  # the clause is too long for a card: the anchor
    assert card("他说，下个月还会增加服务。", "服务") == "他说，下个月还会增加服务"  # short: the sentence
    english = "Most of the day, colleagues walk along the long corridor between the meeting rooms."
    assert card(english, "colleagues walk") == "colleagues walk"
