"""Language detection: a Han-script rule for Chinese, py3langid for the rest."""

from __future__ import annotations

import pytest

from montage.article.language import SUPPORTED_LANGUAGES, detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The council approved the new park on Tuesday night after a long debate.", "en"),
        ("研究人员在长江中游发现了一种新的鱼类物种。", "zh"),
        ("研究人員在長江中游發現了一種新的魚類物種。", "zh"),  # traditional characters
        ("你好", "zh"),  # py3langid alone says "yue" for this
        ("OpenAI发布了新的GPT模型，引起了科技界的广泛关注。", "zh"),  # Latin words inside Chinese
        ("今日は東京で新しい公園の計画が発表されました。", "ja"),
        ("Le conseil municipal a approuvé le nouveau parc mardi soir.", "fr"),
        ("2024 — 1,000 / 3.5 %", "und"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_english_with_a_few_chinese_names_stays_english() -> None:
    text = "The museum in Xi'an (西安) opened a new hall for the terracotta army, officials said on Monday."
    assert detect_language(text) == "en"


def test_supported_languages() -> None:
    assert {"en", "zh"} == SUPPORTED_LANGUAGES


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hello.", "en"),
        ("The cat sat.", "en"),
        ("One. Two. Three! Four? Five.", "en"),
        ("Der Hund bellt.", "de"),  # short, but the model is sure
        ("Tack så mycket.", "sv"),
        ("Bonjour à tous.", "fr"),
    ],
)
def test_short_texts(text: str, language: str) -> None:
    assert detect_language(text) == language
