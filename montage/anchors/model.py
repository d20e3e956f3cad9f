"""Anchors: what a narration is about (topic, keyphrases, names, numbers), overall and per sentence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Keyphrase:
    """A phrase that says what the text is about; ``score`` in (0, 1], the best phrase has 1."""

    text: str
    score: float


@dataclass(frozen=True)
class NumberMention:
    """A number as written (``text``), its value (scales applied: "4.5 billion" -> 4.5e9) and its unit.

    ``unit`` is a currency code (GBP, USD, EUR, JPY, CNY), ``%``, ``year`` for a calendar year, a measure
    (km, 米, ...) or the counted noun ("people", "人"); None when nothing follows the number.
    ``sentence_index`` is the index of the script sentence it appears in.
    """

    text: str
    value: float
    unit: str | None
    sentence_index: int


@dataclass(frozen=True)
class SentenceAnchors:
    """Anchors of one script sentence (``index`` = ``ScriptSentence.index``); ``salience`` in [0, 1]."""

    index: int
    keyphrases: list[str]
    entities: list[str]
    numbers: list[NumberMention]
    salience: float


@dataclass(frozen=True)
class Anchors:
    """Anchors of a narration: document-level names and phrases, and per-sentence anchors for retrieval."""

    topic: str
    keyphrases: list[Keyphrase]
    people: list[str]
    organisations: list[str]
    places: list[str]
    numbers: list[NumberMention]
    paragraph_gists: list[str]
    sentences: list[SentenceAnchors]

    def to_json(self) -> dict[str, Any]:
        """Return the anchors as JSON-ready data."""

        def number(mention: NumberMention) -> dict[str, Any]:
            return {
                "text": mention.text,
                "value": mention.value,
                "unit": mention.unit,
                "sentence_index": mention.sentence_index,
            }

        return {
            "topic": self.topic,
            "keyphrases": [{"text": k.text, "score": round(k.score, 4)} for k in self.keyphrases],
            "people": list(self.people),
            "organisations": list(self.organisations),
            "places": list(self.places),
            "numbers": [number(n) for n in self.numbers],
            "paragraph_gists": list(self.paragraph_gists),
            "sentences": [
                {
                    "index": s.index,
                    "keyphrases": list(s.keyphrases),
                    "entities": list(s.entities),
                    "numbers": [number(n) for n in s.numbers],
                    "salience": round(s.salience, 4),
                }
                for s in self.sentences
            ],
        }
