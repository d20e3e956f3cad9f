"""Mandarin through espeak-ng: the espeakng-loader runtime (1.52) reads Chinese characters as Chinese."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from montage.options.speech import SpeechOptions
from montage.speech.engines.espeak_ng import (
    EspeakNgEngine,
    loader_runtime,
    mandarin_phonemes,
    reads_chinese,
    system_runtime,
)
from montage.speech.sentence_synthesis import synthesize_sentences

from .audio_checks import ffmpeg_loudness

HAS_LOADER = importlib.util.find_spec("espeakng_loader") is not None
SYSTEM = system_runtime()
pytestmark = pytest.mark.skipif(SYSTEM is None, reason="the espeak-ng program is not installed")


@pytest.mark.skipif(not HAS_LOADER, reason="espeakng-loader is not installed (extra speech-zh)")
def test_loader_runtime_reads_chinese_with_tones() -> None:
    assert SYSTEM is not None
    loader = loader_runtime(SYSTEM.program)
    assert loader is not None
    assert loader.version.startswith("1.52")
    phonemes = mandarin_phonemes(loader, "你好世界")
    # ni3 hao3 shi4 jie4: four syllables with tone numbers, no switch to English.
    assert "(en)" not in phonemes
    assert len(re.findall(r"\d+", phonemes)) >= 4
    assert phonemes.startswith("ni")
    assert reads_chinese(loader)


def test_debian_runtime_difference_is_reported_plainly() -> None:
    assert SYSTEM is not None
    engine = EspeakNgEngine()
    reason = engine.is_available().reason
    cmn = next(voice for voice in engine.voices() if voice.id == "cmn")
    if HAS_LOADER:
        assert "espeakng-loader" in reason and "spoken by espeak-ng 1.52" in reason
        assert "espeakng-loader" in cmn.description
        assert engine.runtime_for(cmn).library_dir is not None
    elif not reads_chinese(SYSTEM):
        assert "falls back to" in reason and "install espeakng-loader" in reason
    if not reads_chinese(SYSTEM):
        # Debian's 1.51 switches to English and spells the tone digits ("three") out.
        assert "(en)" in mandarin_phonemes(SYSTEM, "你好世界")


@pytest.mark.skipif(not HAS_LOADER, reason="espeakng-loader is not installed (extra speech-zh)")
def test_chinese_sentences_are_spoken_levelled_and_timed(tmp_path: Path) -> None:
    options = SpeechOptions()
    sentences = ["你好世界。", "今天天气很好，我们去公园散步吧。"]
    result = synthesize_sentences(
        sentences, engine="espeak-ng", voice=None, language="zh-CN", cache_dir=tmp_path, options=options
    )
    short, long = result
    assert long.duration_s > short.duration_s
    # About 2.5 to 8 Han characters per second of speech.
    speech_s = long.duration_s - 2 * options.pad_s
    assert 15 / 8 < speech_s < 15 / 2.5
    assert [timing.word for timing in short.word_timings] == ["你好", "世界"]
    assert "".join(timing.word for timing in long.word_timings) == "今天天气很好我们去公园散步吧"
    for sentence in result:
        assert ffmpeg_loudness(sentence.path)[0] == pytest.approx(options.target_lufs, abs=1.5)
