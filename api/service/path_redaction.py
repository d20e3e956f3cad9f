"""Absolute server paths hidden from callers without ``admin``: a path inside a library root becomes
relative to that root; any other absolute path (data dir, temp files, system files) shrinks to its name."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

# An absolute path of two or more parts that is not part of a URL or of a longer word, nor an API link.
_ABSOLUTE = re.compile(r"(?<![\w.:/~-])(?!/v1/)(?:/[\w.@+=,-]+){2,}/?")
_PATH_KEYS = re.compile(r"(?:^|_)(?:path|dir|file)s?$")


class PathRedactor:
    """Rewrites absolute paths in strings and JSON-like data for a caller who may not see them."""

    def __init__(self, library_roots: list[Path]) -> None:
        roots = {str(root.expanduser()) for root in library_roots}
        roots |= {str(root.expanduser().resolve()) for root in library_roots}
        # longest first, so a root nested in another is matched by itself
        self._roots = sorted((r.rstrip("/") for r in roots if r not in ("", "/")), key=len, reverse=True)

    def path(self, value: str) -> str:
        """A path as the caller may see it: relative to its library root, or just its file name."""
        if not value.startswith("/"):
            return value
        for root in self._roots:
            if value.startswith(root + "/"):
                return value[len(root) + 1 :]
        return PurePosixPath(value).name

    def text(self, value: str) -> str:
        """A message with every absolute path in it shown as :meth:`path` shows it."""
        for root in self._roots:
            value = value.replace(root + "/", "")
        return _ABSOLUTE.sub(lambda match: self.path(match.group(0).rstrip("/")), value)

    def data(self, value: object, key: str = "") -> object:
        """JSON-like ``value`` with paths rewritten: values of ``*path``/``*dir``/``*file`` keys as paths,
        every other string as text."""
        if isinstance(value, dict):
            return {k: self.data(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(v, key) for v in value]
        if isinstance(value, str):
            return self.path(value) if _PATH_KEYS.search(key) else self.text(value)
        return value
