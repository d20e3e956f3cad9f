"""One language-tag normaliser: voice choice, narration rules and subtitle picking read tags the same way."""

from __future__ import annotations

import pytest

from montage.text.languages import counts_characters, is_chinese, primary_language, same_language


@pytest.mark.parametrize(
    ("tag", "primary"),
    [
        ("en", "en"),
        ("en-US", "en"),
        ("EN_gb", "en"),
        ("eng", "en"),
        ("zh-Hant-TW", "zh"),
        ("zh_CN", "zh"),
        ("cmn", "zh"),
        ("chi", "zh"),
        ("fre", "fr"),
        ("ger", "de"),
        (" pt-BR ", "pt"),
        ("yue", "yue"),
        ("", ""),
    ],
)
def test_primary_language(tag: str, primary: str) -> None:
    assert primary_language(tag) == primary


def test_the_stages_that_used_their_own_normaliser_now_agree() -> None:
    # narration's rules used to miss ISO 639-2 codes that speech and the indexer understood
    assert counts_characters("zho") and counts_characters("jpn") and counts_characters("zh-Hans")
    assert is_chinese("cmn") and not is_chinese("ja")
    assert same_language("eng", "en-US") and same_language("cmn", "zh-CN") and not same_language("en", "de")
