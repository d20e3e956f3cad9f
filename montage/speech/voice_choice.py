"""Choosing the voice for a request: the one asked for, or the engine's first voice for the language."""

from __future__ import annotations

from collections.abc import Sequence

from montage.speech.errors import SpeechError
from montage.speech.records import Voice
from montage.text.languages import primary_language


def choose_voice(voices: Sequence[Voice], voice_id: str | None, language: str, *, engine: str) -> Voice:
    """Return the voice to use, or raise ``SpeechError`` (``voice_unknown``/``voice_language_mismatch``)."""
    wanted = primary_language(language)
    if voice_id is None:
        for voice in voices:
            if voice.language == wanted:
                return voice
        spoken = sorted({voice.language for voice in voices}) or ["none"]
        raise SpeechError(
            f"{engine} has no voice for language {language!r} (it has: {', '.join(spoken)})",
            code="voice_unknown",
        )
    for voice in voices:
        if voice.id == voice_id:
            if voice.language != wanted:
                raise SpeechError(
                    f"{engine} voice {voice_id!r} speaks {voice.language!r}, not {language!r}",
                    code="voice_language_mismatch",
                )
            return voice
    known = ", ".join(voice.id for voice in voices) or "none"
    raise SpeechError(f"{engine} has no voice {voice_id!r} (known: {known})", code="voice_unknown")
