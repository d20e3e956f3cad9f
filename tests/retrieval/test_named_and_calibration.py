"""Named things, script detection, cross-script weights and the calibrated floors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from montage.options.relevance import RelevanceWeights
from montage.retrieval import calibration
from montage.retrieval.calibration import calibration_key, relevance_floor
from montage.retrieval.named_things import named_things
from montage.retrieval.scoring import effective_weights
from montage.retrieval.script import dominant_script


def test_quoted_words_and_entities_in_reading_order() -> None:
    things = named_things('On Friday the teacher showed the signs for "want" and "thanks".', ["Friday"])
    assert [t.text for t in things] == ["Friday", "want", "thanks"]
    assert things[1].position < things[2].position
    chinese = named_things("老师先教大家怎么用手语表示“书”和「学习」。")
    assert [t.text for t in chinese] == ["书", "学习"]
    assert named_things('He said "this is a very long quotation of many words" loudly.') == []


def test_single_quotes_and_guillemets_name_things_but_apostrophes_do_not() -> None:
    def texts(sentence: str) -> list[str]:
        return [t.text for t in named_things(sentence)]

    assert texts("Coffee drinkers asked for the sign for 'milk' first.") == ["milk"]
    assert texts("Don't say 'no' to Tom's dog.") == ["no"]
    assert texts("Tom's and Jerry's cats sleep in the '90s house.") == []
    assert texts("Les signes «oui» et „nein“ et ‹peut-être›.") == ["oui", "nein", "peut-être"]


def test_dominant_script() -> None:
    assert dominant_script("港口里停满了集装箱船") == "han"
    assert dominant_script("Container ships in the harbour") == "other"
    assert dominant_script("NASA 发射了火箭") == "han"
    assert dominant_script("") == "other"


def test_cross_script_moves_keyword_weight_to_labels_and_tags_to_text() -> None:
    weights = RelevanceWeights()
    same = effective_weights(weights, visual_available=True, same_script=True)
    cross = effective_weights(weights, visual_available=True, same_script=False)
    assert cross["keyword"] == cross["tags"] == 0.0
    assert cross["labels"] == pytest.approx(weights.keyword)
    assert cross["text"] == pytest.approx(weights.text + weights.tags)
    assert sum(same.values()) == pytest.approx(sum(cross.values()))
    text_only = effective_weights(weights, visual_available=False, same_script=False)
    assert text_only["visual"] == 0.0
    assert sum(text_only.values()) == pytest.approx(sum(same.values()))


def test_calibrated_floor_is_looked_up_by_model_and_falls_back_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = tmp_path / "calibration.json"
    key = calibration_key("text-a", None)
    table.write_text(
        json.dumps(
            {
                "floors": {
                    key: {
                        "floor": 0.5,
                        "specific": 0.6,
                        "secondary_ratio": 0.7,
                        "cross_script": {"floor": 0.7, "specific": 0.55},
                    }
                }
            }
        )
    )
    monkeypatch.setattr(calibration, "CALIBRATION_FILE", table)
    calibration._table.cache_clear()
    try:
        found = relevance_floor("text-a", None, 0.9)
        assert (found.value, found.origin, found.cross_script) == (0.5, "calibrated", 0.7)
        assert (found.specific, found.specific_cross_script, found.secondary_ratio) == (0.6, 0.55, 0.7)
        missing = relevance_floor("text-a", "clip-b", 0.9)
        assert (missing.value, missing.origin, missing.key) == (0.9, "default", "text=text-a|visual=clip-b")
    finally:
        calibration._table.cache_clear()


def test_the_shipped_calibration_covers_the_default_text_model() -> None:
    from montage.embedding.use_encoder import use_model_id

    floor = relevance_floor(use_model_id(), None, 0.99)
    assert floor.origin == "calibrated" and 0.0 < floor.value < 0.99
