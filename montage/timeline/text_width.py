"""How wide text is on screen: CJK characters count as wide, so lines are limited by character count."""

from __future__ import annotations

import unicodedata


def is_wide_char(char: str) -> bool:
    """True for East Asian wide or full-width characters (Han, kana, hangul, full-width punctuation)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def is_cjk_text(text: str) -> bool:
    """True when at least a third of the non-space characters are wide (CJK) characters."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return False
    return sum(1 for c in chars if is_wide_char(c)) * 3 >= len(chars)
