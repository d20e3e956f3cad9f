"""What every format reader returns: a title and the text blocks to narrate, before sentence splitting."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TextBlock:
    """One paragraph-like block of clean text, with the heading of the section it belongs to."""

    text: str
    section: str | None = None


@dataclass(frozen=True)
class ExtractedText:
    """The readable content of a document: its title (if found) and its blocks in reading order."""

    title: str | None
    blocks: list[TextBlock]
