"""A maximum-size article (200,000 characters): the sentence graph stays bounded and narration stays fast."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from montage.article.loader import load_article
from montage.config import Settings
from montage.embedding.protocol import TextEmbedder
from montage.evaluation.long_article import article_paragraphs, long_article
from montage.narration.graph_bound import GRAPH_SENTENCES_MAX, graph_members
from montage.narration.position_prior import position_prior
from montage.narration.summarize import summarize_article
from montage.options.narration import NarrationOptions

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
MAX_ARTICLE_CHARS = 200_000


class CountingEmbedder:
    """The real text model, counting the texts it is asked to embed."""

    def __init__(self, inner: TextEmbedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.embedded = 0

    def embed_texts(self, texts: Sequence[str], *, batch_size: int = 64) -> NDArray[np.float32]:
        self.embedded += len(texts)
        return self.inner.embed_texts(texts, batch_size=batch_size)


def test_maximum_article_embeds_a_bounded_graph(embedder: TextEmbedder) -> None:
    text = long_article(article_paragraphs(REPO / "bench" / "eval" / "articles"), MAX_ARTICLE_CHARS)
    article = load_article(text, options=Settings().article, kind="markdown")
    assert len(article.sentences) > 3 * GRAPH_SENTENCES_MAX
    counting = CountingEmbedder(embedder)
    script = summarize_article(article, counting, NarrationOptions(target_duration_s=60))
    assert counting.embedded <= GRAPH_SENTENCES_MAX + 1  # the graph's sentences and the title
    assert 50 <= script.estimated_seconds <= 75
    assert script.sentences[0].text == "A long report from many towns"


def test_short_articles_keep_every_sentence_in_the_graph() -> None:
    texts = [f"Sentence number {i} about the harbour." for i in range(GRAPH_SENTENCES_MAX)]
    assert graph_members(texts, position_prior([0] * len(texts)), 0.3) == list(range(len(texts)))


def test_the_bound_keeps_the_lead_and_drops_off_topic_sentences() -> None:
    texts = [f"The harbour flood barrier log {i} counts high tides and storm surges." for i in range(30)]
    off_topic = {
        10: "Knitting woollen socks is relaxing.",
        20: "Lemon cake needs sugar.",
        25: "Chess at noon.",
    }
    for position, text in off_topic.items():
        texts[position] = text
    members = graph_members(texts, position_prior(list(range(len(texts)))), 0.3, limit=20)
    assert len(members) == 20 and members == sorted(members)
    assert 0 in members and not set(off_topic) & set(members)
