"""A light English suffix stripper: enough to match "floods", "flooded" and "flooding" to one term.

It is not a linguistic stemmer. It only has to map inflections of one word to the same key on both sides
of a match (query and shot text), so keys like ``"mak"`` for "make"/"making" are fine.
"""

from __future__ import annotations

_VOWELS = frozenset("aeiouy")
_KEEP_DOUBLE = frozenset("lsz")
_UNCHANGED = frozenset(
    {"news", "series", "species", "always", "perhaps", "analysis", "crisis", "status", "bias"}
)


def _has_vowel(text: str) -> bool:
    return any(char in _VOWELS for char in text)


def _undouble(stem: str) -> str:
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS and stem[-1] not in _KEEP_DOUBLE:
        return stem[:-1]
    return stem


def light_stem(word: str) -> str:
    """Strip common English inflections (plural -s/-es/-ies, -ing, -ed, final -e) from a lowercase word.

    Words of three letters or fewer, numbers and a few invariant words ("news", "series") are returned
    unchanged.
    """
    if len(word) <= 3 or not word.isalpha() or word in _UNCHANGED:
        return word
    stem = word
    if stem.endswith("ies"):
        stem = stem[:-3] + "y"
    elif stem.endswith("sses"):
        stem = stem[:-2]
    elif stem.endswith("s") and not stem.endswith(("ss", "us", "is")):
        stem = stem[:-1]
    if stem.endswith("ing") and _has_vowel(stem[:-3]) and len(stem) - 3 >= 3:
        stem = _undouble(stem[:-3])
    elif stem.endswith("ed") and _has_vowel(stem[:-2]) and len(stem) - 2 >= 3:
        stem = _undouble(stem[:-2])
    if stem.endswith("e") and len(stem) >= 4:
        stem = stem[:-1]
    return stem
