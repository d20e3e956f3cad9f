"""Fixtures of the anchors tests: the fixture articles, a script reading all of them, the real text model."""

from __future__ import annotations

import pytest

from montage.article.model import Article
from montage.embedding.protocol import TextEmbedder
from montage.narration.script import NarrationScript, ScriptSentence
from montage.narration.speech_time import estimate_speech_seconds
from montage.options.narration import NarrationOptions
from tests.narration.articles import chinese_article, english_article
from tests.narration.text_model import text_embedder


def full_script(article: Article) -> NarrationScript:
    """A script that reads the title and every sentence (salience falls with position), built by hand."""
    options = NarrationOptions()
    lines = [ScriptSentence(0, None, None, article.title or "", 1.0, 2.0)] if article.title else []
    count = len(article.sentences)
    for sentence in article.sentences:
        lines.append(
            ScriptSentence(
                index=len(lines),
                article_sentence_index=sentence.index,
                paragraph_index=sentence.paragraph_index,
                text=sentence.text,
                salience=1.0 - sentence.index / count,
                est_seconds=estimate_speech_seconds(sentence.text, article.language, options),
            )
        )
    total = sum(line.est_seconds for line in lines)
    return NarrationScript(article.title, article.language, lines, total, total)


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
