"""API keys: made with a random secret, stored as a SHA-256 hash, checked in constant time.

A key reads ``mtg_<prefix>_<secret>``. The prefix is stored in clear to find the row; the whole key is
hashed. The key itself is shown once, when it is made, and never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.jobs.clock import utcnow
from montage.db.models import ApiKey
from montage.errors import InputError

SCOPES: Final = ("submit", "edit", "admin")
_PREFIX_BYTES = 6
_SECRET_BYTES = 32
_TEAM: Final = re.compile(r"[A-Za-z0-9._-]{1,64}")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id, name, scopes (``admin`` implies every scope) and team (None: none)."""

    key_id: int
    name: str
    scopes: frozenset[str]
    team: str | None = None

    def allows(self, scope: str) -> bool:
        """True when this key has ``scope`` (or ``admin``)."""
        return scope in self.scopes or "admin" in self.scopes


def hash_token(token: str) -> str:
    """The hex SHA-256 of a key."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_api_key(
    session: Session, scopes: list[str], *, name: str = "", team: str | None = None
) -> tuple[ApiKey, str]:
    """Store a new key with these scopes (in ``team``, whose keys share their jobs); returns the row and the
    key (shown once)."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise InputError(f"scopes must be some of {', '.join(SCOPES)}; got {', '.join(scopes) or 'none'}")
    if team is not None and not _TEAM.fullmatch(team):
        raise InputError("a team name is 1-64 letters, digits, '.', '_' or '-'")
    prefix = secrets.token_hex(_PREFIX_BYTES)
    token = f"mtg_{prefix}_{secrets.token_urlsafe(_SECRET_BYTES)}"
    row = ApiKey(
        name=name,
        prefix=prefix,
        token_sha256=hash_token(token),
        scopes=sorted(set(scopes)),
        team=team,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row, token


def _prefix_of(token: str) -> str | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "mtg" or len(parts[1]) != 2 * _PREFIX_BYTES:
        return None
    return parts[1]


def verify_token(session: Session, token: str) -> Principal | None:
    """The principal of a valid, unrevoked key; None otherwise. Hashes are compared in constant time."""
    prefix = _prefix_of(token)
    presented = hash_token(token)
    row = session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).first() if prefix else None
    stored = row.token_sha256 if row is not None else "0" * 64
    if not hmac.compare_digest(presented, stored) or row is None or row.revoked_at is not None:
        return None
    return Principal(key_id=row.id, name=row.name, scopes=frozenset(row.scopes), team=row.team)


def revoke_api_key(session: Session, prefix: str) -> bool:
    """Revoke the key with this prefix; False if there is none."""
    row = session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).first()
    if row is None:
        return False
    row.revoked_at = row.revoked_at or utcnow()
    return True


def list_api_keys(session: Session) -> list[ApiKey]:
    """Every key (hashes only), oldest first."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))
