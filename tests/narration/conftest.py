"""Fixtures of the narration tests: the real offline text model and the two fixture articles."""

from __future__ import annotations

import pytest

from montage.article.model import Article
from montage.embedding.protocol import TextEmbedder
from tests.narration.articles import chinese_article, english_article
from tests.narration.text_model import text_embedder


@pytest.fixture(scope="session")
def embedder() -> TextEmbedder:
    """all-MiniLM-L6-v2 on CPU, offline."""
    return text_embedder()


@pytest.fixture
def article_en() -> Article:
    """The English fixture article."""
    return english_article()


@pytest.fixture
def article_zh() -> Article:
    """The Chinese fixture article."""
    return chinese_article()
