"""Estimated word timings for engines that cannot report them.

The speech span of the clip (from the first to the last voiced frame) is shared among the words in
proportion to an estimated syllable count, and the pauses that punctuation causes get a share too:

* English and other Latin-script words: groups of vowels (a silent final ``e`` dropped), at least one;
* Chinese: one syllable per Han character (words found with jieba when it is installed);
* digits: 1.2 syllables each (``1999`` → "nineteen ninety-nine" is 5);
* other letters (no vowels to count): one syllable per three letters;
* a comma, colon or semicolon after a word: a pause of 1 syllable; a full stop, ``!`` or ``?`` inside the
  text: 1.5 syllables.

At a steady speaking rate this typically lands word boundaries within a syllable or two of the real ones;
it is an estimate and is labelled ``timing_source="estimate"``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from montage.speech.records import WordTiming
from montage.text.languages import primary_language
from montage.text.scripts import is_han

DIGIT_SYLLABLES = 1.2
SHORT_PAUSE_SYLLABLES = 1.0
LONG_PAUSE_SYLLABLES = 1.5
_SHORT_PAUSE = set(",;:，、；：—–")
_LONG_PAUSE = set(".!?。！？…")
_VOWEL_GROUPS = re.compile(r"[aeiouyàáâäæèéêëìíîïòóôöœùúûüÿ]+", re.IGNORECASE)
_WORD_EDGE_PUNCTUATION = "\"'“”‘’«»()[]{}<>.,;:!?。，、；：！？…—–-*_`"


@dataclass(frozen=True)
class _Token:
    word: str
    syllables: float
    pause_after: float


def estimate_word_timings(text: str, language: str, *, start_s: float, end_s: float) -> list[WordTiming]:
    """Spread the words of ``text`` over ``[start_s, end_s]`` in proportion to their estimated length."""
    tokens = _tokens(text, primary_language(language))
    if not tokens or end_s <= start_s:
        return []
    total = sum(token.syllables for token in tokens) + sum(token.pause_after for token in tokens[:-1])
    unit = (end_s - start_s) / total
    timings: list[WordTiming] = []
    cursor = start_s
    for position, token in enumerate(tokens):
        word_end = cursor + token.syllables * unit
        if position == len(tokens) - 1:
            word_end = end_s
        timings.append(WordTiming(token.word, round(cursor, 4), round(min(word_end, end_s), 4)))
        cursor = word_end + token.pause_after * unit
    return timings


def syllables_in(word: str) -> float:
    """Estimated number of spoken syllables in one word (see the module docstring for the rules)."""
    han = sum(1 for char in word if is_han(char))
    digits = sum(1 for char in word if char.isdigit())
    latin = "".join(char for char in word if char.isalpha() and not is_han(char))
    count = han + DIGIT_SYLLABLES * digits
    if latin:
        groups = len(_VOWEL_GROUPS.findall(latin))
        lowered = latin.lower()
        if groups > 1 and lowered.endswith("e") and not lowered.endswith(("le", "ee", "ye")):
            groups -= 1
        count += groups if groups else max(1.0, len(latin) / 3)
    return max(1.0, count) if (han or digits or latin) else 0.0


def _tokens(text: str, language: str) -> list[_Token]:
    pieces = _segment_chinese(text) if language == "zh" else text.split()
    tokens: list[_Token] = []
    for piece in pieces:
        word = piece.strip().strip(_WORD_EDGE_PUNCTUATION)
        pause = _pause_after(piece)
        if not word or syllables_in(word) == 0:
            if tokens and pause:
                last = tokens[-1]
                tokens[-1] = _Token(last.word, last.syllables, max(last.pause_after, pause))
            continue
        tokens.append(_Token(word, syllables_in(word), pause))
    return tokens


def _pause_after(piece: str) -> float:
    tail = piece.rstrip("\"'”’»)]} ")
    if not tail:
        return 0.0
    if tail[-1] in _LONG_PAUSE:
        return LONG_PAUSE_SYLLABLES
    if tail[-1] in _SHORT_PAUSE:
        return SHORT_PAUSE_SYLLABLES
    return 0.0


def _segment_chinese(text: str) -> Sequence[str]:
    try:
        import jieba
    except ImportError:
        return [char for char in text if not char.isspace()]
    jieba.setLogLevel(logging.WARNING)
    return [piece for piece in jieba.cut(text) if not piece.isspace()]
