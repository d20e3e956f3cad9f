"""Checking that a text has something to say before any engine is started."""

from __future__ import annotations

from montage.speech.errors import SpeechError


def speakable_text(text: str) -> str:
    """Return ``text`` on one line with runs of whitespace collapsed.

    Raises ``SpeechError(empty_text)`` when it has no letter or digit to speak.
    """
    flat = " ".join(text.split())
    if not any(char.isalnum() for char in flat):
        raise SpeechError(
            f"nothing to speak in {text!r}: the text has no letters or digits", code="empty_text"
        )
    return flat
