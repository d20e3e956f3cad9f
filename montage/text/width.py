"""How wide text is on screen: East Asian wide and full-width characters count as wide."""

from __future__ import annotations

import unicodedata


def is_wide_char(char: str) -> bool:
    """True for East Asian wide or full-width characters (Han, kana, Hangul, full-width forms, emoji)."""
    return unicodedata.east_asian_width(char) in ("W", "F")
