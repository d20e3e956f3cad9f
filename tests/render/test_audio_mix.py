"""Narration lands at its start times; music is looped, and ducked under speech."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from montage.options.render import RenderOptions
from montage.render.render_timeline import render_timeline
from montage.timeline.model import NarrationClip, Segment, ShotUse, Timeline

from .media import audio_mono, make_clip, make_tone

RATE = 16000


def _level(samples: NDArray[np.float32], start_s: float, end_s: float, frequency: float) -> float:
    window = samples[int(start_s * RATE) : int(end_s * RATE)]
    spectrum = np.abs(np.fft.rfft(window * np.hanning(len(window))))
    freqs = np.fft.rfftfreq(len(window), 1 / RATE)
    band = (freqs > frequency - 15) & (freqs < frequency + 15)
    return float(spectrum[band].max() / len(window))


def test_narration_is_placed_and_music_ducks_under_it(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mp4", seconds=8, audio=False)
    voice = [make_tone(tmp_path / f"v{i}.wav", frequency=200, seconds=2.0, volume=0.6) for i in range(2)]
    music = make_tone(tmp_path / "music.wav", frequency=1000, seconds=2.5, volume=0.5)  # shorter: must loop
    segments = [
        Segment(0, 0, "One.", 0.0, 3.5, ShotUse(str(clip), 1, 1, 0.2, 3.7, 0.9), False),
        Segment(1, 1, "Two.", 3.5, 6.5, ShotUse(str(clip), 2, 1, 4.0, 7.0, 0.9), False),
    ]
    narration = [NarrationClip(0, str(voice[0]), 0.0, 2.0), NarrationClip(1, str(voice[1]), 3.5, 2.0)]
    timeline = Timeline(320, 180, 30, "16:9", 6.5, segments, narration)
    out = tmp_path / "mix.mp4"
    options = RenderOptions(
        width=320, height=180, end_card=False, music_path=music, music_gain_db=0.0, music_fade_s=0.2
    )
    render_timeline(timeline, out, options)
    samples = audio_mono(out, RATE)

    assert abs(len(samples) / RATE - 6.5) < 0.05
    speech_on = _level(samples, 0.3, 1.8, 200)
    assert _level(samples, 3.8, 5.3, 200) > 0.5 * speech_on  # second sentence starts at 3.5 s
    assert _level(samples, 2.4, 3.4, 200) < 0.05 * speech_on  # silence between the sentences
    music_under_speech = _level(samples, 0.6, 1.8, 1000)
    music_alone = _level(samples, 2.7, 3.4, 1000)
    assert music_alone > 0
    assert music_under_speech < 0.5 * music_alone  # ducked by more than 6 dB
    assert _level(samples, 5.6, 6.2, 1000) > 0.5 * music_alone  # still playing after 2.5 s: looped
