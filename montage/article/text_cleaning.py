"""Whitespace and invisible-character clean-up shared by every input format."""

from __future__ import annotations

import re
import unicodedata

from montage.text.scripts import UNSPACED_CLASS

# Zero-width spaces/joiners, word joiner, soft hyphen, BOM: invisible, never narrated.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\u00ad\ufeff]")
_SPACE_RUN = re.compile(r"\s+")
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{UNSPACED_CLASS}]) (?=[{UNSPACED_CLASS}])")


def clean_inline_text(text: str) -> str:
    """Normalise one block of text to a single line.

    NFC normalisation, invisible characters removed, every whitespace run (newlines, tabs, no-break
    spaces) made one space, and spaces between two CJK characters dropped (they come from line breaks in
    the source; Chinese does not separate words).
    """
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _SPACE_RUN.sub(" ", text).strip()
    return _SPACE_BETWEEN_CJK.sub("", text)
