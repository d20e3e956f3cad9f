"""Short-lived signed URLs: a media link a `<video>`, `<img>` or `<track>` can load without headers.

A signed URL is ``path?<query>&exp=<unix seconds>&sig=<hex>``; ``sig`` is the HMAC-SHA256, under the server
secret, of the path, its other query parameters (sorted) and ``exp``. It is checked in constant time and
refused once ``exp`` has passed.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit

EXPIRES = "exp"
SIGNATURE = "sig"


class UrlSigner:
    """Signs and checks URLs of this server (paths with a query), valid for ``ttl_s`` seconds."""

    def __init__(self, secret: bytes, ttl_s: float) -> None:
        self._secret = secret
        self.ttl_s = ttl_s

    def _mac(self, path: str, params: Iterable[tuple[str, str]], expires: int) -> str:
        canonical = urlencode(sorted((k, v) for k, v in params if k not in (EXPIRES, SIGNATURE)))
        message = f"{path}\n{canonical}\n{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def sign(self, url: str, *, now: float | None = None) -> str:
        """``url`` (a path with an optional query) with ``exp`` and ``sig`` appended."""
        parts = urlsplit(url)
        params = [
            (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in (EXPIRES, SIGNATURE)
        ]
        expires = int((time.time() if now is None else now) + self.ttl_s)
        signed = [*params, (EXPIRES, str(expires)), (SIGNATURE, self._mac(parts.path, params, expires))]
        return f"{parts.path}?{urlencode(signed)}"

    def verify(self, path: str, params: list[tuple[str, str]], *, now: float | None = None) -> bool:
        """Whether ``params`` (the request's query) carry a valid, unexpired signature of ``path``."""
        given = dict(params)
        try:
            expires = int(given.get(EXPIRES, ""))
        except ValueError:
            return False
        signature = given.get(SIGNATURE, "")
        expected = self._mac(path, params, expires)
        fresh = expires >= (time.time() if now is None else now)
        return hmac.compare_digest(expected, signature) and fresh
