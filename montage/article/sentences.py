"""Sentence splitting for English and Chinese (and, by the same rules, other space-separated languages).

English: ``. ! ? …`` end a sentence when followed by a space and a capital, digit or opening quote, with
closing quotes and brackets kept with the sentence. Title abbreviations (Mr., Dr., e.g., Jan.) never end a
sentence; abbreviations that can (U.S., etc., Inc., a single initial) end one only before a common
sentence opener ("The", "He", "But"…). Decimals (3.5) never split, having no space after the point.

Chinese: ``。！？`` always end a sentence, ``；`` and ``……`` too (after Chinese text); closing ``」』”’）》``
stay with the sentence; half-width ``!?`` between Chinese characters count as well.

Sentences longer than ``max_chars`` are cut at commas, semicolons and colons (the cut nearest to even
pieces), then at spaces, then anywhere.
"""

from __future__ import annotations

import math
import re

from montage.text.scripts import is_unspaced

_CLOSERS = "\"'”’)]」』）》〉】"
_OPENERS = "\"'“‘([「『（《〈【"
_TERMINATOR = re.compile(rf"(\.{{2,}}|…+|[.!?。！？；;]+)([{re.escape(_CLOSERS)}]*)")
_FULLWIDTH_ENDS = frozenset("。！？")

# Never the end of a sentence: they are always followed by what they qualify.
_ALWAYS_ABBREVIATIONS_WORDS = (
    "mr mrs ms mx dr prof st mt ft gen gov sen rep lt col sgt capt cmdr adm rev hon pres supt insp vs "
    "v e.g i.e cf approx dept univ ave blvd"
)
_ALWAYS_ABBREVIATIONS = frozenset(_ALWAYS_ABBREVIATIONS_WORDS.split())
# Abbreviations before a number ("No. 5", "Jan. 6"); elsewhere they end a sentence only before an opener.
_NUMBER_ABBREVIATIONS_WORDS = "no nos vol vols pp fig figs jan feb mar apr jun jul aug sep sept oct nov dec"
_NUMBER_ABBREVIATIONS = frozenset(_NUMBER_ABBREVIATIONS_WORDS.split())
# Can end a sentence: they do only when the next word usually opens one.
_MAYBE_ABBREVIATIONS = frozenset({"etc", "inc", "ltd", "co", "corp", "jr", "sr", "bros", "llc", "plc", "est"})
_DOTTED_ACRONYM = re.compile(r"(?:[a-z]\.)+[a-z]")
_SENTENCE_OPENERS_WORDS = (
    "the a an it its he she they we i you this that these those there their his her our my your but "
    "and or so yet in on at for as if when while after before since although though however meanwhile "
    "still then now today yesterday tomorrow last next one some many most what why how who where "
    "officials police according"
)
_SENTENCE_OPENERS = frozenset(_SENTENCE_OPENERS_WORDS.split())
_TOKEN_BEFORE = re.compile(r"(\S+)$")
_CLAUSE_END = re.compile(rf"(?:[,;:](?=\s)|[，；、：])[{re.escape(_CLOSERS)}]*")
_SPACE = re.compile(r"\s+")
_CONTEXT_CHARS = 64


def _next_word(text: str) -> str:
    match = re.match(r"\s*[\"'“‘(\[]*([A-Za-z]+)", text)
    return match.group(1).lower() if match else ""


def _opens_sentence(rest: str) -> bool:
    """True when ``rest`` is whitespace then something that can start a sentence."""
    stripped = rest.lstrip()
    if not stripped or len(stripped) == len(rest):
        return False
    first = stripped[0]
    uncased_letter = first.isalpha() and not first.islower()  # Han, Hangul, Arabic… have no case
    return uncased_letter or first.isdigit() or first in _OPENERS or is_unspaced(first)


def _period_ends_sentence(before: str, rest: str) -> bool:
    """Decide whether a single period, after ``before`` and followed by ``rest``, ends a sentence."""
    match = _TOKEN_BEFORE.search(before)
    token = match.group(1).lstrip(_OPENERS) if match else ""
    word = token.lower()
    if word in _ALWAYS_ABBREVIATIONS:
        return False
    if word in _NUMBER_ABBREVIATIONS and rest.lstrip()[:1].isdigit():
        return False
    lead = before[: len(before) - len(token)].rstrip()
    if word.isdigit() and len(word) <= 2 and (not lead or lead.endswith((":", ".", "!", "?", ";"))):
        return False  # "Steps: 1. Open the lid" is a list marker
    if (
        word in _MAYBE_ABBREVIATIONS
        or word in _NUMBER_ABBREVIATIONS
        or _DOTTED_ACRONYM.fullmatch(word)
        or re.fullmatch(r"[A-Z]", token)
    ):
        return _next_word(rest) in _SENTENCE_OPENERS
    return True


def _is_boundary(text: str, match: re.Match[str], language: str) -> bool:
    terminator = match.group(1)
    # Bounded context on both sides keeps splitting linear in the length of the paragraph.
    before = text[max(0, match.start() - _CONTEXT_CHARS) : match.start()]
    rest = text[match.end() : match.end() + _CONTEXT_CHARS]
    previous = before[-1:] if before else ""
    following = rest.lstrip()[:1]
    if any(char in _FULLWIDTH_ENDS for char in terminator):
        return True
    if set(terminator) <= {";", "；"}:
        return language == "zh" and (terminator.startswith("；") or is_unspaced(previous))
    if "…" in terminator or terminator.startswith(".."):
        if previous and is_unspaced(previous):
            return True
        return _opens_sentence(rest)
    if previous and is_unspaced(previous) and terminator[-1] in "!?" and following:
        return True
    if not _opens_sentence(rest):
        return False
    if terminator == ".":
        return _period_ends_sentence(before, rest)
    return True


def _split_at_terminators(text: str, language: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    content_end = len(text.rstrip())
    for match in _TERMINATOR.finditer(text):
        if match.end() >= content_end:
            break
        if _is_boundary(text, match, language):
            pieces.append(text[start : match.end()].strip())
            start = match.end()
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]


def _best_cut(cuts: list[int], length: int, max_chars: int) -> int | None:
    """The cut within ``max_chars`` nearest to an even split of ``length`` into pieces of ``max_chars``."""
    allowed = [cut for cut in cuts if 0 < cut <= max_chars and cut < length]
    if not allowed:
        return None
    target = length / math.ceil(length / max_chars)
    return min(allowed, key=lambda cut: abs(cut - target))


def split_long_sentence(sentence: str, max_chars: int) -> list[str]:
    """Cut a sentence longer than ``max_chars`` at clause punctuation, then spaces, then anywhere."""
    pieces: list[str] = []
    rest = sentence.strip()
    while len(rest) > max_chars:
        window = rest[: max_chars + 1]  # a cut is never further than max_chars
        cut = _best_cut([m.end() for m in _CLAUSE_END.finditer(window)], len(rest), max_chars)
        if cut is None:
            cut = _best_cut([m.start() for m in _SPACE.finditer(window)], len(rest), max_chars)
        if cut is None:
            cut = max_chars
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return [piece for piece in pieces if piece]


def split_sentences(text: str, language: str, *, max_chars: int = 300) -> list[str]:
    """Split one paragraph of clean text into sentences, none longer than ``max_chars`` characters."""
    sentences: list[str] = []
    for sentence in _split_at_terminators(text, language):
        if len(sentence) > max_chars:
            sentences.extend(split_long_sentence(sentence, max_chars))
        else:
            sentences.append(sentence)
    return sentences
