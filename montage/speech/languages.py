"""Language codes as the speech stage uses them: the primary subtag, with Mandarin folded into ``zh``."""

from __future__ import annotations

_ALIASES = {"cmn": "zh", "zho": "zh", "chi": "zh", "eng": "en"}


def normalise_language(code: str) -> str:
    """Return the primary language of a BCP-47-like code: ``en-US`` → ``en``, ``cmn``/``zh-CN`` → ``zh``."""
    primary = code.strip().lower().replace("_", "-").split("-", 1)[0]
    return _ALIASES.get(primary, primary)


def is_han(char: str) -> bool:
    """Whether ``char`` is a CJK ideograph (read as one syllable in Chinese)."""
    point = ord(char)
    return (
        0x4E00 <= point <= 0x9FFF
        or 0x3400 <= point <= 0x4DBF
        or 0x20000 <= point <= 0x2A6DF
        or 0xF900 <= point <= 0xFAFF
    )
