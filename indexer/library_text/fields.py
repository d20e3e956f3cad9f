"""Descriptive fields one source gives about a video, and reading them from a manifest row or JSON object.

Manifests, JSON sidecars and container tags all say the same kinds of things (title, description, tags,
language, licence, attribution, source); :class:`TextFields` holds them and the helpers here normalise
keys (``Licence`` → ``license``) and values (tags, language codes, whitespace).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields


@dataclass(frozen=True, kw_only=True)
class TextFields:
    """Descriptive fields one source gives about a video; None/empty means "not given"."""

    title: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    language: str | None = None
    license: str | None = None
    attribution: str | None = None
    source: str | None = None

    def to_json(self) -> dict[str, object]:
        """The given (non-empty) fields of :class:`TextFields` as a JSON-ready dict (tags as a list)."""
        data: dict[str, object] = {}
        for item in fields(TextFields):
            value = getattr(self, item.name)
            if value:
                data[item.name] = list(value) if isinstance(value, tuple) else value
        return data

    @staticmethod
    def from_json(data: Mapping[str, object]) -> TextFields:
        """Read back what :meth:`to_json` wrote (unknown keys and unusable values are ignored)."""
        return fields_from_mapping(data)[0]

    def over(self, earlier: TextFields) -> TextFields:
        """Return these fields with each one not given here taken from ``earlier``."""
        values = {
            item.name: getattr(self, item.name) or getattr(earlier, item.name) for item in fields(TextFields)
        }
        return TextFields(**values)


_KEY_ALIASES: dict[str, str] = {
    "path": "path",
    "file": "path",
    "filename": "path",
    "file_name": "path",
    "filepath": "path",
    "file_path": "path",
    "video": "path",
    "clip": "path",
    "title": "title",
    "name": "title",
    "description": "description",
    "desc": "description",
    "caption": "description",
    "summary": "description",
    "tags": "tags",
    "tag": "tags",
    "keywords": "tags",
    "language": "language",
    "lang": "language",
    "license": "license",
    "licence": "license",
    "attribution": "attribution",
    "credit": "attribution",
    "credits": "attribution",
    "author": "attribution",
    "creator": "attribution",
    "source": "source",
    "source_url": "source",
    "url": "source",
    "link": "source",
}
SPACES = re.compile(r"\s+")
"""Runs of whitespace (collapsed to one space in every text field)."""
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")


def canonical_key(key: str) -> str | None:
    """Return the field a manifest column / JSON key means (``Licence`` → ``license``), or None."""
    normalised = re.sub(r"[\s\-]+", "_", key.strip().lstrip("\ufeff").lower())
    return _KEY_ALIASES.get(normalised)


def parse_tags(value: object) -> tuple[str, ...]:
    """Split tags given as a JSON list, a JSON-list string, or text separated by ``;`` (else ``,``).

    Tags are trimmed, inner whitespace collapsed, a leading ``#`` dropped, empties and case-insensitive
    repeats removed; order is kept.
    """
    items: list[object]
    if isinstance(value, list | tuple):
        items = list(value)
    elif isinstance(value, str):
        text = value.strip()
        items = []
        if text.startswith("["):
            try:
                decoded = json.loads(text)
            except json.JSONDecodeError:
                decoded = None
            if isinstance(decoded, list):
                items = decoded
            else:
                text = text.strip("[]")
        if not items:
            items = list(text.split(";" if ";" in text else ","))
    else:
        return ()
    tags: list[str] = []
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, str | int | float):
            continue
        tag = SPACES.sub(" ", str(item)).strip().lstrip("#").strip().strip("'\"")
        if tag and tag.lower() not in seen:
            seen.add(tag.lower())
            tags.append(tag)
    return tuple(tags)


def text_value(value: object) -> str | None:
    """Return a field value as trimmed one-line text (numbers as text), None when empty or a boolean.

    Raises:
        ValueError: the value is neither text nor a number (a list or an object).
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("must be text")
    cleaned = SPACES.sub(" ", value).strip()
    return cleaned or None


def language_value(value: object) -> str | None:
    """Return a language code lower-cased with ``-`` (``pt_BR`` → ``pt-br``), None when empty.

    Raises:
        ValueError: the value is not a code like ``en`` or ``pt-br``.
    """
    text = text_value(value)
    if text is None:
        return None
    tag = text.lower().replace("_", "-")
    if not _LANGUAGE_TAG.match(tag):
        raise ValueError(f"{text!r} is not a language code like 'en' or 'pt-br'")
    return tag


def fields_from_mapping(raw: Mapping[str, object]) -> tuple[TextFields, str | None, list[str]]:
    """Read descriptive fields from a manifest row or JSON object (keys matched via :func:`canonical_key`).

    Returns the fields, the raw ``path`` value (if any) and a list of problems with individual fields
    (such fields are ignored; the rest is kept). Unknown keys are ignored.
    """
    values: dict[str, object] = {}
    path_value: str | None = None
    problems: list[str] = []
    for key, value in raw.items():
        canonical = canonical_key(str(key)) if key is not None else None
        if canonical is None or canonical in values:
            continue
        if canonical == "path":
            path_value = value.strip() if isinstance(value, str) else None
            if path_value is None and value is not None:
                problems.append("path must be text")
            values["path"] = value
            continue
        try:
            if canonical == "tags":
                values["tags"] = parse_tags(value)
            elif canonical == "language":
                values["language"] = language_value(value)
            else:
                values[canonical] = text_value(value)
        except ValueError as exc:
            problems.append(f"{canonical} ignored: {exc}")
    values.pop("path", None)
    return TextFields(**values), path_value, problems  # type: ignore[arg-type]
