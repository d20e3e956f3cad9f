"""Speech time estimates: words (or Chinese characters) at the speaking rate, plus a pause."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from montage.narration.speech_time import (
    estimate_speech_seconds,
    spoken_characters,
    spoken_words,
    target_seconds,
)
from montage.options.narration import NarrationOptions


def test_english_goes_by_words_per_minute() -> None:
    options = NarrationOptions(words_per_minute=150, sentence_pause_s=0.3)
    text = " ".join(["word"] * 25)
    assert estimate_speech_seconds(text, "en", options) == pytest.approx(25 * 60 / 150 + 0.3)
    assert estimate_speech_seconds(text, "en", options.model_copy(update={"words_per_minute": 300})) == (
        pytest.approx(25 * 60 / 300 + 0.3)
    )


def test_numbers_and_symbols_take_the_words_they_are_read_with() -> None:
    # a number counts one word per two digits (rough, but 2023 is "twenty twenty-three")
    assert spoken_words("It cost £4.5 billion.") == 2 + 1 + 1 + 1  # It cost / 4.5 / billion / £
    assert spoken_words("In 2023, 38% of homes") == 1 + 2 + 1 + 1 + 2  # In / 2023 / 38 / % / of homes
    assert spoken_words("state-of-the-art") == 1


def test_chinese_goes_by_characters_per_minute() -> None:
    options = NarrationOptions(chars_per_minute=250, sentence_pause_s=0.0)
    text = "长江水利委员会周二表示武汉段水位预计将超过警戒线"
    assert spoken_characters(text) == len(text)
    assert estimate_speech_seconds(text, "zh", options) == pytest.approx(len(text) * 60 / 250)
    assert estimate_speech_seconds(text, "zh-Hans", options) == estimate_speech_seconds(text, "zh", options)
    assert spoken_characters("投入15亿元，NASA说") == 4 + 2 + 2 + 1  # 投入亿元 / 1 5 / NASA x2 / 说


def test_empty_text_takes_no_time() -> None:
    assert estimate_speech_seconds("  ", "en", NarrationOptions()) == 0.0


def test_target_comes_from_duration_or_words() -> None:
    assert target_seconds("en", NarrationOptions(target_duration_s=45)) == 45
    assert target_seconds("en", NarrationOptions(target_words=300)) == pytest.approx(120.0)
    assert target_seconds("zh", NarrationOptions(target_words=500)) == pytest.approx(120.0)  # 字数
    assert target_seconds("en", NarrationOptions()) == 60.0
    with pytest.raises(ValidationError, match="not both"):
        NarrationOptions(target_duration_s=30, target_words=100)
