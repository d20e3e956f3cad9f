"""Which writing system a text is mostly in, so word overlap is only asked of texts that can share words."""

from __future__ import annotations

from typing import Literal

from montage.text.scripts import is_han

Script = Literal["han", "other"]


def dominant_script(text: str) -> Script:
    """``han`` when at least a fifth of the letters are CJK ideographs, else ``other``."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return "other"
    han = sum(1 for ch in letters if is_han(ch))
    return "han" if han * 5 >= len(letters) else "other"
