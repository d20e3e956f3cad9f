"""Properties of the cut planner on random narrations and random candidate pools (hypothesis)."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from montage.options.alignment import AlignmentOptions
from montage.timeline.align import align
from montage.timeline.plan_inputs import CandidateShot, Slot

FPS = 30.0
OPTIONS = AlignmentOptions(min_score=0.5, specific_score=0.7, secondary_ratio=0.8, fps=FPS)


@st.composite
def problems(draw: st.DrawFn) -> tuple[list[Slot], dict[int, list[CandidateShot]], list[CandidateShot]]:
    durations = draw(st.lists(st.floats(0.3, 12.0), min_size=1, max_size=8))
    slots, start = [], 0.0
    for i, duration in enumerate(durations):
        quoted = draw(st.booleans())
        text = f'Sentence {i} shows "thing{i}" today.' if quoted else f"Sentence {i} about topic {i}."
        slots.append(Slot(i, text, round(start, 6), duration, 0.5, headline=i == 0))
        start += duration + draw(st.sampled_from([0.0, 0.25]))
    sources = draw(st.integers(1, 5))
    shots: list[CandidateShot] = []
    for shot_id in range(draw(st.integers(0, 12))):
        source = draw(st.integers(0, sources - 1))
        begin = draw(st.floats(0.0, 20.0))
        length = draw(st.floats(0.2, 15.0))
        cuts = tuple(sorted(draw(st.lists(st.floats(begin, begin + length), max_size=2))))
        shots.append(
            CandidateShot(
                shot_id, source, f"/lib/{source}.mp4", begin, begin + length, 0.0, {}, cuts, "", "", 25.0
            )
        )
    candidates: dict[int, list[CandidateShot]] = {}
    for slot in slots:
        picked = (
            draw(st.lists(st.sampled_from(shots), max_size=6, unique_by=lambda s: s.shot_id)) if shots else []
        )
        candidates[slot.sentence_index] = [
            CandidateShot(
                **{
                    **shot.__dict__,
                    "score": draw(st.floats(0.0, 1.3)),
                    "scores": {
                        "same_script": float(draw(st.booleans())),
                        "named": draw(st.sampled_from([None, 0.0, 0.5, 1.0])),
                        "named_position": float(draw(st.integers(0, 30))),
                    },
                }
            )
            for shot in picked
        ]
    broll = [CandidateShot(**{**s.__dict__, "score": draw(st.floats(0.0, 1.0))}) for s in shots[:3]]
    return slots, candidates, broll


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_cut_always_tiles_the_narration_and_never_reuses_a_frame(problem) -> None:
    slots, candidates, broll = problem
    result = align(slots, candidates, OPTIONS, broll=broll)
    segments = result.segments
    assert segments[0].start_s == 0.0
    for left, right in itertools.pairwise(segments):
        assert left.end_s == right.start_s
        assert left.end_s > left.start_s
    assert abs(segments[-1].end_s - (slots[-1].start_s + slots[-1].duration_s)) < 1e-6
    windows: dict[int, list[tuple[float, float]]] = {}
    for segment in segments:
        assert segment.fill in ("relevant", "named", "held", "broll", "card") and segment.fill_reason
        assert (segment.shot is None) == (segment.fill == "card") == segment.fallback
        if segment.shot is None:
            continue
        shot = segment.shot
        assert shot.out_s > shot.in_s
        assert abs(shot.duration_s - segment.duration_s * shot.speed) < 1e-4
        assert shot.speed <= 1.0 + 1e-9
        assert shot.speed >= 1 - OPTIONS.max_speed_change - (1 / FPS) / segment.duration_s - 1e-9
        windows.setdefault(shot.source_id, []).append((shot.in_s, shot.out_s))
    for used in windows.values():
        ordered = sorted(used)
        assert all(a[1] <= b[0] + 1e-6 for a, b in itertools.pairwise(ordered)), ordered
    # Only shots the planner may justify: above the floor, a sentence's best specific match, a named thing's
    # best match, or story footage / a held shot.
    for segment in segments:
        if segment.fill in ("relevant", "named") and segment.shot is not None:
            assert segment.shot.score >= 0.0
