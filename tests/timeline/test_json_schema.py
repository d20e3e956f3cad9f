"""Timeline JSON: round trip, the schema file (own checker and, when installed, jsonschema), bad input."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from montage.errors import InputError
from montage.timeline import (
    MusicTrack,
    Slot,
    align,
    build_timeline,
    narration_clips,
    read_timeline_json,
    schema_errors,
    timeline_from_json,
    timeline_schema,
    timeline_to_json,
    write_timeline_json,
)

from .builders import shot


def _timeline():
    slots = [
        Slot(0, "Floods hit the city.", 0.0, 3.2, 0.8),
        Slot(1, "Nobody filmed the meeting.", 3.5, 7.4, 0.4),
    ]
    candidates = {0: [shot(1, 1, 0.7), shot(2, 2, 0.6)], 1: [shot(3, 3, 0.1)]}
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
    data = timeline_to_json(timeline)
    assert timeline_from_json(json.loads(json.dumps(data))) == timeline
    assert read_timeline_json(write_timeline_json(timeline, tmp_path / "t.json")) == timeline
    assert data["schema_version"] == "1.0"
    fills = [s["fill"] for s in data["segments"]]
    assert fills[0] == "relevant" and "broll" in fills[1:]  # sentence 1 has nothing of its own


def test_output_validates_with_the_built_in_checker() -> None:
    assert schema_errors(timeline_to_json(_timeline())) == []


def test_output_validates_with_jsonschema_when_installed() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = timeline_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(timeline_to_json(_timeline()))


def test_invalid_timelines_are_refused_with_reasons() -> None:
    good = timeline_to_json(_timeline())
    missing = copy.deepcopy(good)
    del missing["segments"][0]["end"]
    with pytest.raises(InputError, match=r"segments\[0\]: missing 'end'"):
        timeline_from_json(missing)
    wrong_type = copy.deepcopy(good)
    wrong_type["fps"] = "thirty"
    assert any("$.fps" in e for e in schema_errors(wrong_type))
    gap = copy.deepcopy(good)
    gap["segments"][1]["start"] += 0.5
    with pytest.raises(InputError, match="starts at"):
        timeline_from_json(gap)
    extra = copy.deepcopy(good)
    extra["segments"][0]["colour"] = "red"
    assert any("unexpected key 'colour'" in e for e in schema_errors(extra))
    with pytest.raises(InputError):
        read_timeline_json(Path("/nonexistent/timeline.json"))
