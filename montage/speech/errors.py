"""The one error type of the speech stage, with stable codes."""

from __future__ import annotations

from typing import Literal

from montage.errors import MontageError

SpeechErrorCode = Literal[
    "engine_unknown",
    "engine_unavailable",
    "voice_unknown",
    "voice_language_mismatch",
    "empty_text",
    "synthesis_failed",
]


class SpeechError(MontageError):
    """Text could not be turned into speech.

    ``code`` is one of ``engine_unknown`` (no engine of that name), ``engine_unavailable`` (the engine is
    not installed or not configured here), ``voice_unknown`` (the engine has no such voice),
    ``voice_language_mismatch`` (the voice speaks another language), ``empty_text`` (nothing to say) and
    ``synthesis_failed`` (the engine or ffmpeg failed; ``stderr_tail`` holds the end of its output).
    """

    code = "synthesis_failed"

    def __init__(self, message: str, *, code: SpeechErrorCode, stderr_tail: str = "") -> None:
        super().__init__(message, code=code)
        self.stderr_tail = stderr_tail
