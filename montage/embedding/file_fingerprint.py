"""A short content fingerprint of a model file, so vectors can name the exact weights that made them."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

FINGERPRINT_HEX_DIGITS = 16


@lru_cache(maxsize=32)
def _sha256_of(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def file_fingerprint(path: Path) -> str:
    """The first 16 hex digits of the file's SHA-256, computed once per process per file version."""
    stat = path.stat()
    return _sha256_of(str(path.resolve()), stat.st_size, stat.st_mtime_ns)[:FINGERPRINT_HEX_DIGITS]
