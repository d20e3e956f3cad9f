"""Alignment: tiling, lengths, uniqueness, sources, salience, cut points, fallbacks, beats, determinism."""

from __future__ import annotations

import itertools
import random

import pytest

from montage.errors import InputError
from montage.timeline import AlignmentOptions, CandidateShot, Slot, align

from .builders import shot, slots_from_durations

OPTIONS = AlignmentOptions()


def _pool(sentences: int, per_sentence: int, sources: int, seed: int) -> dict[int, list[CandidateShot]]:
    """Overlapping candidate lists: every sentence sees a random subset of one shared pool of shots."""
    rng = random.Random(seed)
    shots = [
        shot(
            i,
            rng.randrange(sources),
            round(rng.uniform(0.25, 0.95), 3),
            start=rng.uniform(0, 20),
            length=rng.uniform(3, 12),
        )
        for i in range(sentences * 3)
    ]
    return {s: rng.sample(shots, per_sentence) for s in range(sentences)}


def _assert_tiles(segments, total: float) -> None:
    assert segments[0].start_s == 0.0
    for left, right in itertools.pairwise(segments):
        assert left.end_s == right.start_s
    assert segments[-1].end_s == pytest.approx(total, abs=1e-6)


def test_segments_tile_the_narration_within_length_limits() -> None:
    slots = slots_from_durations([3.1, 7.4, 0.7, 2.2, 13.0, 1.0, 4.4], gap_s=0.25)
    result = align(slots, _pool(len(slots), 12, 6, seed=1), OPTIONS)
    total = slots[-1].start_s + slots[-1].duration_s
    _assert_tiles(result.segments, total)
    for segment in result.segments:
        assert OPTIONS.min_shot_s - 1e-6 <= segment.duration_s <= OPTIONS.max_shot_s + 1e-6
        if segment.end_s != result.duration_s:  # inner cuts sit on the 30 fps frame grid
            assert abs(segment.end_s * 30 - round(segment.end_s * 30)) < 1e-4
    assert sum(1 for s in result.segments if s.sentence_index == 4) >= 3  # 13 s sentence split
    assert any("too short" in w for w in result.warnings)  # the 0.7 s sentence shares a segment


def test_shots_fill_their_segments_exactly_inside_the_shot() -> None:
    slots = slots_from_durations([3.0, 5.5, 2.4, 6.2])
    result = align(slots, _pool(len(slots), 10, 5, seed=2), OPTIONS)
    for segment in result.segments:
        assert segment.shot is not None
        assert segment.shot.duration_s == pytest.approx(segment.duration_s, abs=1e-5)


def test_no_shot_is_used_twice_even_when_sentences_share_candidates() -> None:
    slots = slots_from_durations([3.0] * 8)
    shared = [shot(i, i, 0.9 - i * 0.05) for i in range(10)]
    result = align(slots, {s.sentence_index: shared for s in slots}, OPTIONS)
    used = [s.shot.shot_id for s in result.segments if s.shot is not None]
    assert len(used) == 8
    assert len(used) == len(set(used))


def test_neighbours_come_from_different_sources_when_something_else_fits() -> None:
    slots = slots_from_durations([3.0] * 6)
    candidates = {
        s.sentence_index: [
            shot(100 + s.sentence_index, 1, 0.9),
            shot(200 + s.sentence_index, 2 + s.sentence_index % 2, 0.6),
        ]
        for s in slots
    }
    result = align(slots, candidates, OPTIONS)
    sources = [s.shot.source_id for s in result.segments if s.shot is not None]
    assert len(sources) == 6
    assert all(a != b for a, b in itertools.pairwise(sources)), sources
    assert sources.count(1) == 3  # the better source still takes every other slot


def test_same_source_neighbours_are_allowed_with_a_warning_when_nothing_else_fits() -> None:
    slots = slots_from_durations([3.0, 3.0, 3.0])
    candidates = {s.sentence_index: [shot(10 + s.sentence_index, 7, 0.8)] for s in slots}
    result = align(slots, candidates, OPTIONS)
    assert [s.shot.source_id for s in result.segments if s.shot] == [7, 7, 7]
    assert any("both come from source 7" in w for w in result.warnings)


def test_the_most_salient_sentence_gets_the_best_shot() -> None:
    slots = slots_from_durations([3.0, 3.0, 3.0], salience=[0.2, 1.0, 0.5])
    shared = [shot(1, 1, 0.9), shot(2, 2, 0.6), shot(3, 3, 0.3)]
    result = align(slots, {s.sentence_index: shared for s in slots}, OPTIONS)
    assert [s.shot.shot_id for s in result.segments if s.shot] == [3, 1, 2]


