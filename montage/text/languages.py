"""Language tags reduced to their primary language: the one normaliser in montage.

Tags come from many places (article options, voice model names, subtitle file names, container stream
tags, manifests) and in many spellings: ``en-US``, ``pt_BR``, ``zh-Hant-TW``, ISO 639-2
``eng``/``fre``/``ger`` or Mandarin's ``cmn``. :func:`primary_language` turns all of them into the ISO 639-1
code where one exists.
"""

from __future__ import annotations

_TO_ISO639_1: dict[str, str] = {
    "eng": "en",
    "fre": "fr",
    "fra": "fr",
    "ger": "de",
    "deu": "de",
    "spa": "es",
    "ita": "it",
    "por": "pt",
    "dut": "nl",
    "nld": "nl",
    "rus": "ru",
    "chi": "zh",
    "zho": "zh",
    "cmn": "zh",
    "jpn": "ja",
    "kor": "ko",
    "ara": "ar",
    "hin": "hi",
    "pol": "pl",
    "tur": "tr",
    "swe": "sv",
    "nor": "no",
    "dan": "da",
    "fin": "fi",
    "gre": "el",
    "ell": "el",
    "heb": "he",
    "ukr": "uk",
    "cze": "cs",
    "ces": "cs",
    "hun": "hu",
    "vie": "vi",
    "tha": "th",
}
"""ISO 639-2 (bibliographic and terminological) and Mandarin (``cmn``) codes with an ISO 639-1 code."""

_CHARACTER_LANGUAGES = frozenset({"zh", "ja"})


def primary_language(tag: str) -> str:
    """The primary language of a BCP-47-like tag, lowercased, as ISO 639-1 where known.

    ``en-US`` → ``en``, ``zh_Hant_TW`` → ``zh``, ``cmn`` → ``zh``, ``fre`` → ``fr``; an unknown code is
    returned lowercased (``yue`` → ``yue``), an empty tag as ``""``.
    """
    primary = tag.strip().lower().replace("_", "-").split("-", 1)[0]
    return _TO_ISO639_1.get(primary, primary)


def same_language(tag: str, other: str) -> bool:
    """True when two tags name the same primary language (``eng`` = ``en-US``, ``zh-CN`` = ``cmn``)."""
    return primary_language(tag) == primary_language(other)


def counts_characters(language: str) -> bool:
    """True for languages written without spaces (Chinese, Japanese): length and rate go by characters."""
    return primary_language(language) in _CHARACTER_LANGUAGES


def is_chinese(language: str) -> bool:
    """True for any Chinese language tag (zh, zh-CN, zh-Hant, cmn...)."""
    return primary_language(language) == "zh"
