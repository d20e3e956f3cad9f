"""The label reader and judge follow ../shared/eval/README.md: NFKC + lower-case phrase match, clip paths
relative to the footage root, right / wrong clip / card per judged segment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from montage.errors import InputError
from montage.evaluation.cut_labels import judge_segments, parse_labels, read_labels
from montage.timeline.model import Segment, ShotUse


def _segment(index: int, sentence: str, path: str | None, start: float, end: float) -> Segment:
    shot = None if path is None else ShotUse(path, index + 1, 1, 0.0, end - start)
    return Segment(index, index, sentence, start, end, shot, fallback=shot is None)


def test_rules_match_after_nfkc_and_lower_case_and_judge_each_segment(tmp_path: Path) -> None:
    rules = parse_labels({"a.md": [{"match": 'ＳＩＧＮ for "Milk"', "relevant": ["asl/milk.mkv"]}]})["a.md"]
    root = tmp_path / "footage"
    segments = [
        _segment(0, 'Coffee drinkers asked for the sign for "milk".', str(root / "asl/milk.mkv"), 0.0, 2.0),
        _segment(1, 'Coffee drinkers asked for the sign for "milk".', None, 2.0, 5.0),
        _segment(2, 'Coffee drinkers asked for the sign for "milk".', str(root / "asl/eat.mkv"), 5.0, 6.0),
        _segment(3, "Nothing labelled here.", str(root / "asl/eat.mkv"), 6.0, 8.0),
        _segment(4, "Nothing labelled here either.", None, 8.0, 9.0),
    ]
    judgement = judge_segments(segments, rules, root)
    assert (judgement.segments, judgement.judged, judgement.right) == (5, 3, 1)
    assert (judgement.wrong_clip, judgement.judged_cards, judgement.cards) == (1, 1, 2)
    assert judgement.right_share == pytest.approx(1 / 3)
    assert judgement.card_share == pytest.approx(2 / 5)
    assert judgement.right_time_share == pytest.approx(2 / 6)
    assert [v.verdict for v in judgement.verdicts] == ["right", "card", "wrong_clip", "unjudged", "card"]


def test_totals_add_up_per_language() -> None:
    rules = parse_labels({"a.md": [{"match": "x", "relevant": ["c.mp4"]}]})["a.md"]
    first = judge_segments([_segment(0, "x", "/f/c.mp4", 0, 1)], rules, Path("/f"))
    second = judge_segments([_segment(0, "x", None, 0, 1)], rules, Path("/f"))
    first.add(second)
    assert (first.judged, first.right, first.judged_cards) == (2, 1, 1)
    assert first.to_json()["right_share"] == 0.5


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"a.md": {}},
        {"a.md": [{"match": "", "relevant": []}]},
        {"a.md": [{"match": "x", "relevant": "c"}]},
    ],
)
def test_malformed_labels_are_a_clear_error(data: object) -> None:
    with pytest.raises(InputError, match=r"label|rule"):
        parse_labels(data)


def test_unreadable_label_file_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "labels.json"
    broken.write_bytes(b"\xff\xfe not json")
    with pytest.raises(InputError, match="cannot read labels"):
        read_labels(broken)
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"a.md": [{"match": "Hello", "relevant": ["x/y.mp4"]}]}), encoding="utf-8")
    assert read_labels(good)["a.md"][0].match == "hello"


def test_shared_eval_labels_parse_when_present() -> None:
    shared = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "labels.json"
    if not shared.is_file():
        pytest.skip(f"../shared/eval is absent ({shared})")
    labels = read_labels(shared)
    assert labels and all(rules for rules in labels.values())
