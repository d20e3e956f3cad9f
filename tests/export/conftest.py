"""A real cut to export: generated footage (one 4:3 clip among 16:9 ones), espeak-ng narration, a title card
and a music loop, built by the aligner like any other timeline."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from montage.timeline.model import MusicTrack, Timeline
from tests.render.conftest import SENTENCES, Library, make_timeline
from tests.render.media import make_clip, make_speech, make_tone

CLIPS = (
    ("testsrc2", "640x360"),
    ("smptebars", "640x360"),
    ("mandelbrot", "320x240"),
    ("rgbtestsrc", "640x360"),
)


def make_export_cut(root: Path) -> Timeline:
    """Three narrated sentences over footage generated into ``root``; the second shows a title card, the last
    plays its 4:3 clip at 0.9 speed; music under all."""
    root.mkdir(parents=True, exist_ok=True)
    clips = [
        make_clip(root / f"{pattern}.mp4", pattern=pattern, size=size, seconds=6.0) for pattern, size in CLIPS
    ]
    speech = [make_speech(root / f"sentence-{i}.wav", text) for i, text in enumerate(SENTENCES)]
    music = make_tone(root / "music.wav", frequency=330, seconds=4.0)
    timeline = make_timeline(Library(clips, speech), fallback_sentences=(1,))
    slowed = timeline.segments[-1]  # the 4:3 clip, played 10 % slower (as the planner stretches short clips)
    assert slowed.shot is not None
    shot = dataclasses.replace(
        slowed.shot, speed=0.9, in_s=2.0, out_s=round(2.0 + 0.9 * slowed.duration_s, 6)
    )
    segments = [*timeline.segments[:-1], dataclasses.replace(slowed, shot=shot)]
    return dataclasses.replace(timeline, segments=segments, music=MusicTrack(str(music), gain_db=-12.0))


@pytest.fixture(scope="session")
def export_cut(tmp_path_factory: pytest.TempPathFactory) -> Timeline:
    """The cut of ``make_export_cut``, made once per session."""
    return make_export_cut(tmp_path_factory.mktemp("export-library"))


def media_root(timeline: Timeline) -> Path:
    """The folder of the generated footage."""
    first = next(s.shot for s in timeline.segments if s.shot is not None)
    return Path(first.path).parent
