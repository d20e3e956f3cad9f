"""Extractive narration on real articles with the real MiniLM model: length, title, order, redundancy."""

from __future__ import annotations

import pytest

from montage.article.model import Article, Paragraph, Sentence
from montage.embedding.protocol import TextEmbedder
from montage.errors import InputError
from montage.narration.script import NarrationScript
from montage.narration.speech_time import estimate_speech_seconds
from montage.narration.summarize import summarize_article
from montage.options.narration import NarrationOptions

EN_DUPLICATES = (4, 5)  # "It has closed 221 times since it began operating..." and its reworded copy
ZH_DUPLICATES = (3, 6)  # 李明教授说，近十年来长江流域极端降雨明显增多 and its reworded copy


def _article_sentence_indexes(script: NarrationScript) -> list[int]:
    return [s.article_sentence_index for s in script.sentences if s.article_sentence_index is not None]


@pytest.mark.parametrize("target", [20.0, 60.0, 150.0])
@pytest.mark.parametrize("language", ["en", "zh"])
def test_length_lands_within_one_sentence_of_the_target(
    language: str, target: float, embedder: TextEmbedder, article_en: Article, article_zh: Article
) -> None:
    article = article_en if language == "en" else article_zh
    options = NarrationOptions(target_duration_s=target)
    script = summarize_article(article, embedder, options)
    longest = max(estimate_speech_seconds(s.text, language, options) for s in article.sentences)
    assert abs(script.estimated_seconds - target) <= longest
    assert script.target_seconds == target
    assert script.estimated_seconds == pytest.approx(sum(s.est_seconds for s in script.sentences))


def test_title_first_then_article_order(embedder: TextEmbedder, article_en: Article) -> None:
    script = summarize_article(article_en, embedder, NarrationOptions(target_duration_s=60))
    first = script.sentences[0]
    assert first.is_title and first.text == article_en.title and first.paragraph_index is None
    indexes = _article_sentence_indexes(script)
    assert indexes == sorted(indexes) and len(indexes) >= 4
    assert [s.index for s in script.sentences] == list(range(len(script.sentences)))
    by_index = {s.index: s for s in article_en.sentences}
    for line in script.sentences[1:]:
        source = by_index[line.article_sentence_index]  # type: ignore[index]
        assert line.text == source.text and line.paragraph_index == source.paragraph_index
        assert 0.0 <= line.salience <= 1.0


def test_the_lead_sentence_is_chosen_for_a_short_script(embedder: TextEmbedder, article_en: Article) -> None:
    script = summarize_article(article_en, embedder, NarrationOptions(target_duration_s=20))
    assert 0 in _article_sentence_indexes(script)


def test_without_title_the_script_starts_with_an_article_sentence(
    embedder: TextEmbedder, article_en: Article
) -> None:
    script = summarize_article(article_en, embedder, NarrationOptions(target_duration_s=30, keep_title=False))
    assert not any(s.is_title for s in script.sentences)
    assert script.title == article_en.title  # still known, just not spoken


@pytest.mark.parametrize(
    ("language", "pair"), [("en", EN_DUPLICATES), ("zh", ZH_DUPLICATES)], ids=["en", "zh"]
)
def test_a_duplicated_sentence_is_never_narrated_twice(
    language: str, pair: tuple[int, int], embedder: TextEmbedder, article_en: Article, article_zh: Article
) -> None:
    article = article_en if language == "en" else article_zh
    for target in (60.0, 600.0):
        chosen = set(
            _article_sentence_indexes(
                summarize_article(article, embedder, NarrationOptions(target_duration_s=target))
            )
        )
        assert not set(pair) <= chosen, f"both copies narrated at {target}s"
    # Control: with redundancy ignored and a budget for everything, both copies are read out.
    everything = NarrationOptions(target_duration_s=600, mmr_lambda=1.0, duplicate_similarity=1.0)
    assert set(pair) <= set(_article_sentence_indexes(summarize_article(article, embedder, everything)))


def test_same_input_same_script(embedder: TextEmbedder, article_zh: Article) -> None:
    options = NarrationOptions(target_duration_s=45)
    assert summarize_article(article_zh, embedder, options) == summarize_article(
        article_zh, embedder, options
    )


def test_target_in_words_for_english_and_characters_for_chinese(
    embedder: TextEmbedder, article_en: Article, article_zh: Article
) -> None:
    english = summarize_article(article_en, embedder, NarrationOptions(target_words=150))
    assert english.target_seconds == pytest.approx(60.0)
    chinese = summarize_article(article_zh, embedder, NarrationOptions(target_words=250))
    assert chinese.target_seconds == pytest.approx(60.0)


def test_min_sentences_beats_a_tiny_budget(embedder: TextEmbedder, article_en: Article) -> None:
    script = summarize_article(article_en, embedder, NarrationOptions(target_duration_s=1, min_sentences=2))
    assert len(_article_sentence_indexes(script)) == 2


def test_an_article_without_sentences_is_refused(embedder: TextEmbedder) -> None:
    empty = Article(title="Nothing", language="en", paragraphs=[Paragraph(0, "", [])], source="text")
    with pytest.raises(InputError, match="no sentences"):
        summarize_article(empty, embedder, NarrationOptions())


def test_a_one_sentence_article_is_narrated_whole(embedder: TextEmbedder) -> None:
    sentence = Sentence(index=0, paragraph_index=0, text="The river rose overnight.")
    article = Article(
        title=None, language="en", paragraphs=[Paragraph(0, sentence.text, [sentence])], source="t"
    )
    script = summarize_article(article, embedder, NarrationOptions(target_duration_s=60))
    assert [s.text for s in script.sentences] == ["The river rose overnight."]


def test_works_on_an_article_loaded_by_the_article_stage(embedder: TextEmbedder) -> None:
    """The fixture file read by montage.article's own Markdown loader and sentence splitter."""
    from montage.article.loader import load_article
    from tests.narration.articles import ENGLISH

    article = load_article(ENGLISH)
    script = summarize_article(article, embedder, NarrationOptions(target_duration_s=45))
    assert script.sentences[0].is_title and script.language == "en"
    indexes = _article_sentence_indexes(script)
    assert indexes == sorted(indexes) and 0 in indexes
