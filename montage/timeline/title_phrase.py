"""The short phrase a fallback card shows when no shot fits a sentence."""

from __future__ import annotations

import re

from montage.text.scripts import is_cjk_text

MAX_LATIN_CHARS = 48
MAX_CJK_CHARS = 16
MAX_CJK_CLAUSE_CHARS = 20
"""A Chinese clause up to this long is a card of its own (two balanced lines at the card's size)."""
_CLAUSE_BREAKS = re.compile(r"[，；：、。！？,;:!?]")
_TRAILING = " .,;:!?。，；：！？、…\"'”’)"


def title_phrase(sentence: str, anchor: str | None = None) -> str:
    """The anchor phrase if given, else the sentence shortened at a word boundary (with an ellipsis)."""
    text = " ".join((anchor or sentence).split()).rstrip(_TRAILING)
    if is_cjk_text(text):
        return text if len(text) <= MAX_CJK_CHARS else text[:MAX_CJK_CHARS].rstrip(_TRAILING) + "…"
    if len(text) <= MAX_LATIN_CHARS:
        return text
    cut = text[: MAX_LATIN_CHARS + 1]
    space = cut.rfind(" ")
    head = cut[:space] if space > MAX_LATIN_CHARS // 2 else text[:MAX_LATIN_CHARS]
    return head.rstrip(_TRAILING) + "…"


def clause_phrase(sentence: str, anchor: str | None) -> str | None:
    """For a CJK sentence too long for a card, the clause that holds ``anchor`` when it is short enough
    (up to ``MAX_CJK_CLAUSE_CHARS``): "穿橙色背心的工人沿着地上的红线走过" says more than the word "橙色".
    None for other text, without an anchor, or when that clause is long too."""
    if not anchor or not is_cjk_text(sentence):
        return None
    for clause in _CLAUSE_BREAKS.split(sentence):
        clause = " ".join(clause.split()).strip(_TRAILING)
        if anchor in clause:
            return clause if len(clause) <= MAX_CJK_CLAUSE_CHARS else None
    return None
