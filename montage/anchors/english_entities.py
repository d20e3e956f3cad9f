"""People, organisations and places in English text, from capitalisation and cue words (no NER model).

A *run* is a maximal sequence of capitalised words, joined by "of", "de", "van" and the like ("University
of Reading"). Each run is classified by its own words (honorifics, organisation suffixes, a gazetteer of
places, given names) and by its neighbours (a reporting verb next to a name marks a person, a preposition
before a name marks a place). A capitalised word that opens a sentence counts only when the word is known
to be a name (seen capitalised mid-sentence, or in a word list), so "Officials" or "Insurers" are not names.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from montage.anchors.gazetteer import (
    ACRONYM_ORGANISATIONS,
    GIVEN_NAMES,
    HONORIFICS,
    MONTHS_AND_DAYS,
    NON_ENTITY_ACRONYMS,
    ORGANISATION_HEADS,
    ORGANISATION_SUFFIXES,
    PLACE_PREPOSITIONS,
    PLACES,
    REPORTING_VERBS,
    ROLE_WORDS,
)
from montage.relevance.stopwords import ENGLISH_STOPWORDS

_LETTER = r"[^\W\d_]"
_TOKEN = re.compile(rf"{_LETTER}[\w'’\-]*{_LETTER}|{_LETTER}|\d[\d,.]*\d|\d|[^\s\w]")
_CONNECTORS = frozenset(
    ["of", "de", "van", "von", "der", "den", "du", "da", "del", "la", "le", "bin", "al", "&"]
)
_INNER_CONNECTORS = frozenset({"of", "for"})
_ABBREVIATIONS = frozenset(
    ["Dr", "Mr", "Mrs", "Ms", "Prof", "St", "Gen", "Sen", "Rep", "Gov", "Capt", "Col", "Sgt"]
)
_OPENERS = frozenset({'"', "“", "‘", "'", "(", "[", "-", "—", "–"})
_SINGLE_WORD_ORGANISATIONS = frozenset(
    {"Parliament", "Congress", "Senate", "Treasury", "Pentagon", "Kremlin", "Police", "Army", "Navy"}
)
_PLACE_HEADS = frozenset({"River", "Lake", "Mount", "Port", "Cape", "Gulf", "Bay", "Sea", "Isle"})
_PLACE_SUFFIX_WORDS = """
Barrier Bridge Tower Dam Hall Square Park Palace Cathedral Airport Station Stadium Street Road Estuary
River Sea Ocean Lake Island Islands Valley Mountains Mountain Bay Gulf Canal Coast Desert Forest Harbour
Harbor Port Province County State Region District
"""
_PLACE_SUFFIXES = frozenset(_PLACE_SUFFIX_WORDS.split())
_COMPASS = frozenset(
    {"North", "South", "East", "West", "Central", "Northern", "Southern", "Eastern", "Western"}
)
_POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True)
class Run:
    """A capitalised word sequence in one sentence, with the words around it."""

    words: tuple[str, ...]
    before: str
    before_the: str
    after: str
    sentence_initial: bool

    @property
    def text(self) -> str:
        """The words joined by spaces."""
        return " ".join(self.words)


@dataclass
class EnglishEntities:
    """Names found in a document, in order of first appearance, and aliases (surname -> full name)."""

    people: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, name: str) -> None:
        """Record ``name`` as a person, organisation or place unless already known under any kind."""
        if name in self.people or name in self.organisations or name in self.places:
            return
        {"person": self.people, "organisation": self.organisations, "place": self.places}[kind].append(name)
        if kind == "person" and " " in name:
            self.aliases.setdefault(name.split()[-1], name)

    @property
    def names(self) -> list[str]:
        """Every canonical name."""
        return [*self.people, *self.organisations, *self.places]


def _is_capitalised(token: str) -> bool:
    return token[:1].isupper()


def _is_word(token: str) -> bool:
    return token[:1].isalpha()


def _is_acronym(word: str) -> bool:
    return 2 <= len(word) <= 6 and word.isupper() and word.isalpha()


def _runs(tokens: Sequence[str]) -> list[tuple[int, tuple[str, ...], int]]:
    """(start, words, end) of each capitalised run in a token list."""
    runs: list[tuple[int, tuple[str, ...], int]] = []
    i = 0
    while i < len(tokens):
        if not (_is_word(tokens[i]) and _is_capitalised(tokens[i])):
            i += 1
            continue
        start, words = i, []
        while i < len(tokens):
            token = tokens[i]
            if _is_word(token) and _is_capitalised(token):
                words.append(_POSSESSIVE.sub("", token))
                i += 1
                if token in _ABBREVIATIONS and i < len(tokens) and tokens[i] == ".":
                    i += 1
                if _POSSESSIVE.search(token) and token[-2:] in ("'s", "’s"):
                    break
            elif token in _CONNECTORS and _capitalised_at(tokens, i + 1):
                words.append(token)
                i += 1
            elif (
                token in _INNER_CONNECTORS
                and tokens[i + 1 : i + 2] == ["the"]
                and _capitalised_at(tokens, i + 2)
            ):
                words.extend((token, "the"))  # "Friends of the Earth", "Department for the Economy"
                i += 2
            elif token == "for" and _capitalised_at(tokens, i + 1) and words[0] in ORGANISATION_HEADS:
                words.append(token)  # "Department for Energy Security", "Centre for Cities"
                i += 1
            else:
                break
        runs.append((start, tuple(words), i))
    return runs


def _capitalised_at(tokens: Sequence[str], i: int) -> bool:
    return i < len(tokens) and _is_word(tokens[i]) and _is_capitalised(tokens[i])


def _the_then_name(tokens: Sequence[str], i: int) -> bool:
    return tokens[i : i + 1] == ["the"] and _capitalised_at(tokens, i + 1)


def _sentence_initial(tokens: Sequence[str], start: int) -> bool:
    return all(token in _OPENERS for token in tokens[:start])


def proper_words(sentences: Sequence[str]) -> frozenset[str]:
    """Words seen capitalised somewhere other than the start of a sentence: evidence they are names."""
    seen: set[str] = set()
    for sentence in sentences:
        tokens = _TOKEN.findall(sentence)
        for i, token in enumerate(tokens):
            if _is_word(token) and _is_capitalised(token) and not _sentence_initial(tokens, i):
                if i > 0 and tokens[i - 1] in {".", "!", "?"}:
                    continue
                seen.add(_POSSESSIVE.sub("", token))
    return frozenset(seen)


def _known_name(word: str, evidence: frozenset[str]) -> bool:
    return (
        word in evidence or word in HONORIFICS or word in GIVEN_NAMES or word in PLACES or _is_acronym(word)
    )


def sentence_runs(sentence: str, evidence: frozenset[str]) -> list[Run]:
    """Capitalised runs of one sentence, trimmed of leading function words and unproven sentence openers.

    An opener stays when the run ends in an organisation or place word ("Acme Widgets Inc will...").
    """
    tokens = _TOKEN.findall(sentence)
    runs: list[Run] = []
    for start, words, end in _runs(tokens):
        initial = _sentence_initial(tokens, start)
        kept = list(words)
        while kept and (kept[0].lower() in ENGLISH_STOPWORDS or kept[0] in _CONNECTORS):
            kept.pop(0)
            initial = False if len(kept) < len(words) - 1 else initial
        named_by_suffix = len(kept) >= 2 and (
            kept[-1] in ORGANISATION_SUFFIXES or kept[-1] in _PLACE_SUFFIXES
        )
        if (
            kept
            and initial
            and kept[0] == words[0]
            and not _known_name(kept[0], evidence)
            and not named_by_suffix
        ):
            kept.pop(0)
        while kept and kept[-1] in _CONNECTORS:
            kept.pop()
        if not kept:
            continue
        before = tokens[start - 1].lower() if start > 0 else ""
        before_the = tokens[start - 2].lower() if start > 1 and before == "the" else ""
        after = tokens[end].lower() if end < len(tokens) else ""
        runs.append(Run(tuple(kept), before, before_the, after, initial))
    return runs


def _strip_titles(words: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
    """Drop a leading title ("Dr", "Prime Minister", "Mayor"); True when there was one."""
    k = 0
    while k < len(words) and words[k] in ROLE_WORDS:
        k += 1
    if k >= len(words) or words[k] not in HONORIFICS:
        k = 0
    titled = False
    while k < len(words) and words[k] in HONORIFICS:
        k += 1
        titled = True
    return words[k:], titled


def _place_name(text: str) -> str | None:
    if text in PLACES:
        return text
    if f"the {text}" in PLACES:
        return text
    return None


def _split_at_of(words: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split "Amina Okafor of the University of Reading" into the name and the affiliation."""
    if "of" not in words:
        return words, ()
    cut = words.index("of")
    rest = words[cut + 1 :]
    return words[:cut], rest[1:] if rest[:1] == ("the",) else rest


