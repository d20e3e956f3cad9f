"""English keyphrases without a model: noun-phrase-like candidates scored by word statistics (YAKE/RAKE-like).

Candidates are runs of content words between stopwords, punctuation, numbers and verb-like words; every
1-3 word sub-sequence of a run is a candidate. A word scores by how often it occurs, how early it first
appears and whether the title uses it; a phrase scores by its words, how often it occurs as a whole, and a
small bonus per extra word. Phrases that repeat a better phrase's words are dropped.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from montage.anchors.gazetteer import MONTHS_AND_DAYS, REPORTING_VERBS
from montage.anchors.model import Keyphrase
from montage.relevance.stemming import light_stem
from montage.relevance.stopwords import ENGLISH_STOPWORDS

_TOKEN = re.compile(r"[^\W\d_][\w'’\-]*[^\W\d_]|[^\W\d_]|\d[\d,.]*|[^\s\w]")
_GENERIC_WORD_LIST = """
also according added ago another around asked back began begin called come comes company day days end ever
every expect expected far found get gets give given go going got group help high hold keep know large
last later lead less like likely long look made make makes many may means month months more most move
much must need needs new next number often old part people place plan plans point put rather recent
said say says see seen set several show shows side since small sometimes start still take takes thing
things think time times today told took two three four five ten told use used way week weeks well whole
within work would year years yesterday
"""
_GENERIC_WORDS = frozenset(_GENERIC_WORD_LIST.split())
_VERB_LIST = """
exist exists remain remains include includes become becomes seem seems appear appears mean means protect
protects absorb absorbs affect affects expect expects argue argues warn warns believe believes allow allows
require requires receive receives suggest suggests provide provides reduce reduces avoid avoids
"""
_VERBS = frozenset(_VERB_LIST.split())
_WEAK_MODIFIER_LIST = "new newer current existing own other big bigger biggest small smaller main major key"
_WEAK_MODIFIERS = frozenset(_WEAK_MODIFIER_LIST.split())
_NUMBER_WORDS = frozenset(
    [
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "twenty",
        "hundred",
        "thousand",
        "million",
        "billion",
    ]
)
_VERB_OBJECT_CUES = frozenset({"the", "a", "an", "that", "to", "its", "their", "his", "her", "this", "these"})
_PREPOSITIONS = frozenset(
    ["near", "across", "along", "beside", "inside", "outside", "behind", "beyond", "amid", "despite"]
)
_BREAK_WORDS = REPORTING_VERBS | _NUMBER_WORDS | _VERBS | _PREPOSITIONS
_MAX_WORDS = 3


@dataclass(frozen=True)
class _Candidate:
    key: tuple[str, ...]
    surface: str


def _is_breaker(token: str) -> bool:
    lower = token.lower()
    if not token[:1].isalpha():
        return True
    if lower in ENGLISH_STOPWORDS or lower in _BREAK_WORDS:
        return True
    if token in MONTHS_AND_DAYS:
        return True
    return lower.endswith("ly") and len(lower) > 4


def _chunks(text: str) -> list[list[str]]:
    """Runs of content words (possessive endings removed).

    A run directly followed by a determiner or "that"/"to" most likely ends in a verb ("the agency
    estimates that", "engineers expect the"), so its last word is dropped.
    """
    chunks: list[list[str]] = [[]]
    tokens = _TOKEN.findall(text)
    for i, token in enumerate(tokens):
        if _is_breaker(token):
            if chunks[-1]:
                if token.lower() in _VERB_OBJECT_CUES and len(chunks[-1]) > 1 and tokens[i - 1].islower():
                    chunks[-1].pop()
                chunks.append([])
            continue
        chunks[-1].append(re.sub(r"['’]s?$", "", token))
    return [chunk for chunk in chunks if chunk]


def _verb_like(word: str, *, last: bool) -> bool:
    """A lowercase -ed word anywhere, or -ing at the end ("rising sea levels" stays, "barrier closed" not)."""
    if word[:1].isupper():
        return False
    lower = word.lower()
    return lower.endswith("ed") or (last and lower.endswith("ing"))


def _candidates(chunk: list[str]) -> list[_Candidate]:
    found: list[_Candidate] = []
    for size in range(1, _MAX_WORDS + 1):
        for start in range(len(chunk) - size + 1):
            words = chunk[start : start + size]
            end = start + size
            if start > 0 and chunk[start - 1][:1].isupper() and words[0][:1].isupper():
                continue  # would cut a name ("North Sea storms" -> "Sea storms")
            if end < len(chunk) and chunk[end][:1].isupper() and words[-1][:1].isupper():
                continue
            if any(_verb_like(word, last=i == size - 1) for i, word in enumerate(words)):
                continue
            edges = (words[0].lower(), words[-1].lower())
            if size > 1 and (edges[0] in _WEAK_MODIFIERS | _GENERIC_WORDS or edges[1] in _GENERIC_WORDS):
                continue
            if any(a[:1].islower() and b[:1].isupper() for a, b in itertools.pairwise(words)):
                continue  # "executive Laura Kingsley", "visited Rotterdam": a name glued to a common word
            if size == 1 and words[0].lower() in _GENERIC_WORDS | _WEAK_MODIFIERS:
                continue
            if all(word.lower() in _GENERIC_WORDS for word in words):
                continue
            if any(len(word) < 2 for word in words):
                continue
            key = tuple(light_stem(word.lower()) for word in words)
            found.append(_Candidate(key, " ".join(words)))
    return found


def _word_scores(texts: Sequence[str], title: str) -> dict[str, float]:
    """Per stemmed word: frequency (relative to the most frequent), early first use, title use."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for position, text in enumerate(texts):
        for chunk in _chunks(text):
            for word in chunk:
                key = light_stem(word.lower())
                counts[key] += 1
                first.setdefault(key, position)
    title_words = {light_stem(word.lower()) for chunk in _chunks(title) for word in chunk}
    top = max(counts.values(), default=1)
    total = max(1, len(texts))
    scores: dict[str, float] = {}
    for key, count in counts.items():
        frequency = math.log1p(count) / math.log1p(top)
        early = 1.0 - first[key] / total
        scores[key] = frequency * (1.0 + 0.5 * early) * (1.5 if key in title_words else 1.0)
    return scores


def english_keyphrases(texts: Sequence[str], title: str = "", *, limit: int = 15) -> list[Keyphrase]:
    """The ``limit`` best keyphrases of the texts, best first (words of ``title`` weigh more)."""
    all_texts = [title, *texts] if title else list(texts)
    word_scores = _word_scores(all_texts, title)
    phrase_counts: Counter[tuple[str, ...]] = Counter()
    surfaces: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for text in texts:
        for chunk in _chunks(text):
            for candidate in _candidates(chunk):
                phrase_counts[candidate.key] += 1
                surfaces[candidate.key][candidate.surface] += 1
    scored: list[tuple[float, tuple[str, ...]]] = []
    for key, count in phrase_counts.items():
        total = sum(word_scores.get(word, 0.0) for word in key) / math.sqrt(len(key))
        scored.append((total * (math.sqrt(count) if len(key) > 1 else 1.0), key))
    scored.sort(key=lambda item: (-item[0], item[1]))
    chosen: list[tuple[float, tuple[str, ...]]] = []
    for score, key in scored:
        words = set(key)
        if any(words <= set(other) or words >= set(other) for _, other in chosen):
            continue
        chosen.append((score, key))
        if len(chosen) >= limit:
            break
    if not chosen:
        return []
    best = chosen[0][0]

    def surface(key: tuple[str, ...]) -> str:
        forms = surfaces[key]
        return min(forms, key=lambda form: (-forms[form], form))

    return [Keyphrase(surface(key), score / best) for score, key in chosen]
