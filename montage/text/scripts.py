"""Which writing system a character belongs to: the one definition of Han, kana, Hangul and "CJK" in montage.

Every module that treats Chinese, Japanese or Korean characters specially builds its character classes from
the constants here, so a character is Han (or not) the same way everywhere: word counts, sentence
splitting, language detection, keyword tokens, speaking-time and syllable estimates, subtitle tokens.

Han means the Unicode ``Ideographic`` characters of the CJK blocks: the unified ideographs (U+4E00-U+9FFF),
extension A (U+3400-U+4DBF), extensions B-I and the compatibility supplement (U+20000-U+323AF), the
compatibility ideographs (U+F900-U+FAFF), and the ideographic iteration/number marks (〆, 〇, 〡-〩, 〸-〺).
The ``*_CLASS`` constants are regular-expression character-class bodies (use them inside ``[...]``).
"""

from __future__ import annotations

import re

HAN_CLASS = (
    "\u3006\u3007\u3021-\u3029\u3038-\u303a\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
)
"""Han ideographs (see the module docstring for the blocks)."""

KANA_CLASS = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
"""Hiragana, katakana, katakana phonetic extensions and half-width katakana."""

HANGUL_CLASS = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
"""Hangul syllables and jamo (conjoining, compatibility and extended)."""

CJK_SYMBOLS_CLASS = "\u3000-\u303f\uff00-\uffef"
"""CJK symbols and punctuation (。、「」…) and half-/full-width forms (，！ＡＢＣ１２３)."""

UNSPACED_CLASS = HAN_CLASS + KANA_CLASS + CJK_SYMBOLS_CLASS
"""Characters of writing without spaces between words (Chinese, Japanese) and their punctuation.

Hangul is not in it: Korean separates words with spaces.
"""

CJK_LETTER_CLASS = HAN_CLASS + KANA_CLASS + HANGUL_CLASS
"""Letters of Chinese, Japanese and Korean: each one counts as one word or token."""

CJK_CLASS = CJK_LETTER_CLASS + CJK_SYMBOLS_CLASS
"""Everything CJK: the letters plus CJK punctuation and full-width forms."""

_HAN = re.compile(f"[{HAN_CLASS}]")
_KANA = re.compile(f"[{KANA_CLASS}]")
_HANGUL = re.compile(f"[{HANGUL_CLASS}]")
_UNSPACED = re.compile(f"[{UNSPACED_CLASS}]")
_CJK = re.compile(f"[{CJK_CLASS}]")


def is_han(char: str) -> bool:
    """True when ``char`` (one character) is a Han ideograph."""
    return bool(_HAN.fullmatch(char))


def is_kana(char: str) -> bool:
    """True when ``char`` (one character) is hiragana or katakana."""
    return bool(_KANA.fullmatch(char))


def is_hangul(char: str) -> bool:
    """True when ``char`` (one character) is a Hangul syllable or jamo."""
    return bool(_HANGUL.fullmatch(char))


def is_unspaced(char: str) -> bool:
    """True for a Han, kana, CJK punctuation or full-width character (writing without word spaces)."""
    return bool(_UNSPACED.fullmatch(char))


def count_han(text: str) -> int:
    """Number of Han ideographs in ``text``."""
    return len(_HAN.findall(text))


def count_kana(text: str) -> int:
    """Number of kana in ``text``."""
    return len(_KANA.findall(text))


def count_hangul(text: str) -> int:
    """Number of Hangul syllables and jamo in ``text``."""
    return len(_HANGUL.findall(text))


def is_cjk_text(text: str) -> bool:
    """True when at least a third of the non-space characters are CJK (letters, punctuation, full-width)."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return False
    return sum(1 for c in chars if _CJK.fullmatch(c)) * 3 >= len(chars)


def has_cjk(text: str) -> bool:
    """True when any character of ``text`` is CJK (it needs a CJK font to be drawn, whatever the rest)."""
    return _CJK.search(text) is not None
