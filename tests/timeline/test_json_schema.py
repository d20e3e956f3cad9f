"""The typed timeline: JSON round trip, ids as strings, the committed schema, old files, bad input."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from montage.errors import InputError
from montage.timeline.align import align
from montage.timeline.assemble import build_timeline, narration_clips
from montage.timeline.json_io import read_timeline_json, write_timeline_json
from montage.timeline.model import MusicTrack, Timeline, timeline_json_schema, timeline_schema_text
from montage.timeline.plan_inputs import Slot
from montage.timeline.schema_file import SCHEMA_PATH

from .builders import shot

BIG_ID = 2**62 + 12345  # beyond JavaScript's exact integers


def _timeline() -> Timeline:
    slots = [
        Slot(0, "Floods hit the city.", 0.0, 3.2, 0.8),
        Slot(1, "Nobody filmed the meeting.", 3.5, 7.4, 0.4),
    ]
    candidates = {0: [shot(BIG_ID, 1, 0.7), shot(2, 2, 0.6)], 1: [shot(3, 3, 0.1)]}
    clips = narration_clips(slots, {0: "/audio/s0.wav", 1: "/audio/s1.wav"})
    return build_timeline(
        align(slots, candidates),
        clips,
        width=720,
        height=1280,
        fps=30,
        aspect="9:16",
        music=MusicTrack("/music/calm.mp3", -18.0),
    )


def test_round_trip_is_lossless(tmp_path: Path) -> None:
    timeline = _timeline()
    data = timeline.to_json()
    assert Timeline.from_json(json.loads(json.dumps(data))) == timeline
    assert read_timeline_json(write_timeline_json(timeline, tmp_path / "t.json")) == timeline
    assert data["schema_version"] == "1.1"
    fills = [s["fill"] for s in data["segments"]]
    assert fills[0] == "relevant" and "broll" in fills[1:]  # sentence 1 has nothing of its own


def test_ids_travel_as_strings_and_stay_exact() -> None:
    data = _timeline().to_json()
    first = data["segments"][0]["shot"]
    assert first["shot_id"] == str(BIG_ID) and isinstance(first["source_id"], str)
    assert all(isinstance(c["source_id"], str) for c in data["credits"])
    assert Timeline.from_json(data).segments[0].shot.shot_id == BIG_ID  # type: ignore[union-attr]


def test_version_1_0_files_with_numeric_ids_are_read() -> None:
    data = _timeline().to_json()
    old = copy.deepcopy(data)
    old["schema_version"] = "1.0"
    for segment in old["segments"]:
        if segment["shot"]:
            segment["shot"]["shot_id"] = int(segment["shot"]["shot_id"])
            segment["shot"]["source_id"] = int(segment["shot"]["source_id"])
        for alternative in segment["alternatives"]:
            alternative["shot_id"] = int(alternative["shot_id"])
    assert Timeline.from_json(old) == _timeline()
    assert Timeline.from_json(old).to_json() == data


def test_committed_schema_is_the_generated_one() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == timeline_schema_text(), (
        "timeline.schema.json is stale: run python -m montage.timeline.schema_file"
    )


def test_output_validates_against_the_schema() -> None:
    schema = timeline_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(_timeline().to_json())
    bad = _timeline().to_json()
    bad["segments"][0]["shot"]["shot_id"] = 7  # numbers are not what montage writes
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(bad)


def test_invalid_timelines_are_refused_with_reasons() -> None:
    good = _timeline().to_json()
    missing = copy.deepcopy(good)
    del missing["segments"][0]["end"]
    with pytest.raises(InputError, match=r"\$\.segments\[0\]\.end: Field required"):
        Timeline.from_json(missing)
    wrong_type = copy.deepcopy(good)
    wrong_type["fps"] = "thirty"
    with pytest.raises(InputError, match=r"\$\.fps"):
        Timeline.from_json(wrong_type)
    gap = copy.deepcopy(good)
    gap["segments"][1]["start"] += 0.5
    with pytest.raises(InputError, match="starts at"):
        Timeline.from_json(gap)
    extra = copy.deepcopy(good)
    extra["segments"][0]["colour"] = "red"
    with pytest.raises(InputError, match="colour"):
        Timeline.from_json(extra)
    with pytest.raises(InputError, match=r"invalid timeline JSON"):
        Timeline.from_json(["not", "a", "timeline"])
    with pytest.raises(InputError):
        read_timeline_json(Path("/nonexistent/timeline.json"))


def test_building_an_inconsistent_timeline_fails_at_once() -> None:
    timeline = _timeline()
    first = timeline.segments[0]
    with pytest.raises(ValueError, match="shot exactly when"):
        replace(timeline, segments=[replace(first, shot=None), *timeline.segments[1:]])
