"""Which languages are measured in characters rather than words."""

from __future__ import annotations

_CHARACTER_LANGUAGES = frozenset({"zh", "ja"})


def base_language(language: str) -> str:
    """The primary subtag, lowercased: ``"zh-Hans-CN"`` -> ``"zh"``."""
    return language.strip().lower().replace("_", "-").split("-")[0]


def counts_characters(language: str) -> bool:
    """True for languages written without spaces (Chinese, Japanese): length and rate go by characters."""
    return base_language(language) in _CHARACTER_LANGUAGES


def is_chinese(language: str) -> bool:
    """True for any Chinese language tag (zh, zh-CN, zh-Hant...)."""
    return base_language(language) == "zh"
