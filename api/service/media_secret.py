"""The server secret that signs media URLs: from the settings, or generated once and kept in the data dir."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from api.service.settings import ServiceSettings

SECRET_FILE = Path("secrets") / "media-url.key"
"""Where, under the data dir, a generated secret is kept (mode 0600)."""

_SECRET_BYTES = 32


def _read(path: Path) -> bytes | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    return text.encode("ascii") if text else None


def media_secret(service: ServiceSettings, data_dir: Path) -> bytes:
    """``MONTAGE_SERVICE_MEDIA_URL_SECRET`` if set; else the secret in ``<data_dir>/secrets/media-url.key``,
    made on first use. Made with ``O_EXCL``, so processes starting at once all end up with the same one."""
    if service.media_url_secret is not None and service.media_url_secret.get_secret_value():
        return service.media_url_secret.get_secret_value().encode("utf-8")
    path = data_dir / SECRET_FILE
    found = _read(path)
    if found is not None:
        return found
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(_SECRET_BYTES))
    try:
        os.link(tmp, path)  # fails if another process got there first: theirs wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    found = _read(path)
    if found is None:
        raise RuntimeError(f"could not keep the media URL secret in {path}")
    return found
