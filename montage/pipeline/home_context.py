"""The article's sentences the narration left out, ranked beside the narrated ones to find each shot's home.

A shot's home is the sentence it scores best for (:func:`montage.timeline.cut_planner.home_sentences`); the
planner trusts a shot that is not a sentence's best match more when the sentence is its home. Sentences
the narration leaves out count too: a shot that fits a left-out sentence better ("a man and a woman tilt
their heads") shows that sentence's subject, not the narrated one's ("a woman and a man stroll"), even
though the left-out sentence is never on screen. A very long article contributes at most ``limit`` of them,
those nearest (in reading order) to a narrated sentence.
"""

from __future__ import annotations

from montage.article.model import Article
from montage.narration.script import NarrationScript

HOME_CONTEXT_LIMIT = 50
"""Left-out sentences ranked at most: each is one more query of the retrieval stage (~13 ms; a 240-sentence
article's retrieval took 3.2 s with 200 of them, 1.0 s with 50, 0.5 s with none)."""


def left_out_sentences(
    article: Article, script: NarrationScript, limit: int = HOME_CONTEXT_LIMIT
) -> list[str]:
    """Texts of the article's sentences that are not narrated, at most ``limit``, nearest to a narrated
    sentence first (ties in reading order)."""
    narrated = sorted(
        {s.article_sentence_index for s in script.sentences if s.article_sentence_index is not None}
    )
    spoken = set(narrated)
    left = [
        sentence for sentence in article.sentences if sentence.index not in spoken and sentence.text.strip()
    ]
    if len(left) > limit:
        nearest = sorted(left, key=lambda s: (min((abs(s.index - n) for n in narrated), default=0), s.index))[
            :limit
        ]
        left = sorted(nearest, key=lambda s: s.index)
    return [sentence.text for sentence in left]
