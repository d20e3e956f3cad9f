"""The one place jobs read the time, as timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; treat them as the UTC they were written as."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
