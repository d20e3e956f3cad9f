"""Plain text → title and paragraphs."""

from __future__ import annotations

import re

from montage.article.extracted import ExtractedText, TextBlock
from montage.article.text_cleaning import clean_inline_text

_BLANK_LINE = re.compile(r"\n[ \t\u3000]*\n")
_ENDS_SENTENCE = re.compile(r"[.!?。！？…:：;；]['\"’”」』）)]*$")
_MAX_TITLE_CHARS = 120


def _split_paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs. A text without blank lines whose lines mostly end a sentence is
    written one paragraph per line (common for Chinese); otherwise its lines are hard-wrapped prose."""
    blocks = [block for block in _BLANK_LINE.split(text) if block.strip()]
    if len(blocks) == 1:
        lines = [line for line in blocks[0].split("\n") if line.strip()]
        ending = sum(1 for line in lines if _ENDS_SENTENCE.search(line.strip()))
        if len(lines) > 1 and ending >= 0.6 * len(lines):
            return lines
    return blocks


def _looks_like_title(first: str, rest: list[str]) -> bool:
    """A short single line without end punctuation, followed by more text, is the title."""
    return (
        bool(rest)
        and "\n" not in first.strip()
        and len(first.strip()) <= _MAX_TITLE_CHARS
        and not _ENDS_SENTENCE.search(first.strip())
    )


def extract_plain_text(text: str) -> ExtractedText:
    """Split plain text into paragraphs; a short first line without end punctuation becomes the title."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = _split_paragraphs(text)
    title: str | None = None
    if paragraphs and _looks_like_title(paragraphs[0], paragraphs[1:]):
        title = clean_inline_text(paragraphs[0])
        paragraphs = paragraphs[1:]
    blocks = [TextBlock(cleaned) for cleaned in map(clean_inline_text, paragraphs) if cleaned]
    return ExtractedText(title=title or None, blocks=blocks)
