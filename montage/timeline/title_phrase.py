"""The short phrase a fallback card shows when no shot fits a sentence."""

from __future__ import annotations

from montage.text.scripts import is_cjk_text

MAX_LATIN_CHARS = 48
MAX_CJK_CHARS = 16
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
