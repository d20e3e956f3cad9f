"""jieba's part-of-speech tagging and keyword extraction, loaded on first use.

``jieba.posseg`` and ``jieba.analyse`` take ~0.4 s to import (dictionaries, HMM tables); only Chinese
articles need them, so English runs and every other CLI command never pay for it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from types import ModuleType


@cache
def _jieba_modules() -> tuple[ModuleType, ModuleType]:
    import jieba
    import jieba.analyse
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg, jieba.analyse


def tagged_words(text: str) -> list[tuple[str, str]]:
    """``text`` cut into (word, part-of-speech flag) pairs."""
    posseg, _ = _jieba_modules()
    return [(pair.word, pair.flag) for pair in posseg.lcut(text)]


def textrank_keywords(document: str, top: int, parts_of_speech: Sequence[str]) -> list[tuple[str, float]]:
    """jieba's TextRank keywords of ``document`` with their weights."""
    _, analyse = _jieba_modules()
    return list(analyse.textrank(document, topK=top, withWeight=True, allowPOS=tuple(parts_of_speech)))


def tfidf_keywords(document: str, top: int, parts_of_speech: Sequence[str]) -> list[tuple[str, float]]:
    """jieba's TF-IDF keywords of ``document`` with their weights."""
    _, analyse = _jieba_modules()
    return list(analyse.extract_tags(document, topK=top, withWeight=True, allowPOS=tuple(parts_of_speech)))
