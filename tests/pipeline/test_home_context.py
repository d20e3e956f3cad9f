"""The left-out sentences ranked beside the narration to find each shot's home."""

from __future__ import annotations

from montage.article.model import Article, Paragraph, Sentence
from montage.narration.script import NarrationScript, ScriptSentence
from montage.pipeline.home_context import left_out_sentences


def _article(count: int) -> Article:
    sentences = [Sentence(index=i, paragraph_index=0, text=f"Sentence {i}.") for i in range(count)]
    return Article("Title", "en", [Paragraph(0, " ".join(s.text for s in sentences), sentences)], "test")


def _script(indices: list[int | None]) -> NarrationScript:
    lines = [
        ScriptSentence(position, index, 0 if index is not None else None, f"line {position}", 0.5, 2.0)
        for position, index in enumerate(indices)
    ]
    return NarrationScript("Title", "en", lines, 30.0, 2.0 * len(lines))


def test_the_sentences_not_narrated_in_reading_order() -> None:
    assert left_out_sentences(_article(5), _script([None, 1, 3])) == [
        "Sentence 0.",
        "Sentence 2.",
        "Sentence 4.",
    ]
    assert left_out_sentences(_article(3), _script([None, 0, 1, 2])) == []


def test_a_long_article_gives_the_sentences_nearest_the_narrated_ones() -> None:
    texts = left_out_sentences(_article(100), _script([None, 10, 90]), limit=4)
    assert texts == ["Sentence 9.", "Sentence 11.", "Sentence 89.", "Sentence 91."]
