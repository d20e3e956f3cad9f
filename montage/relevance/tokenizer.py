"""Terms for keyword matching: English words (lowercase, no stopwords, light stemming), Chinese words (jieba).

One text may mix scripts (a Chinese sentence naming "NASA", an English shot caption quoting "长江"), so the
text is split into runs of CJK and non-CJK characters and each run is tokenized its own way. No language flag
is needed and the same function serves queries and documents.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import jieba

from montage.relevance.stemming import light_stem
from montage.relevance.stopwords import CHINESE_STOPWORDS, ENGLISH_STOPWORDS
from montage.text.scripts import HAN_CLASS

jieba.setLogLevel(logging.WARNING)

_CJK_RUN = re.compile(f"[{HAN_CLASS}]+")
_LATIN_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _latin_terms(text: str) -> list[str]:
    terms: list[str] = []
    for match in _LATIN_WORD.finditer(text.lower()):
        word = match.group(0).replace("’", "'")
        word = word.split("'")[0] if word.endswith(("'s", "'ll", "'re", "'ve", "'d")) else word
        if word in ENGLISH_STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        terms.append(light_stem(word))
    return terms


@lru_cache(maxsize=4096)
def _chinese_terms(run: str) -> tuple[str, ...]:
    words = jieba.lcut_for_search(run)
    return tuple(word for word in words if word.strip() and word not in CHINESE_STOPWORDS)


def tokenize(text: str) -> list[str]:
    """Split ``text`` into matching terms, in reading order (duplicates kept, for term frequencies).

    English: lowercased, stopwords dropped, light stemming ("floods" -> "flood"). Chinese: jieba's
    search-mode segmentation (a long word also yields its parts, so "国家气象局" matches "气象局"),
    stopwords dropped.
    """
    terms: list[str] = []
    position = 0
    for run in _CJK_RUN.finditer(text):
        terms.extend(_latin_terms(text[position : run.start()]))
        terms.extend(_chinese_terms(run.group(0)))
        position = run.end()
    terms.extend(_latin_terms(text[position:]))
    return terms
