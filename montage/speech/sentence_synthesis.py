"""Stage 4: narration sentences → one finished WAV per sentence.

Each sentence is spoken by the engine, cut to its speech with a fixed pad of silence, brought to the
target loudness, and described by its measured duration and word timings. Finished sentences are cached
by a hash of (engine identity, voice, language, text, audio options). Up to ``options.workers``
sentences are processed at once in threads (espeak-ng and Piper run as child processes; the in-process
loudness work takes milliseconds); engines that speak a batch faster (Piper) get all missing sentences in
one call.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from montage.options.speech import SpeechOptions
from montage.speech.errors import SpeechError
from montage.speech.loudness import normalise_loudness
from montage.speech.protocol import BatchTTSEngine, TTSEngine
from montage.speech.records import SentenceAudio, SynthesisResult, Voice, WordTiming
from montage.speech.registry import get_engine
from montage.speech.sentence_cache import audio_path, load_cached, sentence_key, store
from montage.speech.silence_trim import trim_to_speech
from montage.speech.text_checks import speakable_text
from montage.speech.timing_estimate import estimate_word_timings
from montage.speech.voice_choice import choose_voice
from montage.speech.wav_io import PcmAudio, read_wav, wav_duration_s, write_wav


@dataclass(frozen=True)
class _Job:
    index: int
    text: str
    key: str


def synthesize_sentences(
    sentences: Sequence[str],
    *,
    engine: TTSEngine | str,
    voice: str | None,
    language: str,
    cache_dir: Path,
    options: SpeechOptions,
) -> list[SentenceAudio]:
    """Speak every sentence into its own WAV under ``cache_dir``; return them in order.

    ``voice=None`` falls back to ``options.voice``, then to the engine's default for ``language``.
    Raises ``SpeechError`` (``empty_text`` naming the sentence, ``engine_unavailable``, ``voice_unknown``,
    ``voice_language_mismatch``, ``synthesis_failed``).
    """
    texts = [_checked(position, sentence) for position, sentence in enumerate(sentences)]
    tts = get_engine(engine, options) if isinstance(engine, str) else engine
    availability = tts.is_available()
    if not availability.available:
        raise SpeechError(
            f"speech engine {tts.name} is unavailable: {availability.reason}", code="engine_unavailable"
        )
    chosen = choose_voice(tts.voices(), voice or options.voice, language, engine=tts.name)
    identity = tts.cache_identity(chosen)
    cache_dir.mkdir(parents=True, exist_ok=True)

    results: dict[int, SentenceAudio] = {}
    missing: dict[str, _Job] = {}
    for position, text in enumerate(texts):
        key = sentence_key(
            engine_identity=identity, voice=chosen, language=language, text=text, options=options
        )
        cached = load_cached(cache_dir, key, index=position, text=text) if options.cache else None
        if cached is not None:
            results[position] = cached
        elif key not in missing:
            missing[key] = _Job(position, text, key)

    made = _make(list(missing.values()), tts, chosen, cache_dir, options) if missing else {}
    for position, text in enumerate(texts):
        if position not in results:
            key = sentence_key(
                engine_identity=identity, voice=chosen, language=language, text=text, options=options
            )
            finished = made[key]
            results[position] = SentenceAudio(
                position,
                text,
                finished.path,
                finished.duration_s,
                finished.word_timings,
                finished.timing_source,
            )
    return [results[position] for position in range(len(texts))]


def _checked(position: int, sentence: str) -> str:
    try:
        return speakable_text(sentence)
    except SpeechError as exc:
        raise SpeechError(f"sentence {position + 1}: {exc.message}", code="empty_text") from exc


def _make(
    jobs: list[_Job], tts: TTSEngine, voice: Voice, cache_dir: Path, options: SpeechOptions
) -> dict[str, SentenceAudio]:
    with tempfile.TemporaryDirectory(prefix=".speech-work-", dir=cache_dir) as work:
        work_dir = Path(work)
        with ThreadPoolExecutor(max_workers=options.workers, thread_name_prefix="speech") as pool:
            if isinstance(tts, BatchTTSEngine):
                raw = tts.synthesize_many(
                    [job.text for job in jobs],
                    voice=voice.id,
                    language=voice.language,
                    out_wavs=[work_dir / f"{job.key}.raw.wav" for job in jobs],
                )
                finished = list(
                    pool.map(
                        lambda pair: _finish(pair[0], pair[1], cache_dir, voice, options),
                        zip(jobs, raw, strict=True),
                    )
                )
            else:
                finished = list(
                    pool.map(
                        lambda job: _speak_and_finish(job, tts, voice, work_dir, cache_dir, options), jobs
                    )
                )
    return {
        sentence_key: sentence
        for sentence_key, sentence in zip((job.key for job in jobs), finished, strict=True)
    }


def _speak_and_finish(
    job: _Job, tts: TTSEngine, voice: Voice, work_dir: Path, cache_dir: Path, options: SpeechOptions
) -> SentenceAudio:
    raw = tts.synthesize(
        job.text, voice=voice.id, language=voice.language, out_wav=work_dir / f"{job.key}.raw.wav"
    )
    return _finish(job, raw, cache_dir, voice, options)


def _finish(
    job: _Job, raw: SynthesisResult, cache_dir: Path, voice: Voice, options: SpeechOptions
) -> SentenceAudio:
    """Trim, pad and normalise one raw clip into the cache; measure it and time its words."""
    trimmed = trim_to_speech(read_wav(raw.path, timeout_s=options.timeout_s), pad_s=options.pad_s)
    if trimmed is None:
        raise SpeechError(f"the engine produced only silence for {job.text!r}", code="synthesis_failed")
    audio, removed_s = trimmed
    levelled, _ = normalise_loudness(
        audio.samples.astype(np.float64) / 32768.0,
        audio.sample_rate,
        target_lufs=options.target_lufs,
        peak_dbfs=options.peak_dbfs,
    )
    final_path = audio_path(cache_dir, job.key)
    pcm = np.round(levelled * 32767.0).astype(np.int16)
    write_wav(final_path, PcmAudio(pcm, audio.sample_rate))
    duration = wav_duration_s(final_path)
    if raw.timing_source == "engine" and raw.word_timings is not None:
        timings = _shifted(raw.word_timings, removed_s, duration)
    else:
        timings = estimate_word_timings(
            job.text,
            voice.language,
            start_s=min(options.pad_s, duration),
            end_s=max(0.0, duration - options.pad_s),
        )
    sentence = SentenceAudio(job.index, job.text, final_path, duration, timings, raw.timing_source)
    store(cache_dir, job.key, sentence)
    return sentence


def _shifted(timings: Sequence[WordTiming], removed_s: float, duration_s: float) -> list[WordTiming]:
    """Engine timings moved by the trim, clamped into the new clip."""

    def clamp(value: float) -> float:
        return round(min(max(value - removed_s, 0.0), duration_s), 4)

    return [WordTiming(timing.word, clamp(timing.start_s), clamp(timing.end_s)) for timing in timings]
