"""Anchors of a narration script: topic, keyphrases, names and numbers for the article and per sentence.

Names and keyphrases are found over the whole article (more context, better statistics); each script
sentence then gets the ones it mentions, plus its numbers and a salience in [0, 1]. English uses the
heuristic extractor in :mod:`montage.anchors.english_entities`, Chinese uses jieba (posseg, TextRank, TF-IDF).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from montage.anchors.chinese_entities import (
    contains_on_boundaries,
    extract_chinese_entities,
    mentioned_chinese_entities,
)
from montage.anchors.chinese_keyphrases import chinese_keyphrases
from montage.anchors.english_entities import extract_english_entities, mentioned_entities
from montage.anchors.english_keyphrases import english_keyphrases
from montage.anchors.model import Anchors, Keyphrase, NumberMention, SentenceAnchors
from montage.anchors.numbers import FoundNumber, chinese_numbers, english_numbers
from montage.article.model import Article
from montage.narration.script import NarrationScript, ScriptSentence
from montage.relevance.stemming import light_stem
from montage.text.languages import is_chinese

DOCUMENT_KEYPHRASES = 15
"""Keyphrases kept for the whole document."""
SENTENCE_KEYPHRASES = 5
"""Keyphrases kept per sentence at most."""
_CANDIDATE_KEYPHRASES = 60
_WORD = re.compile(r"[A-Za-z0-9]+")
_CHECK_EVERY = 50
"""Script lines or paragraphs handled between two calls of the checkpoint."""


@dataclass(frozen=True)
class _LanguageTools:
    """The per-language extractors, behind one shape."""

    keyphrases: Callable[[Sequence[str], str], list[Keyphrase]]
    names: Callable[[Sequence[str]], tuple[list[str], list[str], list[str], Callable[[str], list[str]]]]
    numbers: Callable[[str], list[FoundNumber]]
    contains: Callable[[str, str], bool]
    gist_separator: str


def _english_names(
    sentences: Sequence[str],
) -> tuple[list[str], list[str], list[str], Callable[[str], list[str]]]:
    entities = extract_english_entities(sentences)
    return entities.people, entities.organisations, entities.places, lambda t: mentioned_entities(t, entities)


def _chinese_names(
    sentences: Sequence[str],
) -> tuple[list[str], list[str], list[str], Callable[[str], list[str]]]:
    entities = extract_chinese_entities(sentences)
    return (
        entities.people,
        entities.organisations,
        entities.places,
        lambda t: mentioned_chinese_entities(t, entities),
    )


@lru_cache(maxsize=1024)
def _stems(text: str) -> tuple[str, ...]:
    return tuple(light_stem(word) for word in _WORD.findall(text.lower()))


def english_contains(text: str, phrase: str) -> bool:
    """True when the phrase's words occur in ``text`` in order, adjacent (after light stemming)."""
    words, needle = _stems(text), _stems(phrase)
    if not needle:
        return False
    return any(words[i : i + len(needle)] == needle for i in range(len(words) - len(needle) + 1))


def _tools(language: str) -> _LanguageTools:
    if is_chinese(language):
        return _LanguageTools(
            keyphrases=lambda texts, title: chinese_keyphrases(texts, title, limit=_CANDIDATE_KEYPHRASES),
            names=_chinese_names,
            numbers=chinese_numbers,
            contains=contains_on_boundaries,
            gist_separator="、",
        )
    return _LanguageTools(
        keyphrases=lambda texts, title: english_keyphrases(texts, title, limit=_CANDIDATE_KEYPHRASES),
        names=_english_names,
        numbers=english_numbers,
        contains=english_contains,
        gist_separator=", ",
    )


def _first_words(text: str, language: str) -> str:
    if is_chinese(language):
        return text[:20]
    return " ".join(text.split()[:10])


def sentence_salience(line: ScriptSentence, entities: int, numbers: int, keyphrases: int) -> float:
    """``0.6·script salience + 0.25·anchor density + 0.15·position``, in [0, 1].

    Density counts names and numbers fully and keyphrases half, saturating at 4; position favours early
    article sentences (the title line counts as first).
    """
    density = min(1.0, (entities + numbers + 0.5 * keyphrases) / 4.0)
    rank = line.article_sentence_index if line.article_sentence_index is not None else 0
    position = 1.0 / (1.0 + rank / 5.0)
    return max(0.0, min(1.0, 0.6 * line.salience + 0.25 * density + 0.15 * position))


def extract_anchors(
    script: NarrationScript, article: Article, *, checkpoint: Callable[[], None] | None = None
) -> Anchors:
    """Find the topic, keyphrases, people, organisations, places and numbers of a narration.

    Document-level lists come from the whole article; ``sentences`` has one entry per script line (title
    line included) with the anchors that line mentions; ``numbers`` are those of the script lines.
    Deterministic. ``checkpoint`` is called between steps and every few dozen paragraphs; it stops the
    run by raising (a cancelled job).
    """
    step = checkpoint or (lambda: None)
    language = article.language or script.language
    tools = _tools(language)
    body = [sentence.text for sentence in article.sentences]
    title = (article.title or "").strip()
    candidates = tools.keyphrases(body, title)
    step()
    people, organisations, places, mentions = tools.names(body)
    step()

    sentences: list[SentenceAnchors] = []
    numbers: list[NumberMention] = []
    for position, line in enumerate(script.sentences):
        if position % _CHECK_EVERY == 0:
            step()
        phrases = [k.text for k in candidates if tools.contains(line.text, k.text)][:SENTENCE_KEYPHRASES]
        if not phrases:
            phrases = [k.text for k in tools.keyphrases([line.text], "")[:2]]
        found = [NumberMention(n.text, n.value, n.unit, line.index) for n in tools.numbers(line.text)]
        names = mentions(line.text)
        numbers.extend(found)
        salience = sentence_salience(line, len(names), len(found), len(phrases))
        sentences.append(SentenceAnchors(line.index, phrases, names, found, salience))

    in_title = [k for k in candidates if title and tools.contains(title, k.text)]
    if in_title or candidates:
        topic = (in_title or candidates)[0].text
    else:
        topic = title or (_first_words(body[0], language) if body else "")

    gists: list[str] = []
    for position, paragraph in enumerate(article.paragraphs):
        if position % _CHECK_EVERY == 0:
            step()
        text = " ".join(sentence.text for sentence in paragraph.sentences) or paragraph.text
        top = [k.text for k in candidates if tools.contains(text, k.text)][:3]
        gists.append(tools.gist_separator.join(top) if top else _first_words(text, language))

    return Anchors(
        topic=topic,
        keyphrases=candidates[:DOCUMENT_KEYPHRASES],
        people=people,
        organisations=organisations,
        places=places,
        numbers=numbers,
        paragraph_gists=gists,
        sentences=sentences,
    )
