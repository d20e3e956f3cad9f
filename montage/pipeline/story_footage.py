"""B-roll queries beyond the headline: the descriptions of the footage a story's sentences clearly show.

A sentence with nothing specific to show may take footage of the story (an editor's B-roll). The story's
headline finds little when it is in another language than the shot texts (cross-lingual similarities
are compressed: a Chinese headline rarely clears the cross-script floor), but the footage its sentences
clearly show is known after ranking, and shots described like that footage are in the same language as
it. So each sentence's best candidate that clears the floor lends its shot text as a further B-roll
query, ranked by the one ranking path and held to the same floor (same script, English to English here).

Except the clip of a thing a sentence names (the sign for "thanks", a named person): footage described
like it is other such things — other signs, other people — and under a sentence about something else a
viewer would read them as what they show (a hand signing "no" under "the shop was renovated").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from montage.retrieval.calibration import RelevanceFloor
from montage.retrieval.candidates import CandidatePool
from montage.timeline.cut_planner import matches_named_thing
from montage.timeline.plan_inputs import CandidateShot


def story_footage_texts(
    ranked: Mapping[int, Sequence[CandidateShot]],
    pool: CandidatePool,
    floor: RelevanceFloor,
    *,
    named_min: float,
) -> list[str]:
    """The shot texts of each sentence's best candidate when it clears the floor and is not the clip of a
    thing the sentence names (its ``named`` part below ``named_min``), one per source, in sentence order."""
    texts: list[str] = []
    sources: set[int] = set()
    for index in sorted(ranked):
        candidates = ranked[index]
        if not candidates:
            continue
        best = max(candidates, key=lambda shot: (shot.score, -shot.shot_id))
        same = best.scores.get("same_script") != 0.0
        facts = pool.shots.get(best.shot_id)
        if facts is None or best.source_id in sources or not floor.clears(best.score, same_script=same):
            continue
        if matches_named_thing(best, named_min):
            continue
        sources.add(best.source_id)
        if facts.text.strip():
            texts.append(facts.text)
    return texts


def best_per_shot(rows: Iterable[Sequence[CandidateShot]]) -> list[CandidateShot]:
    """Every shot of ``rows`` once, with its highest score (its parts from that row), best first."""
    best: dict[int, CandidateShot] = {}
    for row in rows:
        for shot in row:
            held = best.get(shot.shot_id)
            if held is None or shot.score > held.score:
                best[shot.shot_id] = shot
    return sorted(best.values(), key=lambda shot: (-shot.score, shot.shot_id))
