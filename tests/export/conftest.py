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
    """Three narrated sentences over footage generated into ``root``; the second shows a title card; music
    under all."""
    root.mkdir(parents=True, exist_ok=True)
    clips = [
        make_clip(root / f"{pattern}.mp4", pattern=pattern, size=size, seconds=6.0) for pattern, size in CLIPS
    ]
    speech = [make_speech(root / f"sentence-{i}.wav", text) for i, text in enumerate(SENTENCES)]
    music = make_tone(root / "music.wav", frequency=330, seconds=4.0)
    timeline = make_timeline(Library(clips, speech), fallback_sentences=(1,))
    return dataclasses.replace(timeline, music=MusicTrack(str(music), gain_db=-12.0))


@pytest.fixture(scope="session")
def export_cut(tmp_path_factory: pytest.TempPathFactory) -> Timeline:
    """The cut of ``make_export_cut``, made once per session."""
    return make_export_cut(tmp_path_factory.mktemp("export-library"))


def media_root(timeline: Timeline) -> Path:
    """The folder of the generated footage."""
    first = next(s.shot for s in timeline.segments if s.shot is not None)
    return Path(first.path).parent
