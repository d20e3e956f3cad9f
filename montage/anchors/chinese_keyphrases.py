"""Chinese keyphrases: jieba's TextRank and TF-IDF keywords blended, plus noun compounds that recur.

A compound (长江 + 堤防 -> 长江堤防) seen at least twice scores the mean of its keyword parts plus 10%.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence

from montage.anchors.jieba_words import tagged_words, textrank_keywords, tfidf_keywords
from montage.anchors.model import Keyphrase
from montage.relevance.stopwords import CHINESE_STOPWORDS

_KEYWORD_POS = ("ns", "n", "vn", "nz", "nt", "nr", "nrt", "j")
_COMPOUND_POS = frozenset({"n", "ns", "nz", "vn", "nt", "j"})
_TITLE_BONUS = 1.3


def _normalised(pairs: Sequence[tuple[str, float]]) -> dict[str, float]:
    best = max((weight for _, weight in pairs), default=0.0)
    return {word: weight / best for word, weight in pairs} if best > 0 else {}


def _compounds(texts: Sequence[str]) -> Counter[str]:
    """Adjacent noun pairs (长江 + 堤防 -> 长江堤防) and how often they occur."""
    counts: Counter[str] = Counter()
    for text in texts:
        words = tagged_words(text)
        for (first, first_flag), (second, second_flag) in itertools.pairwise(words):
            nouns = first_flag in _COMPOUND_POS and second_flag in _COMPOUND_POS
            if nouns and len(first) >= 2 and len(second) >= 2:
                counts[first + second] += 1
    return counts


def chinese_keyphrases(texts: Sequence[str], title: str = "", *, limit: int = 15) -> list[Keyphrase]:
    """The ``limit`` best keyphrases of Chinese texts, best first (words in ``title`` weigh more)."""
    document = "。".join([title, *texts] if title else texts)
    textrank = _normalised(textrank_keywords(document, 60, _KEYWORD_POS))
    tfidf = _normalised(tfidf_keywords(document, 60, _KEYWORD_POS))
    scores: dict[str, float] = {}
    for word in set(textrank) | set(tfidf):
        if word in CHINESE_STOPWORDS or len(word) < 2:
            continue
        score = 0.5 * textrank.get(word, 0.0) + 0.5 * tfidf.get(word, 0.0)
        scores[word] = score * (_TITLE_BONUS if title and word in title else 1.0)
    for compound, count in sorted(_compounds([title, *texts] if title else texts).items()):
        parts = [word for word in scores if word in compound]
        if count >= 2 and parts and compound not in scores:
            bonus = _TITLE_BONUS if title and compound in title else 1.0
            scores[compound] = sum(scores[part] for part in parts) / len(parts) * 1.1 * bonus
    chosen = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
    if not chosen:
        return []
    best = chosen[0][1]
    return [Keyphrase(word, score / best) for word, score in chosen]
