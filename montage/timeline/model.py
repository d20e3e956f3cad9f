"""The timeline: one typed model that validates, serialises and describes itself (``timeline.schema.json``).

Every class here is a frozen pydantic dataclass: built positionally or by name in Python like a plain
dataclass (``dataclasses.replace`` works), checked when built, and turned into JSON and back by
:meth:`Timeline.to_json` / :meth:`Timeline.from_json`. The JSON Schema shipped beside this module is generated
from these classes (:func:`timeline_json_schema`); a test checks the committed file equals the generated one.

**Time.** Times are seconds as floats. Output positions (``start_s``/``end_s`` of segments, narration
``start_s``) lie on the frame grid of ``Timeline.fps`` (see ``frame_grid.py``), rounded to microseconds, so
segment lengths add up exactly; source positions (``in_s``/``out_s``) are seconds inside the source file,
rounded to microseconds, and become frames of the source rate only when an NLE export needs them (OTIO's
``RationalTime``). Rational time would only pay off for drop-frame NTSC rates spanning hours; montage cuts
minutes-long news videos and snaps every cut to the grid, so floats on a grid are exact enough and stay
readable in JSON.

**Ids.** Shot and source ids are signed 64-bit integers in Python and decimal strings in JSON (JavaScript
numbers lose precision beyond 2^53); integers are still accepted when reading older files.
"""

from __future__ import annotations

import json
from dataclasses import field
from functools import lru_cache
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AliasChoices,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic.dataclasses import dataclass

from montage.errors import InputError
from montage.options.render import Aspect

SCHEMA_VERSION: Final = "1.1"
"""Version written into every timeline. 1.1: ids are JSON strings (1.0 wrote numbers; still read)."""


def _current_version(value: object) -> object:
    """Files of version 1.0 read as the current version (only the ids' JSON type changed)."""
    return SCHEMA_VERSION if value == "1.0" else value


Version = Annotated[
    Literal["1.1"],
    BeforeValidator(_current_version),
    WithJsonSchema({"enum": ["1.0", "1.1"]}, mode="validation"),
]

Fill = Literal["relevant", "named", "held", "broll", "editor", "card"]
"""How a segment was filled (see :class:`Segment`)."""

_INT64 = 2**63


