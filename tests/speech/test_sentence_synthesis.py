"""synthesize_sentences with espeak-ng: errors, option changes, duplicates, parallel = serial."""

from __future__ import annotations

from pathlib import Path

import pytest

from montage.options.speech import SpeechOptions
from montage.speech.engines.espeak_ng import system_runtime
from montage.speech.errors import SpeechError
from montage.speech.registry import get_engine
from montage.speech.sentence_synthesis import synthesize_sentences

from .audio_checks import ffmpeg_loudness, wav_samples

pytestmark = pytest.mark.skipif(system_runtime() is None, reason="the espeak-ng program is not installed")

SENTENCES = [
    "Rain is expected across the north tonight.",
    "Temperatures will fall to four degrees.",
    "Rain is expected across the north tonight.",
    "By Sunday, the skies should clear again.",
]


def test_an_empty_sentence_is_named_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(SpeechError) as caught:
        synthesize_sentences(
            ["Fine.", "  "],
            engine="espeak-ng",
            voice=None,
            language="en",
            cache_dir=tmp_path,
            options=SpeechOptions(),
        )
    assert caught.value.code == "empty_text"
    assert caught.value.message.startswith("sentence 2:")
    assert not list(tmp_path.iterdir()), "nothing is spoken when any sentence is empty"


def test_duplicates_share_one_file_and_workers_do_not_change_the_audio(tmp_path: Path) -> None:
    serial = synthesize_sentences(
        SENTENCES,
        engine="espeak-ng",
        voice=None,
        language="en",
        cache_dir=tmp_path / "serial",
        options=SpeechOptions(workers=1),
    )
    parallel = synthesize_sentences(
        SENTENCES,
        engine="espeak-ng",
        voice=None,
        language="en",
        cache_dir=tmp_path / "parallel",
        options=SpeechOptions(workers=2),
    )
    assert serial[0].path == serial[2].path and serial[2].index == 2
    assert len(list((tmp_path / "serial").glob("*.wav"))) == 3
    for one, two in zip(serial, parallel, strict=True):
        assert one.path.name == two.path.name
        assert one.path.read_bytes() == two.path.read_bytes()
        assert one.word_timings == two.word_timings


def test_voice_and_audio_options_change_the_cache_key(tmp_path: Path) -> None:
    def speak(options: SpeechOptions, voice: str | None = None) -> Path:
        return synthesize_sentences(
            SENTENCES[:1], engine="espeak-ng", voice=voice, language="en", cache_dir=tmp_path, options=options
        )[0].path

    base = speak(SpeechOptions())
    louder = speak(SpeechOptions(target_lufs=-14.0))
    padded = speak(SpeechOptions(pad_s=0.3))
    british = speak(SpeechOptions(), voice="en-gb")
    from_options = speak(SpeechOptions(voice="en-gb"))
    assert len({base, louder, padded, british}) == 4
    assert from_options == british
    assert ffmpeg_loudness(louder)[0] == pytest.approx(-14.0, abs=1.5)
    samples, rate = wav_samples(padded)
    assert not samples[: round(0.3 * rate)].any()


def test_a_damaged_cache_entry_is_made_again(tmp_path: Path) -> None:
    options = SpeechOptions()
    first = synthesize_sentences(
        SENTENCES[:1], engine="espeak-ng", voice=None, language="en", cache_dir=tmp_path, options=options
    )[0]
    first.path.write_bytes(first.path.read_bytes()[:1000])
    again = synthesize_sentences(
        SENTENCES[:1], engine="espeak-ng", voice=None, language="en", cache_dir=tmp_path, options=options
    )[0]
    assert again.duration_s == pytest.approx(first.duration_s)
    assert wav_samples(again.path)[0].size > 1000


def test_cache_off_speaks_again(tmp_path: Path) -> None:
    options = SpeechOptions(cache=False)
    engine = get_engine("espeak-ng", options)
    first = synthesize_sentences(
        SENTENCES[:1], engine=engine, voice=None, language="en", cache_dir=tmp_path, options=options
    )
    stamp = first[0].path.stat().st_mtime_ns
    again = synthesize_sentences(
        SENTENCES[:1], engine=engine, voice=None, language="en", cache_dir=tmp_path, options=options
    )
    assert again[0].path == first[0].path
    assert again[0].path.stat().st_mtime_ns != stamp
