"""Stage 6 of the pipeline: narration slots + candidate shots → a timeline, and its file formats.

``align`` chooses shots and cut points, ``build_timeline`` adds the audio, and the timeline is written as
JSON (``timeline.schema.json``), SRT/WebVTT subtitles and OpenTimelineIO. See docs/render.md.
"""

from montage.options.alignment import AlignmentOptions
from montage.timeline.align import Alignment, align
from montage.timeline.assemble import build_timeline, narration_clips
from montage.timeline.json_io import read_timeline_json, write_timeline_json
from montage.timeline.model import (
    SCHEMA_VERSION,
    Alternative,
    Credit,
    MusicTrack,
    NarrationClip,
    Segment,
    ShotUse,
    Timeline,
    timeline_json_schema,
)
from montage.timeline.otio_export import build_otio, export_otio
from montage.timeline.plan_inputs import CandidateShot, Slot
from montage.timeline.subtitles import cues_for_sentences, cues_for_timeline, write_srt, write_vtt

__all__ = [
    "SCHEMA_VERSION",
    "Alignment",
    "AlignmentOptions",
    "Alternative",
    "CandidateShot",
    "Credit",
    "MusicTrack",
    "NarrationClip",
    "Segment",
    "ShotUse",
    "Slot",
    "Timeline",
    "align",
    "build_otio",
    "build_timeline",
    "cues_for_sentences",
    "cues_for_timeline",
    "export_otio",
    "narration_clips",
    "read_timeline_json",
    "timeline_json_schema",
    "write_srt",
    "write_timeline_json",
    "write_vtt",
]
