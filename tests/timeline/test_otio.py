"""OpenTimelineIO export: read back with OTIO's own reader; source ranges at the source frame rate."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest

from montage.timeline.align import align
from montage.timeline.assemble import build_timeline, narration_clips
from montage.timeline.otio_export import export_otio
from montage.timeline.plan_inputs import CandidateShot, Slot

from ..render.media import make_clip


def test_export_round_trips_through_otio(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "harbour.mp4", fps=25, seconds=8.0, audio=False)
    slots = [
        Slot(0, "Ships enter the harbour.", 0.2, 2.6, 0.7),
        Slot(1, "Nothing to show here.", 3.3, 2.0, 0.3),
    ]
    candidate = CandidateShot(
        shot_id=5,
        source_id=1,
        path=str(clip),
        shot_start_s=0.0,
        shot_end_s=3.4,  # nothing left over for the second sentence: it becomes a card
        score=0.8,
        license="CC0",
        attribution="me",
    )  # no source_fps: export probes the file (25 fps)
    alignment = align(slots, {0: [candidate]})
    clips = narration_clips(slots, {0: str(tmp_path / "s0.wav"), 1: str(tmp_path / "s1.wav")})
    timeline = build_timeline(alignment, clips, width=1280, height=720, fps=30, aspect="16:9")

    path = export_otio(timeline, tmp_path / "edit.otio")
    read = otio.adapters.read_from_file(str(path))

    video, narration = read.tracks[0], read.tracks[1]
    assert video.kind == otio.schema.TrackKind.Video and narration.kind == otio.schema.TrackKind.Audio
    shots = list(video)
    assert len(shots) == len(timeline.segments) == 2
    first, card = shots
    used = timeline.segments[0].shot
    assert used is not None
    assert first.media_reference.target_url == clip.resolve().as_uri()
    assert first.source_range.start_time.rate == 25
    assert first.source_range.start_time.to_seconds() == pytest.approx(used.in_s, abs=1e-6)
    assert first.source_range.duration.to_seconds() == pytest.approx(
        timeline.segments[0].duration_s, abs=1 / 30
    )
    assert isinstance(card.media_reference, otio.schema.GeneratorReference)
    assert [m.name for m in card.markers] == ["fallback"]
    assert card.markers[0].metadata["montage"]["text"] == "Nothing to show here"
    assert video.duration().to_seconds() == pytest.approx(timeline.duration_s, abs=1 / 30)

    items = list(narration)
    assert isinstance(items[0], otio.schema.Gap) and items[0].duration().to_seconds() == pytest.approx(0.2)
    placed = [
        narration.range_of_child_at_index(i).start_time.to_seconds()
        for i, item in enumerate(items)
        if isinstance(item, otio.schema.Clip)
    ]
    assert placed == pytest.approx([0.2, 3.3])
    assert not list(tmp_path.glob(".*tmp*"))  # written atomically, no leftovers
