"""One conformance suite run against every engine that is available here (others skip with a reason)."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from montage.options.speech import SpeechOptions
from montage.speech.errors import SpeechError
from montage.speech.records import SynthesisResult
from montage.speech.registry import get_engine
from montage.speech.sentence_synthesis import synthesize_sentences

from .audio_checks import ffmpeg_loudness, wav_samples
from .conftest import EngineCase

SENTENCE = "The harbour bridge reopened this morning after three weeks of repairs."
WORDS = SENTENCE.rstrip(".").split()
SHORT = "Good news."
LONG = (
    "After a long debate, the committee agreed to publish every report, every budget and every "
    "recommendation online, so that residents can follow the work from start to finish."
)


@pytest.fixture(scope="session")
def spoken(engine_case: EngineCase, tmp_path_factory: pytest.TempPathFactory) -> SynthesisResult:
    """The engine speaking SENTENCE once (shared by the tests that only inspect the result)."""
    out = tmp_path_factory.mktemp(f"spoken-{engine_case.name}") / "sentence.wav"
    return engine_case.engine.synthesize(SENTENCE, voice=None, language="en", out_wav=out)


def test_voices_are_listed_with_normalised_languages(engine_case: EngineCase) -> None:
    voices = engine_case.engine.voices()
    assert voices, "an available engine lists at least one voice"
    assert {voice.engine for voice in voices} == {engine_case.name}
    assert len({voice.id for voice in voices}) == len(voices)
    assert any(voice.language == "en" for voice in voices)
    assert all(voice.language and "-" not in voice.language for voice in voices)


def test_synthesize_writes_a_wav_of_plausible_duration_and_rate(spoken: SynthesisResult) -> None:
    assert spoken.path.is_file()
    with wave.open(str(spoken.path), "rb") as reader:
        rate, frames = reader.getframerate(), reader.getnframes()
    assert spoken.sample_rate == rate
    assert rate in {16000, 22050, 24000, 44100, 48000}
    assert spoken.duration_s == pytest.approx(frames / rate, abs=1e-3)
    seconds_per_word = spoken.duration_s / len(WORDS)
    assert 0.08 < seconds_per_word < 1.2, f"{spoken.duration_s:.2f} s for {len(WORDS)} words"
    samples, _ = wav_samples(spoken.path)
    assert int(abs(samples.astype(int)).max()) > 1000, "the file holds sound, not silence"


def test_word_timings_are_monotonic_and_inside_the_clip(spoken: SynthesisResult) -> None:
    timings = spoken.word_timings
    assert timings is not None
    assert [timing.word for timing in timings] == WORDS
    previous_end = 0.0
    for timing in timings:
        assert previous_end <= timing.start_s <= timing.end_s <= spoken.duration_s
        previous_end = timing.end_s
    assert timings[-1].end_s > 0.5 * spoken.duration_s
    assert spoken.timing_source in {"engine", "estimate"}


def test_unknown_voice_is_a_speech_error(engine_case: EngineCase, tmp_path: Path) -> None:
    with pytest.raises(SpeechError) as caught:
        engine_case.engine.synthesize(
            SENTENCE, voice="no-such-voice", language="en", out_wav=tmp_path / "x.wav"
        )
    assert caught.value.code == "voice_unknown"
    assert "no-such-voice" in caught.value.message
    assert not (tmp_path / "x.wav").exists()


@pytest.mark.parametrize("text", ["", "   \n\t", "... — !?"])
def test_empty_text_is_rejected_before_the_engine_runs(
    engine_case: EngineCase, tmp_path: Path, text: str
) -> None:
    with pytest.raises(SpeechError) as caught:
        engine_case.engine.synthesize(text, voice=None, language="en", out_wav=tmp_path / "x.wav")
    assert caught.value.code == "empty_text"
    assert not (tmp_path / "x.wav").exists()


def test_sentences_are_levelled_trimmed_and_cached(engine_case: EngineCase, tmp_path: Path) -> None:
    options = engine_case.options
    texts = [SHORT, LONG]
    first = synthesize_sentences(
        texts, engine=engine_case.engine, voice=None, language="en", cache_dir=tmp_path, options=options
    )
    assert [sentence.index for sentence in first] == [0, 1]
    assert [sentence.text for sentence in first] == texts
    assert first[1].duration_s > first[0].duration_s * 2, "order kept: the long sentence is the long clip"
    for sentence in first:
        loudness, peak = ffmpeg_loudness(sentence.path)
        assert loudness == pytest.approx(options.target_lufs, abs=1.5)
        assert peak <= options.peak_dbfs + 0.1
        samples, rate = wav_samples(sentence.path)
        assert len(samples) / rate == pytest.approx(sentence.duration_s, abs=1e-3)
        pad = round(options.pad_s * rate)
        assert not samples[:pad].any() and not samples[-pad:].any(), "exactly pad_s of silence each side"
        assert samples[pad : pad + round(0.05 * rate)].any(), "speech starts right after the pad"
        assert sentence.word_timings[0].start_s == pytest.approx(options.pad_s, abs=0.01)
        assert sentence.word_timings[-1].end_s <= sentence.duration_s

    stamps = [sentence.path.stat().st_mtime_ns for sentence in first]
    again = synthesize_sentences(
        texts, engine=engine_case.engine, voice=None, language="en", cache_dir=tmp_path, options=options
    )
    assert again == first
    assert [sentence.path.stat().st_mtime_ns for sentence in again] == stamps, "served from the cache"


def test_rate_changes_the_duration(engine_case: EngineCase, tmp_path: Path) -> None:
    def duration_at(rate: int) -> float:
        fresh = get_engine(engine_case.name, engine_case.options.model_copy(update={"rate_wpm": rate}))
        return fresh.synthesize(LONG, voice=None, language="en", out_wav=tmp_path / f"{rate}.wav").duration_s

    slow, fast = duration_at(120), duration_at(240)
    assert fast < slow * 0.8, f"240 wpm gave {fast:.2f} s, 120 wpm gave {slow:.2f} s"


def test_options_round_trip_through_a_plain_dict() -> None:
    options = SpeechOptions.model_validate({"engine": "piper", "rate_wpm": 150, "piper_voices_dir": "/x"})
    assert options.piper_voices_dir == Path("/x")
    with pytest.raises(ValueError):
        SpeechOptions.model_validate({"target_lufs": 3})
