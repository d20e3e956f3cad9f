"""A long article of any length made from real paragraphs, for the narration benchmark and size-limit tests.

Repeating a few paragraphs verbatim would give a tiny vocabulary and exact duplicates, which real long
articles do not have. Each repetition therefore gets its own year, invented person and place names (new
words, so the vocabulary keeps growing as in real text) and a closing sentence, and paragraphs follow one
another in a shuffled order. Deterministic for a given seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from pathlib import Path

_SYLLABLES = ("ka", "lo", "mer", "vin", "to", "sa", "ren", "dul", "bri", "on", "ta", "gel", "mo", "wyn", "ar")


def _made_up_name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def article_paragraphs(folder: Path) -> list[str]:
    """The body paragraphs (not headings) of every ``*.md`` and ``*.txt`` file in ``folder``."""
    paragraphs: list[str] = []
    for path in sorted([*folder.glob("*.md"), *folder.glob("*.txt")]):
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            text = " ".join(block.split())
            if text and not text.startswith("#"):
                paragraphs.append(text)
    return paragraphs


def long_article(paragraphs: Sequence[str], chars: int, *, seed: int = 0) -> str:
    """A Markdown article of exactly ``chars`` characters (a title, then varied copies of ``paragraphs``)."""
    if not paragraphs:
        raise ValueError("no paragraphs to build the article from")
    rng = random.Random(seed)
    parts = ["# A long report from many towns"]
    length = len(parts[0])
    order: list[str] = []
    while length < chars:
        if not order:
            order = list(paragraphs)
            rng.shuffle(order)
        person, place = _made_up_name(rng), _made_up_name(rng)
        paragraph = (
            f"In {rng.randint(1900, 2030)}, {person} reported from {place}. {order.pop()} "
            f"{person} said the people of {place} will follow it closely."
        )
        parts.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(parts)[:chars]
