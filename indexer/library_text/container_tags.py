"""Descriptive fields from a container's metadata tags (what ``ffprobe`` reports as format tags)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from indexer.library_text.fields import SPACES, TextFields, language_value, parse_tags

_ENCODER_BANNER = re.compile(r"^(lavf|lavc|handbrake|x26[45]|encoded|created|made) ?", re.IGNORECASE)


def fields_from_container_tags(tags: Mapping[str, str], file_name: str = "") -> TextFields:
    """Read descriptive fields from container metadata tags (keys compared case-insensitively).

    ``title``; ``description`` > ``synopsis`` > ``comment`` (encoder banners ignored); ``keywords``;
    ``artist``/``author`` → attribution; ``license``/``licence``; ``language``. A title equal to the
    file name is ignored.
    """
    lower = {str(k).lower(): str(v) for k, v in tags.items() if v is not None}

    def first(*keys: str) -> str | None:
        for key in keys:
            value = SPACES.sub(" ", lower.get(key, "")).strip()
            if value and not _ENCODER_BANNER.match(value):
                return value
        return None

    title = first("title")
    if title and file_name and title.lower() in (file_name.lower(), Path(file_name).stem.lower()):
        title = None
    language: str | None
    try:
        language = language_value(lower.get("language"))
    except ValueError:
        language = None
    if language in ("und", "unk"):
        language = None
    return TextFields(
        title=title,
        description=first("description", "synopsis", "comment"),
        tags=parse_tags(lower.get("keywords", "")),
        language=language,
        license=first("license", "licence"),
        attribution=first("artist", "author", "album_artist"),
    )
