"""How long a text takes to say: spoken units over a speaking rate, plus a pause per sentence."""

from __future__ import annotations

import math
import re

from montage.options.narration import NarrationOptions
from montage.text.languages import counts_characters
from montage.text.scripts import HAN_CLASS, KANA_CLASS

_NUMBER = re.compile(r"\d[\d,.]*")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SPOKEN_SYMBOLS = re.compile(r"[%$€£¥&+=@]")
_CJK = re.compile(f"[{KANA_CLASS}{HAN_CLASS}]")


def _number_words(number: str) -> int:
    """Words needed to say a written number, roughly: "7" one, "2023" two to four, "1,250,000" several."""
    digits = sum(char.isdigit() for char in number)
    return max(1, math.ceil(digits / 2))


def spoken_words(text: str) -> int:
    """Words a reader says for ``text``: words, numbers read aloud, and symbols like % or $."""
    without_numbers = _NUMBER.sub(" ", text)
    words = len(_WORD.findall(without_numbers))
    numbers = sum(_number_words(match.group(0)) for match in _NUMBER.finditer(text))
    return words + numbers + len(_SPOKEN_SYMBOLS.findall(text))


def spoken_characters(text: str) -> int:
    """Characters a reader says for Chinese/Japanese text: CJK characters, digits, symbols, Latin words x2."""
    cjk = len(_CJK.findall(text))
    rest = _CJK.sub(" ", text)
    digits = sum(char.isdigit() for char in rest)
    latin_words = len(_WORD.findall(_NUMBER.sub(" ", rest)))
    return cjk + digits + 2 * latin_words + len(_SPOKEN_SYMBOLS.findall(rest))


def spoken_units(text: str, language: str) -> int:
    """Words (or characters, for Chinese and Japanese) a reader says for ``text``."""
    return spoken_characters(text) if counts_characters(language) else spoken_words(text)


def units_per_minute(language: str, options: NarrationOptions) -> float:
    """The speaking rate for the language: characters per minute for Chinese/Japanese, else words."""
    return options.chars_per_minute if counts_characters(language) else options.words_per_minute


def estimate_speech_seconds(text: str, language: str, options: NarrationOptions) -> float:
    """Seconds to speak ``text`` as one sentence: spoken units at the language's rate plus one pause.

    Empty text takes no time.
    """
    units = spoken_units(text, language)
    if units == 0:
        return 0.0
    return units * 60.0 / units_per_minute(language, options) + options.sentence_pause_s


def target_seconds(language: str, options: NarrationOptions) -> float:
    """The narration length asked for, in seconds (``target_words`` converted at the language's rate)."""
    if options.target_duration_s is not None:
        return options.target_duration_s
    if options.target_words is not None:
        return options.target_words * 60.0 / units_per_minute(language, options)
    return options.default_duration_s
