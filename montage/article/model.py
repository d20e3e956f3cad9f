"""The article as plain data: paragraphs of sentences, with a title, a language and where it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from montage.text.scripts import CJK_LETTER_CLASS

ArticleFormat = Literal["text", "markdown", "html"]

# One CJK letter (Han, kana, Hangul) counts as one word; so does each run of other letters/digits, with
# inner apostrophes and hyphens ("don't", "state-of-the-art", "3.5").
_WORD = re.compile(
    rf"[{CJK_LETTER_CLASS}]"
    rf"|[^\W_{CJK_LETTER_CLASS}]+"
    rf"(?:['’.\-][^\W_{CJK_LETTER_CLASS}]+)*"
)


def count_words(text: str) -> int:
    """Count words: runs of letters/digits, plus one per CJK character (Chinese has no spaces)."""
    return len(_WORD.findall(text))


@dataclass(frozen=True)
class Sentence:
    """One sentence. ``index`` runs over the whole article; ``paragraph_index`` is its paragraph's."""

    index: int
    paragraph_index: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: its text, its sentences, and the heading of the section it sits in (if any)."""

    index: int
    text: str
    sentences: list[Sentence]
    section: str | None = None


@dataclass(frozen=True)
class Article:
    """An article ready for narration.

    ``language`` is a code such as ``"en"`` or ``"zh"`` (``"und"`` when nothing could be detected).
    ``source`` is the URL, the file path, or ``"text"``. ``source_format`` is the format the text was
    extracted from.
    """

    title: str | None
    language: str
    paragraphs: list[Paragraph]
    source: str
    source_format: ArticleFormat = "text"

    @property
    def sentences(self) -> list[Sentence]:
        """All sentences of the article in reading order."""
        return [sentence for paragraph in self.paragraphs for sentence in paragraph.sentences]

    @property
    def text(self) -> str:
        """The body text: paragraphs separated by blank lines (the title is not included)."""
        return "\n\n".join(paragraph.text for paragraph in self.paragraphs)

    @property
    def word_count(self) -> int:
        """Words of the body: letter/digit runs, and one per CJK character (so for Chinese: characters)."""
        return count_words(self.text)

    def to_json(self) -> dict[str, Any]:
        """Return the article as JSON-ready data (``from_json`` reads it back)."""
        return {
            "title": self.title,
            "language": self.language,
            "source": self.source,
            "source_format": self.source_format,
            "word_count": self.word_count,
            "paragraphs": [
                {
                    "index": paragraph.index,
                    "section": paragraph.section,
                    "text": paragraph.text,
                    "sentences": [
                        {"index": s.index, "paragraph_index": s.paragraph_index, "text": s.text}
                        for s in paragraph.sentences
                    ],
                }
                for paragraph in self.paragraphs
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Article:
        """Rebuild an article from ``to_json`` output."""
        paragraphs = [
            Paragraph(
                index=int(p["index"]),
                text=str(p["text"]),
                section=p.get("section"),
                sentences=[
                    Sentence(
                        index=int(s["index"]), paragraph_index=int(s["paragraph_index"]), text=str(s["text"])
                    )
                    for s in p["sentences"]
                ],
            )
            for p in data["paragraphs"]
        ]
        return cls(
            title=data.get("title"),
            language=str(data["language"]),
            paragraphs=paragraphs,
            source=str(data["source"]),
            source_format=data.get("source_format", "text"),
        )