def test_choice_is_global_not_greedy() -> None:
    # Greedy in sentence order would give shot 1 to sentence 0 and leave sentence 1 with nothing.
    slots = slots_from_durations([3.0, 3.0])
    candidates = {0: [shot(1, 1, 0.9), shot(2, 2, 0.85)], 1: [shot(1, 1, 0.88)]}
    result = align(slots, candidates, OPTIONS)
    assert [s.shot.shot_id for s in result.segments if s.shot] == [2, 1]
    assert not any(s.fallback for s in result.segments)


def test_in_out_points_avoid_source_cuts_and_prefer_the_middle() -> None:
    slots = slots_from_durations([2.0])
    margin = 2 / 25  # two frames of the 25 fps source
    # A 10 s shot with a source cut at 3 s: the window is centred on the shot's middle (5 s).
    centred = align(slots, {0: [shot(1, 1, 0.9, length=10.0, cuts=(3.0,))]}, OPTIONS).segments[0].shot
    assert centred is not None
    assert (centred.in_s, centred.out_s) == pytest.approx((4.0, 6.0))
    # With the cut at 4.5 s, the centred window would cross it: it moves to stay 2 frames after the cut.
    moved = align(slots, {0: [shot(1, 1, 0.9, length=10.0, cuts=(4.5,))]}, OPTIONS).segments[0].shot
    assert moved is not None
    assert moved.in_s == pytest.approx(4.5 + margin)
    # A window never touches the shot's own edges either.
    edge = align(slots, {0: [shot(1, 1, 0.9, start=7.0, length=2.2)]}, OPTIONS).segments[0].shot
    assert edge is not None
    assert edge.in_s >= 7.0 + margin - 1e-9 and edge.out_s <= 9.2 - margin + 1e-9


def test_a_shot_too_short_for_a_segment_is_not_stretched() -> None:
    slots = slots_from_durations([5.0])
    short = [shot(i, i, 0.9, length=2.9) for i in range(4)]  # usable 2.9 - 2 × 2 frames
    result = align(slots, {0: short}, OPTIONS)
    assert len(result.segments) == 2  # split so that shorter shots can fill it
    for segment in result.segments:
        assert segment.shot is not None
        assert segment.shot.in_s >= 0.08 - 1e-9 and segment.shot.out_s <= 2.82 + 1e-9


def test_low_scores_and_missing_candidates_become_fallback_cards() -> None:
    slots = slots_from_durations([3.0, 3.0, 3.0])
    slots[1] = Slot(
        1, "The committee met in Geneva to agree on the rules.", 3.0, 3.0, 0.5, anchor="Geneva talks"
    )
    candidates = {0: [shot(1, 1, 0.8)], 1: [shot(2, 2, 0.05)]}
    result = align(slots, candidates, OPTIONS)
    kinds = [s.fallback for s in result.segments]
    assert kinds == [False, True, True]
    assert result.segments[1].shot is None and result.segments[1].fallback_text == "Geneva talks"
    assert result.segments[2].fallback_text == "Sentence 2 says something about topic 2"
    assert any("0.050 < min_score" in w for w in result.warnings)
    assert any("no candidate shots" in w for w in result.warnings)
    assert [a.shot_id for a in result.segments[1].alternatives] == [2]  # still offered to an editor


def test_alternatives_are_ranked_and_exclude_the_chosen_shot() -> None:
    slots = slots_from_durations([3.0])
    candidates = {0: [shot(i, i, 0.3 + i * 0.1) for i in range(6)]}
    result = align(slots, candidates, AlignmentOptions(alternatives=3))
    segment = result.segments[0]
    assert segment.shot is not None and segment.shot.shot_id == 5
    assert [a.shot_id for a in segment.alternatives] == [4, 3, 2]
    assert all(a.out_s - a.in_s == pytest.approx(3.0) for a in segment.alternatives)


def test_cuts_snap_to_nearby_beats_and_coverage_is_kept() -> None:
    slots = slots_from_durations([3.0, 3.0, 3.0, 3.0])
    beats = [3.2, 5.9, 9.5, 10.0]  # 3.2 and 5.9 are near the cuts at 3 and 6; 9.5 is too far from 9
    result = align(slots, _pool(4, 8, 4, seed=3), OPTIONS, beats=beats)
    cuts = [s.start_s for s in result.segments[1:]]
    assert cuts == pytest.approx([3.2, 5.9, 9.0], abs=1e-6)
    _assert_tiles(result.segments, 12.0)
    for segment in result.segments:
        assert segment.shot is None or segment.shot.duration_s == pytest.approx(segment.duration_s, abs=1e-5)


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