def _id_from_json(value: object) -> object:
    """Accept an id as an integer or a decimal string (pydantic then checks it is an int in range)."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value


Id = Annotated[
    int,
    BeforeValidator(_id_from_json),
    Field(ge=-_INT64, lt=_INT64),
    PlainSerializer(str, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": "^-?[0-9]{1,19}$"}, mode="serialization"),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "pattern": "^-?[0-9]{1,19}$"}, {"type": "integer"}]}, mode="validation"
    ),
]
"""A shot or source id: int in Python, a decimal string in JSON."""

Scores = dict[str, float | None]
"""Named parts of a relevance score (None: that channel had nothing to say)."""

_STRICT = ConfigDict(extra="forbid")
NonNegative = Annotated[int, Field(ge=0)]
SourceIn = Annotated[float, Field(validation_alias=AliasChoices("in", "in_s"), serialization_alias="in")]
SourceOut = Annotated[float, Field(validation_alias=AliasChoices("out", "out_s"), serialization_alias="out")]


@dataclass(frozen=True, config=_STRICT)
class ShotUse:
    """The part ``[in_s, out_s)`` of a library shot that fills one segment.

    ``speed`` is source seconds per output second: 1.0 plays the shot as shot; 0.87 plays it 13 % slower
    so a slightly short clip fills its segment (montage keeps it within ±15 %).
    """

    path: str
    shot_id: Id
    source_id: Id
    in_s: SourceIn
    out_s: SourceOut
    score: float = 0.0
    scores: Scores = field(default_factory=dict)
    source_fps: float | None = None
    speed: Annotated[float, Field(gt=0)] = 1.0

    @property
    def duration_s(self) -> float:
        """Length of the part used, in source seconds."""
        return self.out_s - self.in_s


@dataclass(frozen=True, config=_STRICT)
class Alternative:
    """Another shot that could fill a segment, with the in/out points it would use there."""

    shot_id: Id
    source_id: Id
    path: str
    in_s: SourceIn
    out_s: SourceOut
    score: float = 0.0
    scores: Scores = field(default_factory=dict)


@dataclass(frozen=True, config=_STRICT)
class Segment:
    """One stretch ``[start_s, end_s)`` of the output picture: a shot, or a fallback card (``shot`` None).

    ``sentence_index`` is the narration sentence whose picture this is (a held shot keeps the sentence it was
    chosen for while it runs on under the next one). ``fill`` says how the segment was filled: ``relevant``
    (a shot that clears the relevance floor for its sentence), ``named`` (the shot of a thing the sentence
    names), ``held`` (the previous relevant shot running on, new frames only), ``broll`` (footage that fits
    the story's topic, for a sentence with nothing specific to show), ``editor`` (a shot an editor chose) or
    ``card``; ``fill_reason`` says why.

    Indexes in data count from 0; texts meant for people (warnings, fill reasons, error messages, the
    editor's labels) number sentences and segments from 1.
    """

    index: NonNegative
    sentence_index: NonNegative
    sentence: str
    start_s: Annotated[
        float, Field(ge=0, validation_alias=AliasChoices("start", "start_s"), serialization_alias="start")
    ]
    end_s: Annotated[float, Field(validation_alias=AliasChoices("end", "end_s"), serialization_alias="end")]
    shot: ShotUse | None
    fallback: bool
    fallback_text: str | None = None
    alternatives: list[Alternative] = field(default_factory=list)
    fill: Fill = "relevant"
    fill_reason: str = ""

    @property
    def duration_s(self) -> float:
        """Length of the segment on the output clock."""
        return self.end_s - self.start_s


@dataclass(frozen=True, config=_STRICT)
class NarrationClip:
    """One sentence's speech audio (a WAV file) placed at ``start_s`` on the output clock."""

    sentence_index: NonNegative
    path: str
    start_s: Annotated[float, Field(ge=0)]
    duration_s: Annotated[float, Field(ge=0)]
    text: str = ""


@dataclass(frozen=True, config=_STRICT)
class MusicTrack:
    """Background music under the narration: looped or trimmed to length, ducked under speech."""

    path: str
    gain_db: float = -16.0


@dataclass(frozen=True, config=_STRICT)
class Credit:
    """One footage source to credit at the end: its licence and the attribution it asks for."""

    source_id: Id
    path: str
    license: str
    attribution: str


def _consistency_errors(timeline: Timeline) -> list[str]:
    errors: list[str] = []
    position = 0.0
    for number, segment in enumerate(timeline.segments):
        if segment.index != number:
            errors.append(f"segment {number} carries index {segment.index}")
        if abs(segment.start_s - position) > 1e-3:
            errors.append(f"segment {number} starts at {segment.start_s}, expected {position}")
        if segment.end_s <= segment.start_s:
            errors.append(f"segment {number} ends before it starts")
        if (segment.shot is None) != segment.fallback:
            errors.append(f"segment {number}: a segment has a shot exactly when it is not a fallback")
        if segment.shot is not None and segment.shot.out_s <= segment.shot.in_s:
            errors.append(f"segment {number}: shot out point is not after its in point")
        position = segment.end_s
    if timeline.segments and abs(position - timeline.duration_s) > 1e-3:
        errors.append(f"segments end at {position}, the timeline lasts {timeline.duration_s}")
    return errors


@dataclass(frozen=True, config=_STRICT)
class Timeline:
    """The edit: picture segments tiling ``[0, duration_s]``, narration audio, music, credits, warnings.

    Building one checks it: segments tile ``[0, duration_s]`` in order, numbered from 0, and carry a shot
    exactly when they are not fallbacks (pydantic ``ValidationError`` otherwise; :meth:`from_json` turns it
    into an ``InputError`` naming what is wrong).
    """

    width: Annotated[int, Field(ge=16)]
    height: Annotated[int, Field(ge=16)]
    fps: Annotated[float, Field(gt=0)]
    aspect: Aspect
    duration_s: Annotated[float, Field(ge=0)]
    segments: list[Segment]
    narration: list[NarrationClip]
    music: MusicTrack | None = None
    credits: list[Credit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    schema_version: Version = SCHEMA_VERSION

    @model_validator(mode="after")
    def _consistent(self) -> Timeline:
        problems = _consistency_errors(self)
        if problems:
            raise ValueError("inconsistent timeline: " + "; ".join(problems[:10]))
        return self

    def to_json(self) -> dict[str, Any]:
        """The timeline as JSON-ready data (it validates against ``timeline.schema.json``)."""
        data: dict[str, Any] = _adapter().dump_python(self, mode="json", by_alias=True)
        return data

    @classmethod
    def from_json(cls, data: object) -> Timeline:
        """Read a timeline from JSON data; raises InputError listing what is wrong with invalid data."""
        try:
            return _adapter().validate_python(data)
        except ValidationError as exc:
            raise InputError(
                "invalid timeline JSON: " + "; ".join(_error_lines(exc)[:10]), code="invalid_timeline"
            ) from exc


def _error_lines(exc: ValidationError) -> list[str]:
    lines = []
    for error in exc.errors(include_url=False):
        where = "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"])
        lines.append(f"{where}: {error['msg']}")
    return lines


@lru_cache(maxsize=1)
def _adapter() -> TypeAdapter[Timeline]:
    return TypeAdapter(Timeline)


@lru_cache(maxsize=1)
def timeline_json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of timeline documents as montage writes them, generated from the model."""
    schema = _adapter().json_schema(mode="serialization", by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://montage.local/schemas/timeline-{SCHEMA_VERSION}.json",
        **schema,
        "title": "montage timeline",
    }


def timeline_schema_text() -> str:
    """``timeline_json_schema()`` as the text of ``timeline.schema.json`` (ends with a newline)."""
    return json.dumps(timeline_json_schema(), ensure_ascii=False, indent=2) + "\n"
