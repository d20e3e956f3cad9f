"""Estimated word timings: syllable weights, punctuation pauses, bounds."""

from __future__ import annotations

import pytest

from montage.speech.timing_estimate import estimate_word_timings, syllables_in


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("cat", 1),
        ("table", 2),
        ("make", 1),
        ("banana", 3),
        ("rhythm", 1),
        ("北京", 2),
        ("1999", 4.8),
        ("x", 1),
    ],
)
def test_syllable_estimates(word: str, syllables: float) -> None:
    assert syllables_in(word) == pytest.approx(syllables)


def test_punctuation_has_no_syllables() -> None:
    assert syllables_in("—") == 0


def test_longer_words_get_more_time_and_commas_a_pause() -> None:
    timings = estimate_word_timings("Cat, extraordinary dog.", "en", start_s=1.0, end_s=4.0)
    assert [timing.word for timing in timings] == ["Cat", "extraordinary", "dog"]
    cat, extraordinary, dog = timings
    assert cat.start_s == 1.0 and dog.end_s == 4.0
    assert extraordinary.end_s - extraordinary.start_s > 3 * (dog.end_s - dog.start_s)
    assert extraordinary.start_s - cat.end_s == pytest.approx(cat.end_s - cat.start_s, rel=1e-3), (
        "comma pause"
    )
    assert dog.start_s == extraordinary.end_s, "no pause without punctuation"


def test_chinese_is_split_into_words_and_weighted_by_characters() -> None:
    timings = estimate_word_timings("我们在北京，天气很好。", "zh", start_s=0.0, end_s=3.0)
    words = [timing.word for timing in timings]
    assert "".join(words) == "我们在北京天气很好"
    assert all(timing.start_s <= timing.end_s for timing in timings)
    lengths = {timing.word: timing.end_s - timing.start_s for timing in timings}
    one_char = next(length for word, length in lengths.items() if len(word) == 1)
    two_chars = next(length for word, length in lengths.items() if len(word) == 2)
    assert two_chars == pytest.approx(2 * one_char, rel=1e-3)


def test_nothing_to_time() -> None:
    assert estimate_word_timings("...", "en", start_s=0.0, end_s=1.0) == []
    assert estimate_word_timings("word", "en", start_s=1.0, end_s=1.0) == []
