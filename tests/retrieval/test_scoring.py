"""Scoring candidate shots for a sentence: weighted parts, visual redistribution, penalties, order."""

from __future__ import annotations

import random

import numpy as np
import pytest
from pydantic import ValidationError

from montage.embedding.protocol import TextEmbedder
from montage.options.relevance import RelevanceWeights
from montage.retrieval.bm25 import KeywordIndex
from montage.retrieval.features import CandidateFeatures, SentenceQuery
from montage.retrieval.scoring import score_candidate, score_candidates

SHOTS = {
    1: "Aerial view of the Thames Barrier gates closing on the river in London",
    2: "Traffic on a busy London street at night",
    3: "Waves crash against a sea wall during a winter storm",
    4: "Children playing football in a park",
}
SENTENCE = SentenceQuery(
    text="The Thames Barrier closed its gates as a storm surge moved up the river.",
    keyphrases=("Thames Barrier", "storm surge"),
    entities=("Thames Barrier",),
    salience=0.8,
    slot_s=4.0,
)


def _candidate(shot_id: int, **changes: object) -> CandidateFeatures:
    fields: dict[str, object] = {
        "shot_id": shot_id,
        "visual_sim": 0.25,
        "text_sim": 0.4,
        "shot_text": SHOTS.get(shot_id, ""),
        "tags": (),
        "quality": 0.8,
        "duration_s": 5.0,
        "source_id": 100 + shot_id,
    }
    fields.update(changes)
    return CandidateFeatures(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def index() -> KeywordIndex:
    return KeywordIndex.fit(SHOTS)


def test_score_is_the_weighted_sum_of_parts_minus_penalties(index: KeywordIndex) -> None:
    weights = RelevanceWeights()
    scored = score_candidate(SENTENCE, _candidate(1, visual_sim=0.30, text_sim=0.55), index, weights)
    s = scored.scores
    assert s["visual"] == pytest.approx((0.30 - 0.15) / 0.20)
    assert s["text"] == pytest.approx((0.55 - 0.10) / 0.60)
    assert s["keyword"] == pytest.approx(1.0)  # shot 1 is the best BM25 match of this sentence
    parts = {name: float(s[name] or 0.0) for name in ("visual", "text", "keyword", "tags", "quality")}
    expected = 0.40 * parts["visual"] + 0.30 * parts["text"] + 0.20 * parts["keyword"]
    expected += 0.05 * parts["tags"] + 0.05 * parts["quality"]
    penalties = float(s["penalty_short"] or 0.0) + float(s["penalty_low_quality"] or 0.0)
    assert scored.score == pytest.approx(expected - penalties)
    assert s["weight_visual"] == 0.40 and s["visual_weight_redistributed"] == 0.0
    assert s["visual_raw"] == 0.30 and s["text_raw"] == 0.55


def test_without_visual_its_weight_moves_to_the_text_parts(index: KeywordIndex) -> None:
    weights = RelevanceWeights()
    scored = score_candidate(SENTENCE, _candidate(1, visual_sim=None), index, weights)
    s = scored.scores
    assert s["visual"] is None and s["visual_raw"] is None
    assert s["weight_visual"] == 0.0
    assert s["visual_weight_redistributed"] == pytest.approx(0.40)
    text_side = 0.30 + 0.20 + 0.05
    assert s["weight_text"] == pytest.approx(0.30 + 0.40 * 0.30 / text_side)
    assert s["weight_keyword"] == pytest.approx(0.20 + 0.40 * 0.20 / text_side)
    assert s["weight_tags"] == pytest.approx(0.05 + 0.40 * 0.05 / text_side)
    assert s["weight_quality"] == pytest.approx(0.05)  # quality is not a text part
    total = sum(
        float(s[f"weight_{part}"] or 0.0) for part in ("visual", "text", "keyword", "tags", "quality")
    )
    assert total == pytest.approx(1.0)


def test_text_only_ranking_still_prefers_the_matching_shot(index: KeywordIndex) -> None:
    candidates = [_candidate(i, visual_sim=None, text_sim=0.3) for i in SHOTS]
    ranked = score_candidates(SENTENCE, candidates, index, RelevanceWeights())
    assert [c.shot_id for c in ranked][:2] == [1, 3]  # "Thames Barrier ... river", then "storm"


def test_a_shot_too_short_for_the_slot_is_penalised(index: KeywordIndex) -> None:
    weights = RelevanceWeights()
    long_shot = score_candidate(SENTENCE, _candidate(1, duration_s=6.0), index, weights)
    short_shot = score_candidate(SENTENCE, _candidate(1, duration_s=0.75), index, weights)
    assert long_shot.scores["penalty_short"] == 0.0
    assert short_shot.scores["penalty_short"] == pytest.approx(0.15 * (3.0 - 0.75) / 3.0)
    assert short_shot.score < long_shot.score
    unknown_slot = SentenceQuery(text=SENTENCE.text)
    assert score_candidate(unknown_slot, _candidate(1, duration_s=1.0), index, weights).scores[
        "penalty_short"
    ] == pytest.approx(0.0)


def test_low_quality_is_penalised_below_the_threshold(index: KeywordIndex) -> None:
    weights = RelevanceWeights()
    fine = score_candidate(SENTENCE, _candidate(1, quality=0.5), index, weights)
    poor = score_candidate(SENTENCE, _candidate(1, quality=0.1), index, weights)
    assert fine.scores["penalty_low_quality"] == 0.0
    assert poor.scores["penalty_low_quality"] == pytest.approx(0.10 * (0.35 - 0.1) / 0.35)
    assert poor.score < fine.score


def test_tags_that_name_the_anchors_count(index: KeywordIndex) -> None:
    weights = RelevanceWeights()
    tagged = score_candidate(SENTENCE, _candidate(2, tags=("thames barrier", "storm")), index, weights)
    untagged = score_candidate(SENTENCE, _candidate(2), index, weights)
    assert tagged.scores["tags"] == pytest.approx(1.0)
    assert untagged.scores["tags"] == 0.0
    assert tagged.score > untagged.score


def test_a_candidate_outside_the_index_gets_a_keyword_score_from_its_text(index: KeywordIndex) -> None:
    outsider = _candidate(99, shot_text="The Thames Barrier in a storm surge")
    scored = score_candidate(SENTENCE, outsider, index, RelevanceWeights())
    assert 0.0 < scored.scores["keyword"] <= 1.0  # type: ignore[operator]


def test_order_is_deterministic_and_ties_go_to_the_lower_shot_id(index: KeywordIndex) -> None:
    candidates = [_candidate(i, shot_text="identical text", visual_sim=0.2) for i in (7, 3, 9, 5)]
    ranked = score_candidates(SENTENCE, candidates, KeywordIndex.fit({}), RelevanceWeights())
    assert [c.shot_id for c in ranked] == [3, 5, 7, 9]
    pool = [_candidate(i, visual_sim=0.1 + 0.05 * i, text_sim=0.2 + 0.1 * (i % 3)) for i in SHOTS]
    first = score_candidates(SENTENCE, pool, index, RelevanceWeights())
    shuffled = pool[:]
    random.Random(4).shuffle(shuffled)
    assert score_candidates(SENTENCE, shuffled, index, RelevanceWeights()) == first
    assert [score_candidate(SENTENCE, c, index, RelevanceWeights()) for c in pool] == sorted(
        first, key=lambda c: c.shot_id
    )


def test_weights_are_validated() -> None:
    with pytest.raises(ValidationError):
        RelevanceWeights(visual_floor=0.4, visual_ceiling=0.3)
    with pytest.raises(ValidationError):
        RelevanceWeights(text=0, keyword=0, tags=0)
    with pytest.raises(ValidationError):
        RelevanceWeights(visual=-0.1)


def test_real_sentence_embeddings_and_bm25_pick_the_right_shot(embedder: TextEmbedder) -> None:
    """End to end on the text side: MiniLM similarities + BM25 + weights, visual channel unavailable."""
    shots = {
        21: "Steel flood gates of the Thames Barrier rise out of the river under a grey sky",
        22: "Commuters cross London Bridge in the morning rush hour",
        23: "A hydrologist measures water levels with a gauge on a riverbank",
        24: "Fireworks over the London Eye on New Year's Eve",
    }
    sentences = [
        SentenceQuery(
            "The Thames Barrier's ten steel gates rise to hold back the tide.", ("Thames Barrier",)
        ),
        SentenceQuery("Scientists found that peak water levels at Woolwich have risen.", ("water levels",)),
    ]
    index = KeywordIndex.fit(shots)
    shot_vectors = embedder.embed_texts(list(shots.values()))
    sentence_vectors = embedder.embed_texts([s.text for s in sentences])
    similarity = sentence_vectors @ shot_vectors.T
    winners = []
    for row, sentence in enumerate(sentences):
        candidates = [
            CandidateFeatures(
                shot_id=shot_id,
                visual_sim=None,
                text_sim=float(similarity[row, column]),
                shot_text=text,
                quality=0.7,
                duration_s=4.0,
            )
            for column, (shot_id, text) in enumerate(shots.items())
        ]
        ranked = score_candidates(sentence, candidates, index, RelevanceWeights())
        assert all(c.scores["visual"] is None for c in ranked)
        winners.append(ranked[0].shot_id)
    assert winners == [21, 23]
    assert np.all(np.isfinite(similarity))