def classify_run(run: Run) -> list[tuple[str, str]]:
    """The names in a run as ("person" | "organisation" | "place", name) pairs; empty when none.

    A titled name followed by "of" is split: "Professor Jane Doe of the Acme Institute" gives a person
    and an organisation.
    """
    words = run.words
    text = run.text
    last = words[-1]
    if len(words) >= 2 and last in ORGANISATION_SUFFIXES:
        return [("organisation", text)]
    if len(words) == 1 and last in _SINGLE_WORD_ORGANISATIONS:
        return [("organisation", text)]
    if words[0] in ORGANISATION_HEADS and ("of" in words[1:] or "for" in words[1:]):
        return [("organisation", text)]
    if any(w in ORGANISATION_SUFFIXES and nxt == "of" for w, nxt in itertools.pairwise(words)) and (
        words[0] not in HONORIFICS
    ):
        return [("organisation", text)]  # "Serum Institute of India", "Bank of England"
    if len(words) == 1 and (last in ACRONYM_ORGANISATIONS or _is_acronym(last)):
        if last in {"UK", "US", "USA"}:
            return [("place", last)]
        if last in ACRONYM_ORGANISATIONS or last not in NON_ENTITY_ACRONYMS:
            return [("organisation", last)]
        return []
    name, titled = _strip_titles(words)
    if titled:
        person, affiliation = _split_at_of(name)
        found: list[tuple[str, str]] = []
        if 1 <= len(person) <= 3 and all(_is_capitalised(w) for w in person):
            found.append(("person", " ".join(person)))
        if affiliation:
            found.extend(classify_run(Run(affiliation, "of", "", run.after, False)))
        return found
    place = _place_name(text)
    if place:
        return [("place", place)]
    if len(words) >= 2 and (words[0] in _PLACE_HEADS or last in _PLACE_SUFFIXES):
        return [("place", text)]
    if len(words) >= 2 and words[0] in _COMPASS and _place_name(" ".join(words[1:])):
        return [("place", text)]
    name_like = 2 <= len(words) <= 3 and all(_is_capitalised(w) and not _is_acronym(w) for w in words)
    name_like = name_like and not any(w in ORGANISATION_SUFFIXES | PLACES | ROLE_WORDS for w in words)
    speaker = run.before in REPORTING_VERBS or run.after in REPORTING_VERBS
    if name_like and (words[0] in GIVEN_NAMES or speaker):
        return [("person", text)]
    cue = run.before in PLACE_PREPOSITIONS or run.before_the in PLACE_PREPOSITIONS
    if cue and len(words) <= 3 and words[0] not in MONTHS_AND_DAYS and words[0] not in GIVEN_NAMES:
        return [("place", text)]
    return []


