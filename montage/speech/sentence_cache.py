"""The on-disk cache of finished sentence audio: ``<key>.wav`` plus ``<key>.json`` (duration, timings).

The key is a SHA-256 over the engine's cache identity (program/model version), the voice, the language,
the text and the options that change the audio, so any change to one of them makes a new file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from montage.options.speech import SpeechOptions
from montage.speech.errors import SpeechError
from montage.speech.records import SentenceAudio, TimingSource, Voice, WordTiming
from montage.speech.wav_io import read_wav
from montage.text.languages import primary_language

FORMAT_VERSION = 1
"""Bump when post-processing changes, so old cached audio is not reused."""


def sentence_key(
    *, engine_identity: str, voice: Voice, language: str, text: str, options: SpeechOptions
) -> str:
    """The cache key of one sentence (hex, 32 characters)."""
    payload = {
        "format": FORMAT_VERSION,
        "engine": voice.engine,
        "engine_identity": engine_identity,
        "voice": voice.id,
        "language": primary_language(language),
        "text": text,
        "rate_wpm": options.rate_wpm,
        "target_lufs": options.target_lufs,
        "peak_dbfs": options.peak_dbfs,
        "pad_s": options.pad_s,
    }
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()[:32]


def audio_path(cache_dir: Path, key: str) -> Path:
    """Where the WAV of ``key`` lives."""
    return cache_dir / f"{key}.wav"


def load_cached(cache_dir: Path, key: str, *, index: int, text: str) -> SentenceAudio | None:
    """The cached sentence for ``key``, or None when missing, unreadable or not matching its WAV."""
    meta_path = cache_dir / f"{key}.json"
    wav_path = audio_path(cache_dir, key)
    if not (meta_path.is_file() and wav_path.is_file()):
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        duration = read_wav(wav_path).duration_s  # reads the samples: a truncated file does not match
        if abs(duration - float(meta["duration_s"])) > 1e-3 or meta["text"] != text:
            return None
        timings = [
            WordTiming(str(t["word"]), float(t["start_s"]), float(t["end_s"])) for t in meta["word_timings"]
        ]
        source: TimingSource = "engine" if meta["timing_source"] == "engine" else "estimate"
    except (OSError, ValueError, KeyError, TypeError, SpeechError):
        return None
    return SentenceAudio(index, text, wav_path, duration, timings, source)


def store(cache_dir: Path, key: str, sentence: SentenceAudio) -> None:
    """Write the metadata of ``sentence`` (its WAV is already at :func:`audio_path`) atomically."""
    meta = {
        "text": sentence.text,
        "duration_s": sentence.duration_s,
        "timing_source": sentence.timing_source,
        "word_timings": [asdict(timing) for timing in sentence.word_timings],
    }
    handle, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=cache_dir)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(meta, out, ensure_ascii=False)
    os.replace(tmp_name, cache_dir / f"{key}.json")
