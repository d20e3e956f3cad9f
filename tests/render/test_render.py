"""Rendering real generated footage: streams, sizes, durations, cards, subtitles, failures."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from montage.errors import MediaError
from montage.fallback.title_card import TitleCardGenerator
from montage.options.render import RenderOptions
from montage.render.render_timeline import render_timeline
from montage.timeline.model import ShotUse

from .conftest import Library, make_timeline
from .media import black_and_frozen, duration_of, frame_rgb, make_tone, probe

FRAME = 1 / 30


def _streams(path: Path) -> dict[str, dict[str, Any]]:
    return {s["codec_type"]: s for s in probe(path)["streams"]}


def test_render_writes_h264_aac_of_the_narration_length(library: Library, tmp_path: Path) -> None:
    timeline = make_timeline(library)
    seen: list[float] = []
    out = tmp_path / "video.mp4"
    result = render_timeline(
        timeline, out, RenderOptions(width=320, height=180, end_card=False), progress=seen.append
    )

    streams = _streams(out)
    assert streams["video"]["codec_name"] == "h264" and streams["audio"]["codec_name"] == "aac"
    assert streams["video"]["pix_fmt"] == "yuv420p"
    assert (streams["video"]["width"], streams["video"]["height"]) == (320, 180)
    assert streams["video"]["avg_frame_rate"] == "30/1"
    assert abs(float(streams["video"]["duration"]) - timeline.duration_s) <= FRAME
    assert abs(duration_of(out) - timeline.duration_s) <= FRAME
    assert result.path == out.resolve() and result.size_bytes == out.stat().st_size
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 2
    data = out.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")  # +faststart
    assert sorted(p.name for p in tmp_path.iterdir()) == ["video.mp4"]
    used = [s.shot.shot_id for s in timeline.segments if s.shot]
    assert len(used) == len(set(used))


def test_each_shot_is_read_with_input_seeking(library: Library, tmp_path: Path) -> None:
    timeline = make_timeline(library)
    result = render_timeline(
        timeline, tmp_path / "v.mp4", RenderOptions(width=320, height=180, end_card=False)
    )
    (command,) = result.ffmpeg_argvs  # this short video is rendered in one pass
    argv = list(command)
    for segment in timeline.segments:
        assert segment.shot is not None
        at = argv.index(segment.shot.path)
        assert argv[at - 1] == "-i"
        assert argv[at - 5 : at - 1] == ["-ss", f"{segment.shot.in_s:.6f}", "-t", argv[at - 2]]
        assert float(argv[at - 2]) <= segment.duration_s + 0.1  # decodes only what it uses


@pytest.mark.parametrize(("aspect", "size"), [("9:16", (720, 1280)), ("1:1", (720, 720))])
def test_aspects_have_their_frame_sizes(
    library: Library, tmp_path: Path, aspect: str, size: tuple[int, int]
) -> None:
    lib = Library(library.clips, library.speech[:1])
    timeline = make_timeline(lib, aspect=aspect)
    out = tmp_path / "v.mp4"
    render_timeline(timeline, out, RenderOptions(end_card=False, preset="ultrafast"))
    video = _streams(out)["video"]
    assert (video["width"], video["height"]) == size
    assert video.get("sample_aspect_ratio", "1:1") in ("1:1", "N/A")
    assert abs(duration_of(out) - timeline.duration_s) <= FRAME


@pytest.mark.slow
def test_720p_with_subtitles_music_crossfades_and_end_card(library: Library, tmp_path: Path) -> None:
    timeline = make_timeline(library)
    music = make_tone(tmp_path / "music.wav", frequency=660, seconds=3.0)  # looped under the whole video
    options = RenderOptions(
        burn_subtitles=True, music_path=music, crossfade_s=0.3, end_card=True, end_card_s=2.0
    )
    out = tmp_path / "final.mp4"
    result = render_timeline(timeline, out, options)
    streams = _streams(out)
    assert (streams["video"]["width"], streams["video"]["height"]) == (1280, 720)
    expected = round(timeline.duration_s * 30) / 30 + 2.0
    assert abs(float(streams["video"]["duration"]) - expected) <= FRAME
    assert abs(float(streams["audio"]["duration"]) - expected) <= 2 * FRAME
    assert result.duration_s == pytest.approx(expected, abs=1e-6)
    end_card = frame_rgb(out, expected - 0.5)
    assert 30 < end_card.mean() < 60  # dark card, not black...
    assert (end_card.max(axis=2) > 200).sum() > 200  # ...with light credit text
    black, frozen = black_and_frozen(out)
    assert black == []  # no dip to black, and the end card is not black
    assert [at for at in frozen if at > timeline.duration_s - 1.0] == []  # nor a still picture
    # (the static test patterns, smptebars and rgbtestsrc, are frozen footage of their own)


def test_burned_subtitles_show_at_the_bottom(library: Library, tmp_path: Path) -> None:
    lib = Library(library.clips, library.speech[:1])
    timeline = make_timeline(lib)
    plain, subbed = tmp_path / "plain.mp4", tmp_path / "subbed.mp4"
    render_timeline(timeline, plain, RenderOptions(width=320, height=180, end_card=False))
    render_timeline(
        timeline, subbed, RenderOptions(width=320, height=180, end_card=False, burn_subtitles=True)
    )
    at = timeline.duration_s / 2
    a, b = frame_rgb(plain, at).astype(int), frame_rgb(subbed, at).astype(int)
    changed = np.abs(a - b).max(axis=2) > 80  # text and outline, not encoder noise
    assert changed[120:].sum() > 150, changed[120:].sum()
    assert changed[:60].sum() < 15, changed[:60].sum()


def test_fallback_segment_is_rendered_as_a_title_card(library: Library, tmp_path: Path) -> None:
    timeline = make_timeline(library, fallback_sentences=(1,))
    card_segment = next(s for s in timeline.segments if s.fallback)
    assert card_segment.fallback_text
    out = tmp_path / "v.mp4"
    result = render_timeline(timeline, out, RenderOptions(width=320, height=180, end_card=False))
    assert result.fallback_segments >= 1

    reference = TitleCardGenerator().generate(
        card_segment.fallback_text, card_segment.duration_s, 320, 180, 30, tmp_path / "card.mp4"
    )
    offset = card_segment.duration_s / 2
    rendered = frame_rgb(out, card_segment.start_s + offset).astype(int)
    alone = frame_rgb(reference, offset).astype(int)
    shot_frame = frame_rgb(out, timeline.segments[0].start_s + 0.5).astype(int)
    assert np.abs(rendered - alone).mean() < 6  # the same card (up to encoding)
    assert np.abs(rendered - shot_frame).mean() > 30  # and not footage
    black, _ = black_and_frozen(out)
    assert black == []  # cut to and from the card, never through black


def test_failure_leaves_no_partial_output(library: Library, tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    timeline = make_timeline(library)
    first = timeline.segments[0]
    assert first.shot is not None
    bad_shot = ShotUse(str(broken), 999, 999, 0.1, 0.1 + first.duration_s, 0.9)
    bad = replace(timeline, segments=[replace(first, shot=bad_shot), *timeline.segments[1:]])
    out = tmp_path / "out" / "video.mp4"
    out.parent.mkdir()
    out.write_bytes(b"previous video")
    with pytest.raises(MediaError) as failure:
        render_timeline(bad, out, RenderOptions(width=320, height=180, end_card=False))
    assert failure.value.stderr_tail.strip()
    assert "broken.mp4" in failure.value.stderr_tail
    assert sorted(p.name for p in out.parent.iterdir()) == ["video.mp4"]
    assert out.read_bytes() == b"previous video"  # the old output is untouched

    gone_shot = replace(bad_shot, path=str(tmp_path / "gone.mp4"))
    missing = replace(timeline, segments=[replace(first, shot=gone_shot), *timeline.segments[1:]])
    with pytest.raises(MediaError) as gone:
        render_timeline(missing, tmp_path / "other.mp4", RenderOptions(width=320, height=180))
    assert gone.value.code == "media_missing"
    assert not (tmp_path / "other.mp4").exists()


def test_a_slowed_shot_fills_its_segment_with_new_frames_not_a_frozen_one(
    library: Library, tmp_path: Path
) -> None:
    """A clip slowed to 0.85 (the planner's limit) lasts 1/0.85 as long and never freezes at its end."""
    timeline = make_timeline(Library(library.clips, library.speech[:1]))
    first = timeline.segments[0]
    assert first.shot is not None
    length = first.duration_s
    slowed = replace(first.shot, out_s=first.shot.in_s + length * 0.85, speed=0.85)
    one = replace(timeline, segments=[replace(first, shot=slowed, end_s=length)], duration_s=length)
    out = tmp_path / "slow.mp4"
    render_timeline(one, out, RenderOptions(width=320, height=180, end_card=False))
    assert duration_of(out) == pytest.approx(length, abs=0.1)
    last, before = frame_rgb(out, length - 0.05), frame_rgb(out, length - 0.25)
    assert np.abs(last.astype(int) - before.astype(int)).mean() > 1.0  # still moving at the very end