def extract_english_entities(sentences: Sequence[str]) -> EnglishEntities:
    """People, organisations and places of the sentences (the title is best left out: it is title-cased)."""
    evidence = proper_words(sentences)
    entities = EnglishEntities()
    for sentence in sentences:
        for run in sentence_runs(sentence, evidence):
            for kind, name in classify_run(run):
                if name not in entities.aliases:
                    entities.add(kind, name)
    return entities


def mentioned_entities(text: str, entities: EnglishEntities) -> list[str]:
    """Canonical names mentioned in ``text`` (full name or surname alias), in order of appearance.

    Overlapping matches keep the longer name ("Greater London Authority", not "London").
    """
    spans: list[tuple[int, int, str]] = []
    candidates = [(name, name) for name in entities.names] + list(entities.aliases.items())
    for surface, canonical in candidates:
        for match in re.finditer(rf"(?<![\w-]){re.escape(surface)}(?![\w-])", text):
            spans.append((match.start(), match.end(), canonical))
    taken: list[tuple[int, int, str]] = []
    for start, end, canonical in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= other_start or start >= other_end for other_start, other_end, _ in taken):
            taken.append((start, end, canonical))
    ordered: list[str] = []
    for _, _, canonical in sorted(taken):
        if canonical not in ordered:
            ordered.append(canonical)
    return ordered
