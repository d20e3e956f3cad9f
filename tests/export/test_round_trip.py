"""Issue #13: a real cut exported to every NLE format reads back with the same clips, source in/out points
and record times (within one frame) — through OpenTimelineIO's own adapters (MLT: its XML, read plainly)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from montage.export.formats import FORMATS
from montage.export.write import ExportResult, export_timeline
from montage.options.render import RenderOptions
from montage.render.plan import segment_frames
from montage.timeline.model import Timeline

from .readback import ReadClip, read_back

QUICK = RenderOptions(end_card=False)  # the end card is checked by the melt render test (slow)


@pytest.fixture(scope="module")
def exported(export_cut: Timeline, tmp_path_factory: pytest.TempPathFactory) -> ExportResult:
    """Every format in one go (cards rendered once), media addressed where they lie."""
    return export_timeline(export_cut, tmp_path_factory.mktemp("nle") / "cut", "all", options=QUICK)


def _expected_picture(timeline: Timeline, result: ExportResult) -> list[tuple[str, float, float, float]]:
    fps = timeline.fps
    frames = segment_frames(timeline.segments, timeline.duration_s, fps)
    expected, record = [], 0
    for segment, count in zip(timeline.segments, frames, strict=True):
        if segment.shot is None:
            path = str(result.folder / "cards" / f"card-{segment.index + 1:03d}.mp4")
            start = 0.0
        else:
            path, start = segment.shot.path, segment.shot.in_s
        expected.append((path, start, start + count / fps, record / fps))
        record += count
    return expected


def _assert_close(
    read: ReadClip, path: str, in_s: float, out_s: float, record_s: float, frame: float
) -> None:
    assert read.path.endswith(path) or path.endswith(read.path), (read.path, path)
    assert read.in_s == pytest.approx(in_s, abs=frame), read
    assert read.out_s == pytest.approx(out_s, abs=frame), read
    assert read.record_s == pytest.approx(record_s, abs=frame), read


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_every_format_reads_back_the_cut(
    export_cut: Timeline, exported: ExportResult, format_name: str
) -> None:
    fps = export_cut.fps
    frame = 1.0 / fps + 1e-6
    tracks = read_back(exported.paths[format_name], format_name, fps)  # type: ignore[index]
    (picture,) = tracks["video"]
    expected = _expected_picture(export_cut, exported)
    assert len(picture) == len(expected)
    for read, (path, in_s, out_s, record_s) in zip(picture, expected, strict=True):
        _assert_close(read, path, in_s, out_s, record_s, frame)
    if format_name == "edl":  # a CMX 3600 EDL is the picture cut only (docs/nle-export.md)
        return
    narration, music = tracks["audio"]
    assert len(narration) == len(export_cut.narration)
    for read, clip in zip(narration, sorted(export_cut.narration, key=lambda n: n.start_s), strict=True):
        _assert_close(read, clip.path, 0.0, read.out_s, clip.start_s, frame)
        assert read.out_s == pytest.approx(clip.duration_s, abs=frame)
    assert export_cut.music is not None
    assert {Path(clip.path).name for clip in music} == {Path(export_cut.music.path).name}
    assert music[0].record_s == 0.0
    end = music[-1].record_s + music[-1].out_s - music[-1].in_s
    assert end == pytest.approx(export_cut.duration_s, abs=frame)


def test_title_card_is_a_real_clip_as_long_as_its_segment(
    export_cut: Timeline, exported: ExportResult
) -> None:
    (card_segment,) = [s for s in export_cut.segments if s.fallback]
    card = exported.folder / "cards" / f"card-{card_segment.index + 1:03d}.mp4"
    frames = segment_frames(export_cut.segments, export_cut.duration_s, export_cut.fps)[card_segment.index]
    counted = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
         "stream=nb_read_frames,width,height", "-of", "csv=p=0", str(card)],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert counted == f"{export_cut.width},{export_cut.height},{frames}"


def test_metadata_keeps_licences_scores_levels_and_markers(
    export_cut: Timeline, exported: ExportResult
) -> None:
    import opentimelineio as otio

    timeline = otio.adapters.read_from_file(str(exported.paths["otio"]))
    info = timeline.metadata["montage"]
    assert {c["license"] for c in info["credits"]} == {"CC-BY-4.0"}
    assert list(info["subtitles"]) == ["cut_assets/subtitles.srt", "cut_assets/subtitles.vtt"]
    picture, _narration, music = timeline.tracks
    shots = [c for c in picture if "shot_id" in c.metadata["montage"]]
    assert shots and all(c.metadata["montage"]["license"] == "CC-BY-4.0" for c in shots)
    assert all("scores" in c.metadata["montage"] for c in shots)
    markers = [m.name for c in picture for m in c.markers]
    assert [m for m in markers if m.startswith("sentence")] == [
        f"sentence {n.sentence_index + 1}" for n in export_cut.narration
    ]
    assert "fallback card" in markers
    assert all(c.metadata["montage"]["gain_db"] == -12.0 for c in music)
    assert all(c.available_range() is not None for c in timeline.find_clips())
    for name in ("subtitles.srt", "subtitles.vtt", "relink.csv"):
        assert (exported.folder / name).is_file()


def test_mlt_profile_is_the_cut_frame(export_cut: Timeline, exported: ExportResult) -> None:
    from .mlt_read import read_mlt

    profile, _ = read_mlt(exported.paths["mlt"])
    assert (profile["width"], profile["height"]) == (str(export_cut.width), str(export_cut.height))
    assert (profile["frame_rate_num"], profile["frame_rate_den"]) == ("30", "1")


def test_speed_change_survives_where_the_format_has_one(exported: ExportResult) -> None:
    """OTIO and the EDL (M2) keep the 0.9 speed as a LinearTimeWarp, FCP 7 XML as a Time Remap filter."""
    import opentimelineio as otio

    def last_clip(name: str, adapter: str, **options: object) -> otio.schema.Clip:
        timeline = otio.adapters.read_from_file(str(exported.paths[name]), adapter_name=adapter, **options)  # type: ignore[index]
        return timeline.video_tracks()[0].find_clips()[-1]

    for name, adapter, options in (("otio", "otio_json", {}), ("edl", "cmx_3600", {"rate": 30})):
        (warp,) = last_clip(name, adapter, **options).effects
        assert isinstance(warp, otio.schema.LinearTimeWarp) and warp.time_scalar == pytest.approx(0.9)
    (remap,) = last_clip("fcp7xml", "fcp_xml").effects
    effect = remap.metadata["fcp_xml"]
    assert effect["effectid"] == "timeremap"
    assert {p["parameterid"]: p["value"] for p in effect["parameter"]}["speed"] == "90.0000"
