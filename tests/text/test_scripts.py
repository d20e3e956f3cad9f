"""One Han/CJK definition: every stage that treats Chinese characters specially agrees on which they are.

Before montage.text, eight modules had their own ranges: CJK extension B or the compatibility ideographs
counted as Han in some (speech syllables) and as Latin letters in others (word counts, script detection,
narration length), and a row of emoji made a title "CJK" (a CJK font, a Chinese re-voice).
"""

from __future__ import annotations

import unicodedata

import pytest

from montage.article.language import detect_language
from montage.article.model import count_words
from montage.article.text_cleaning import clean_inline_text
from montage.narration.speech_time import spoken_characters
from montage.relevance.tokenizer import tokenize
from montage.retrieval.script import dominant_script
from montage.speech.timing_estimate import syllables_in
from montage.text.scripts import is_cjk_text, is_han, is_hangul, is_kana, is_unspaced

HAN_SAMPLES = {
    "unified": "中",
    "extension A": "\u3400",  # 㐀
    "extension B": "\U00020000",  # 𠀀
    "extension E": "\U0002b820",
    "compatibility": "\uf900",  # 豈
    "compatibility supplement": "\U0002f800",
}


@pytest.mark.parametrize("char", HAN_SAMPLES.values(), ids=HAN_SAMPLES.keys())
def test_every_stage_treats_a_han_character_as_han(char: str) -> None:
    text = char * 12
    assert is_han(char)
    assert count_words(text) == 12  # one word per character, not one "Latin" run
    assert spoken_characters(text) == 12
    assert dominant_script(text) == "han"
    assert syllables_in(char) == 1
    # a line break inside Chinese leaves no space (NFC maps a compatibility ideograph to its unified twin)
    assert clean_inline_text(f"{char} {char}") == unicodedata.normalize("NFC", char * 2)
    assert detect_language(text) == "zh"
    assert is_cjk_text(text)
    assert all(term.isascii() is False for term in tokenize(text))  # jieba's run, not the English stemmer


@pytest.mark.parametrize("char", ["a", "é", "1", "\u4dc0", "🎉", "\u0416", "\uac00", "あ"])
def test_other_characters_are_not_han(char: str) -> None:
    assert not is_han(char)  # U+4DC0 (a Yijing hexagram) sits between extension A and the unified block


def test_kana_and_hangul_are_cjk_letters_but_not_han() -> None:
    assert is_kana("あ") and is_kana("カ") and not is_hangul("あ")
    assert is_hangul("한") and not is_kana("한")
    assert count_words("ひらがな") == 4 and count_words("한국어") == 3
    assert spoken_characters("ひらがな") == 4


def test_korean_keeps_its_word_spaces_but_chinese_and_japanese_do_not() -> None:
    assert clean_inline_text("한국 사람") == "한국 사람"
    assert clean_inline_text("日本 の 人") == "日本の人"
    assert is_unspaced("。") and is_unspaced("，") and not is_unspaced("한")


def test_emoji_do_not_make_a_title_cjk() -> None:
    assert not is_cjk_text("🎉🎉🎉 Party")  # emoji are wide on screen, but not Chinese
    assert is_cjk_text("长江洪水 2024")
    assert not is_cjk_text("")
