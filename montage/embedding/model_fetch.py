"""Bring a model file onto this machine: from an http(s) URL or a local path, into a hidden temporary file.

The temporary file is created in the folder the model will finally live in (so the installer can rename it
into place atomically) under a name montage never looks up (``.montage-partial-*``); it is deleted when
anything fails. The SHA-256 is computed while the bytes arrive.

Address policy (docs/models.md): unlike article downloads, model downloads may go to private and loopback
addresses, because only the operator runs ``montage models install`` (no service route does) and a LAN
mirror is the normal way to feed machines without internet. Only ``http`` and ``https`` are accepted, also
on redirects; every socket read has a timeout; the body may not exceed a size limit; a body shorter than
its ``Content-Length`` is an error.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from montage.errors import MontageError

PARTIAL_PREFIX = ".montage-partial-"
"""Every temporary file or folder of an install starts with this; montage never loads such a name."""
DEFAULT_MAX_BYTES = 16 * 1024**3
"""The default size limit: above the largest open_clip checkpoints (ViT-bigG-14, about 10 GB)."""
DEFAULT_TIMEOUT_SECONDS = 60.0
_CHUNK = 1 << 20
_SCHEMES = ("http", "https")


class ModelInstallError(MontageError):
    """A model could not be fetched, verified or put in place; nothing was installed."""

    code = "model_install_failed"


@dataclass(frozen=True)
class FetchedFile:
    """A complete copy of the source in a temporary file, with its size and SHA-256."""

    path: Path
    sha256: str
    size: int


def redact(url: str) -> str:
    """``url`` without user name and password, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def is_url(source: str) -> bool:
    """Whether ``source`` is written as a URL (``scheme://…``) rather than a file path."""
    return "://" in source


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http(s) URLs (urllib would also follow ``ftp://``)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: object,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urllib.parse.urlsplit(newurl).scheme.lower() not in _SCHEMES:
            fp.close()
            raise ModelInstallError(f"refusing a redirect to {redact(newurl)}: only http(s) is allowed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)  # type: ignore[arg-type]


def _partial_file(folder: Path, final_name: str) -> tuple[int, Path]:
    """A new hidden file in ``folder`` ending like ``final_name`` (loaders pick the format by the suffix)."""
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=folder, prefix=PARTIAL_PREFIX, suffix="-" + final_name)
    return descriptor, Path(name)


def _copy_stream(stream: IO[bytes], target: IO[bytes], *, max_bytes: int, what: str) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise ModelInstallError(
                f"{what} is larger than the limit of {max_bytes} bytes; pass a larger --max-bytes if the "
                "model really is that big"
            )
        digest.update(chunk)
        target.write(chunk)
    return digest.hexdigest(), size


def _download(
    url: str, target: IO[bytes], folder: Path, *, max_bytes: int, timeout: float
) -> tuple[str, int]:
    shown = redact(url)
    opener = urllib.request.build_opener(_HttpOnlyRedirects)
    headers = {"User-Agent": "montage-models", "Accept-Encoding": "identity"}
    parts = urllib.parse.urlsplit(url)
    if parts.username is not None:  # urllib cannot connect to user:password@host: send Basic auth instead
        credentials = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode("utf-8")).decode("ascii")
    request = urllib.request.Request(shown, headers=headers)
    try:
        with opener.open(request, timeout=timeout) as response:
            declared_header = response.headers.get("Content-Length")
            declared = int(declared_header) if declared_header and declared_header.isdigit() else None
            if declared is not None and declared > max_bytes:
                raise ModelInstallError(
                    f"{shown} is {declared} bytes, larger than the limit of {max_bytes} bytes; pass a larger "
                    "--max-bytes if the model really is that big"
                )
            free = shutil.disk_usage(folder).free
            if declared is not None and declared > free:
                raise ModelInstallError(f"{shown} is {declared} bytes but only {free} bytes are free there")
            sha256, received = _copy_stream(response, target, max_bytes=max_bytes, what=shown)
    except ModelInstallError:
        raise
    except urllib.error.HTTPError as exc:
        exc.close()
        raise ModelInstallError(f"downloading {shown} failed: HTTP {exc.code} {exc.reason}") from exc
    except (
        OSError,
        ValueError,
        http.client.HTTPException,
    ) as exc:  # URLError, resets, timeouts, IncompleteRead
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise ModelInstallError(
            f"downloading {shown} failed after {target.tell()} bytes: {type(exc).__name__}: {reason}"
        ) from exc
    if declared is not None and received != declared:
        raise ModelInstallError(
            f"downloading {shown} failed: the connection closed after {received} of {declared} bytes"
        )
    return sha256, received


def fetch(
    source: str,
    folder: Path,
    final_name: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> FetchedFile:
    """Copy ``source`` (an http(s) URL or a file path) into a new hidden file in ``folder``.

    Raises :class:`ModelInstallError` (and leaves no file behind) when the source cannot be read completely.
    """
    if is_url(source):
        scheme = urllib.parse.urlsplit(source).scheme.lower()
        if scheme not in _SCHEMES:
            raise ModelInstallError(
                f"cannot install from a {scheme}:// URL: use an http(s) URL or the path of a local file"
            )
    else:
        local = Path(source).expanduser()
        if not local.is_file():
            raise ModelInstallError(
                f"{local} is not a file (give an http(s) URL or the path of a local file)"
            )
    descriptor, partial = _partial_file(folder, final_name)
    try:
        with os.fdopen(descriptor, "wb") as target:
            if is_url(source):
                sha256, size = _download(source, target, folder, max_bytes=max_bytes, timeout=timeout)
            else:
                with open(Path(source).expanduser(), "rb") as stream:
                    sha256, size = _copy_stream(stream, target, max_bytes=max_bytes, what=source)
            target.flush()
            os.fsync(target.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return FetchedFile(partial, sha256, size)


def check_sha256(fetched: FetchedFile, expected: str | None, source: str) -> None:
    """Raise :class:`ModelInstallError` when ``expected`` is given and is not the fetched file's hash."""
    if expected is None:
        return
    wanted = expected.strip().lower()
    if wanted != fetched.sha256:
        raise ModelInstallError(
            f"checksum mismatch for {redact(source)}: expected sha256 {wanted}, got {fetched.sha256} "
            f"({fetched.size} bytes); nothing was installed (check the URL and the checksum you were given)"
        )
