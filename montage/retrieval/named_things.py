"""Things a sentence names — quoted words and phrases, people, organisations, places — with where they start.

The named things of a sentence are matched against shot labels (tags, title) by the text embedding, so the
clip of the thing a sentence names goes to that sentence, and several named things are shown in the order
they are named.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_QUOTED = re.compile(
    r'"([^"\n]{1,40})"|“([^”\n]{1,40})”|「([^」\n]{1,40})」|『([^』\n]{1,40})』|‘([^’\n]{1,40})’'
    r"|«\s?([^»\n]{1,40}?)\s?»|„([^“”\n]{1,40})[“”]|‹([^›\n]{1,40})›"
    # straight single quotes only between non-letters, so apostrophes (don't, Tom's) open nothing
    r"|(?<![\w'])'([^'\n]{1,40})'(?![\w'])"
)
_MAX_WORDS = 4


@dataclass(frozen=True)
class NamedThing:
    """A named thing and the character offset where it first appears in the sentence."""

    text: str
    position: int


def named_things(sentence: str, entities: Sequence[str] = ()) -> list[NamedThing]:
    """Quoted words or short phrases (at most four words) and the given entities, in reading order.

    An entity that does not appear verbatim in the sentence is placed after everything that does.
    Duplicates (case-insensitive) are kept once, at their first position.
    """
    found: dict[str, NamedThing] = {}
    for match in _QUOTED.finditer(sentence):
        text = next(group for group in match.groups() if group is not None).strip(" ,.;:!?，。；：！？")
        if text and len(text.split()) <= _MAX_WORDS:
            found.setdefault(text.casefold(), NamedThing(text, match.start()))
    for entity in entities:
        text = entity.strip()
        if not text:
            continue
        position = sentence.find(text)
        found.setdefault(text.casefold(), NamedThing(text, position if position >= 0 else len(sentence)))
    return sorted(found.values(), key=lambda thing: (thing.position, thing.text))
