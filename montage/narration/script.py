"""The narration script: the sentences to be spoken, in order, each traced back to the article."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ScriptSentence:
    """One line of narration.

    ``index`` is its position in the script; ``article_sentence_index`` and ``paragraph_index`` point back
    into the article (both None for the title line). ``salience`` is in [0, 1] (the title line has 1).
    """

    index: int
    article_sentence_index: int | None
    paragraph_index: int | None
    text: str
    salience: float
    est_seconds: float

    @property
    def is_title(self) -> bool:
        """True for the title line (it has no article sentence)."""
        return self.article_sentence_index is None


@dataclass(frozen=True)
class NarrationScript:
    """What will be spoken: the title line (if kept) and the chosen sentences in article order.

    ``warnings`` says what did not go as asked (e.g. an LLM rewrite that failed and was not applied).
    """

    title: str | None
    language: str
    sentences: list[ScriptSentence]
    target_seconds: float
    estimated_seconds: float
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The script as one text, a sentence per line."""
        return "\n".join(sentence.text for sentence in self.sentences)

    def to_json(self) -> dict[str, Any]:
        """Return the script as JSON-ready data."""
        return {
            "title": self.title,
            "language": self.language,
            "target_seconds": round(self.target_seconds, 3),
            "estimated_seconds": round(self.estimated_seconds, 3),
            "warnings": list(self.warnings),
            "sentences": [
                {
                    "index": s.index,
                    "article_sentence_index": s.article_sentence_index,
                    "paragraph_index": s.paragraph_index,
                    "text": s.text,
                    "salience": round(s.salience, 4),
                    "est_seconds": round(s.est_seconds, 3),
                }
                for s in self.sentences
            ],
        }
