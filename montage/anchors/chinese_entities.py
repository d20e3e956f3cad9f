"""People, organisations and places in Chinese text from jieba.posseg tags, checked against context cues.

jieba tags persons ``nr``, places ``ns`` and organisations ``nt``, but its dictionary also tags common
words as names (洪水 "flood" is ``nr``). A person is therefore kept only next to a title or a reporting
verb (专家李明, 王晓红表示) or when the word itself carries a title (刘女士). Organisation names split by
jieba are rejoined when they end in an organisation word (国家 + 气象局 -> 国家气象局).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from montage.anchors.jieba_words import tagged_words

_PERSON_TITLE_WORDS = """
教授 专家 市长 副市长 省长 副省长 主任 副主任 局长 副局长 部长 书记 总理 主席 院长 校长 记者 女士 先生
博士 医生 总统 董事长 总经理 发言人 研究员 工程师 队长 村民 居民 负责人
"""
_REPORTING_WORDS = "说 表示 指出 认为 介绍 称 强调 提醒 建议 透露 告诉 坦言 解释 回忆 警告 呼吁"
_ORGANISATION_ENDING_WORDS = """
委员会 管理局 气象局 统计局 集团 公司 大学 学院 科学院 银行 研究院 研究所 协会 医院 法院 政府 中心 办公室
管理厅 部 厅 局 署 委
"""
_NOT_PLACE_WORDS = "城市 地区 国家 全国 全球 世界 各地 当地 沿江 中外 海内外 国内 国外 台风"
_PERSON_TITLES = tuple(_PERSON_TITLE_WORDS.split())
_PERSON_CUES = frozenset(_PERSON_TITLES) | frozenset(_REPORTING_WORDS.split())
_ORGANISATION_ENDINGS = tuple(_ORGANISATION_ENDING_WORDS.split())
_NOT_PLACES = frozenset(_NOT_PLACE_WORDS.split())
_JOINABLE = frozenset({"n", "ns", "nz", "nt", "j", "nr"})


@dataclass
class ChineseEntities:
    """Names found in a document, in order of first appearance."""

    people: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)

    def add(self, kind: str, name: str) -> None:
        """Record a person, organisation or place unless already known under any kind."""
        if name in self.people or name in self.organisations or name in self.places:
            return
        {"person": self.people, "organisation": self.organisations, "place": self.places}[kind].append(name)

    @property
    def names(self) -> list[str]:
        """Every name."""
        return [*self.people, *self.organisations, *self.places]


def _has_person_cue(words: Sequence[tuple[str, str]], i: int) -> bool:
    neighbours = [words[j][0] for j in (i - 1, i + 1) if 0 <= j < len(words)]
    return any(word in _PERSON_CUES or word.endswith(_PERSON_TITLES) for word in neighbours)


def _organisation_at(words: Sequence[tuple[str, str]], i: int) -> str | None:
    """An organisation name ending at word ``i`` (joined with up to two preceding name/noun words)."""
    word, flag = words[i]
    if flag == "nt" and len(word) >= 2:
        return word
    if flag not in {"n", "nt", "nz"} or len(word) < 2 or not word.endswith(_ORGANISATION_ENDINGS):
        return None
    if not any(word.endswith(e) for e in _ORGANISATION_ENDINGS if len(e) >= 2) and len(word) < 3:
        return None
    parts = [word]
    j = i - 1
    while j >= 0 and len(parts) < 3 and words[j][1] in _JOINABLE and len(words[j][0]) >= 2:
        parts.insert(0, words[j][0])
        j -= 1
    return "".join(parts) if len(parts) > 1 else None


def extract_chinese_entities(sentences: Sequence[str]) -> ChineseEntities:
    """People, organisations and places of Chinese sentences."""
    entities = ChineseEntities()
    for sentence in sentences:
        words = tagged_words(sentence)
        for i, (word, flag) in enumerate(words):
            organisation = _organisation_at(words, i)
            if organisation:
                entities.add("organisation", organisation)
            elif flag in {"nr", "nrfg"} and 2 <= len(word) <= 4:
                if word.endswith(("女士", "先生")) or _has_person_cue(words, i):
                    entities.add("person", word)
            elif flag == "ns" and len(word) >= 2 and word not in _NOT_PLACES:
                entities.add("place", word)
    return entities


@lru_cache(maxsize=2048)
def word_boundaries(text: str) -> frozenset[int]:
    """Character offsets where jieba (posseg) words start or end."""
    boundaries = {0}
    position = 0
    for word, _flag in tagged_words(text):
        position += len(word)
        boundaries.add(position)
    return frozenset(boundaries)


def contains_on_boundaries(text: str, phrase: str) -> bool:
    """True when ``phrase`` occurs in ``text`` starting and ending on jieba word boundaries."""
    if not phrase:
        return False
    boundaries = word_boundaries(text)
    start = text.find(phrase)
    while start >= 0:
        if start in boundaries and start + len(phrase) in boundaries:
            return True
        start = text.find(phrase, start + 1)
    return False


def mentioned_chinese_entities(text: str, entities: ChineseEntities) -> list[str]:
    """Names found in ``text`` on jieba word boundaries, in order of appearance.

    Word boundaries keep 武汉市 out of 武汉市民 (武汉 + 市民); a name inside a longer one is skipped.
    """
    boundaries = word_boundaries(text)
    spans: list[tuple[int, int, str]] = []
    for name in entities.names:
        start = text.find(name)
        while start >= 0:
            if start in boundaries and start + len(name) in boundaries:
                spans.append((start, start + len(name), name))
            start = text.find(name, start + 1)
    taken: list[tuple[int, int, str]] = []
    for start, end, name in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= other_start or start >= other_end for other_start, other_end, _ in taken):
            taken.append((start, end, name))
    ordered: list[str] = []
    for _, _, name in sorted(taken):
        if name not in ordered:
            ordered.append(name)
    return ordered
