"""The timeline as JSON data (``timeline.schema.json``) and back."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from montage.errors import InputError
from montage.timeline.model import (
    Alternative,
    Credit,
    MusicTrack,
    NarrationClip,
    Segment,
    ShotUse,
    Timeline,
)
from montage.timeline.schema_check import schema_errors


def _scores(scores: Mapping[str, float | None]) -> dict[str, float | None]:
    return {key: (None if value is None else float(value)) for key, value in scores.items()}


def _shot_json(shot: ShotUse) -> dict[str, Any]:
    return {
        "path": shot.path,
        "shot_id": shot.shot_id,
        "source_id": shot.source_id,
        "in": shot.in_s,
        "out": shot.out_s,
        "score": shot.score,
        "scores": _scores(shot.scores),
        "source_fps": shot.source_fps,
        "speed": shot.speed,
    }


def _alternative_json(alt: Alternative) -> dict[str, Any]:
    return {
        "shot_id": alt.shot_id,
        "source_id": alt.source_id,
        "path": alt.path,
        "in": alt.in_s,
        "out": alt.out_s,
        "score": alt.score,
        "scores": _scores(alt.scores),
    }


def _segment_json(segment: Segment) -> dict[str, Any]:
    return {
        "index": segment.index,
        "sentence_index": segment.sentence_index,
        "sentence": segment.sentence,
        "start": segment.start_s,
        "end": segment.end_s,
        "shot": None if segment.shot is None else _shot_json(segment.shot),
        "fallback": segment.fallback,
        "fallback_text": segment.fallback_text,
        "alternatives": [_alternative_json(a) for a in segment.alternatives],
        "fill": segment.fill,
        "fill_reason": segment.fill_reason,
    }


def timeline_to_json(timeline: Timeline) -> dict[str, Any]:
    """The timeline as JSON-ready data that validates against ``timeline.schema.json``."""
    return {
        "schema_version": timeline.schema_version,
        "width": timeline.width,
        "height": timeline.height,
        "fps": timeline.fps,
        "aspect": timeline.aspect,
        "duration_s": timeline.duration_s,
        "segments": [_segment_json(s) for s in timeline.segments],
        "narration": [
            {
                "sentence_index": n.sentence_index,
                "path": n.path,
                "start_s": n.start_s,
                "duration_s": n.duration_s,
                "text": n.text,
            }
            for n in timeline.narration
        ],
        "music": None
        if timeline.music is None
        else {"path": timeline.music.path, "gain_db": timeline.music.gain_db},
        "credits": [
            {"source_id": c.source_id, "path": c.path, "license": c.license, "attribution": c.attribution}
            for c in timeline.credits
        ],
        "warnings": list(timeline.warnings),
    }


def _shot_from(data: Mapping[str, Any]) -> ShotUse:
    return ShotUse(
        path=data["path"],
        shot_id=int(data["shot_id"]),
        source_id=int(data["source_id"]),
        in_s=float(data["in"]),
        out_s=float(data["out"]),
        score=float(data["score"]),
        scores=dict(data["scores"]),
        source_fps=None if data["source_fps"] is None else float(data["source_fps"]),
        speed=float(data.get("speed", 1.0)),
    )


def _segment_from(data: Mapping[str, Any]) -> Segment:
    return Segment(
        index=int(data["index"]),
        sentence_index=int(data["sentence_index"]),
        sentence=data["sentence"],
        start_s=float(data["start"]),
        end_s=float(data["end"]),
        shot=None if data["shot"] is None else _shot_from(data["shot"]),
        fallback=bool(data["fallback"]),
        fallback_text=data["fallback_text"],
        fill=str(data.get("fill", "card" if data["shot"] is None else "relevant")),
        fill_reason=str(data.get("fill_reason", "")),
        alternatives=[
            Alternative(
                shot_id=int(a["shot_id"]),
                source_id=int(a["source_id"]),
                path=a["path"],
                in_s=float(a["in"]),
                out_s=float(a["out"]),
                score=float(a["score"]),
                scores=dict(a["scores"]),
            )
            for a in data["alternatives"]
        ],
    )


def _consistency_errors(timeline: Timeline) -> list[str]:
    errors: list[str] = []
    position = 0.0
    for segment in timeline.segments:
        if abs(segment.start_s - position) > 1e-3:
            errors.append(f"segment {segment.index} starts at {segment.start_s}, expected {position}")
        if segment.end_s <= segment.start_s:
            errors.append(f"segment {segment.index} ends before it starts")
        if (segment.shot is None) != segment.fallback:
            errors.append(f"segment {segment.index}: a segment has a shot exactly when it is not a fallback")
        if segment.shot is not None and segment.shot.out_s <= segment.shot.in_s:
            errors.append(f"segment {segment.index}: shot out point is not after its in point")
        position = segment.end_s
    if timeline.segments and abs(position - timeline.duration_s) > 1e-3:
        errors.append(f"segments end at {position}, the timeline lasts {timeline.duration_s}")
    return errors


def timeline_from_json(data: Mapping[str, Any]) -> Timeline:
    """Read a timeline from JSON data; raises InputError listing what is wrong with invalid data.

    Besides the schema, segments must tile ``[0, duration_s]`` in order and carry a shot exactly when
    they are not fallbacks.
    """
    problems = schema_errors(dict(data))
    if problems:
        raise InputError("invalid timeline JSON: " + "; ".join(problems[:10]), code="invalid_timeline")
    music = data["music"]
    timeline = Timeline(
        schema_version=data["schema_version"],
        width=int(data["width"]),
        height=int(data["height"]),
        fps=float(data["fps"]),
        aspect=data["aspect"],
        duration_s=float(data["duration_s"]),
        segments=[_segment_from(s) for s in data["segments"]],
        narration=[
            NarrationClip(
                sentence_index=int(n["sentence_index"]),
                path=n["path"],
                start_s=float(n["start_s"]),
                duration_s=float(n["duration_s"]),
                text=n["text"],
            )
            for n in data["narration"]
        ],
        music=None if music is None else MusicTrack(path=music["path"], gain_db=float(music["gain_db"])),
        credits=[
            Credit(int(c["source_id"]), c["path"], c["license"], c["attribution"]) for c in data["credits"]
        ],
        warnings=list(data["warnings"]),
    )
    problems = _consistency_errors(timeline)
    if problems:
        raise InputError("inconsistent timeline: " + "; ".join(problems[:10]), code="invalid_timeline")
    return timeline


def write_timeline_json(timeline: Timeline, path: Path) -> Path:
    """Write the timeline JSON (UTF-8, indented) atomically: a temp file beside ``path``, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(json.dumps(timeline_to_json(timeline), ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(temp, path)
    return path


def read_timeline_json(path: Path) -> Timeline:
    """Read and check a timeline JSON file (InputError when it is not valid JSON or not a timeline)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read timeline {path}: {exc}", code="invalid_timeline") from exc
    if not isinstance(data, dict):
        raise InputError(f"timeline {path} is not a JSON object", code="invalid_timeline")
    return timeline_from_json(data)
