"""The one place jobs read the time, as timezone-aware UTC.

Everything in ``api.jobs`` that stamps or compares times (heartbeats, staleness, cancellation, revisions)
calls :func:`utcnow`, so a test can step time with :func:`time_source` instead of sleeping. The source is
per process: a job run by another process keeps reading the system clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime


def _system_time() -> datetime:
    return datetime.now(UTC)


_source: Callable[[], datetime] = _system_time


def utcnow() -> datetime:
    """Now, in UTC (the system clock, unless :func:`time_source` set another source)."""
    return _source()


@contextmanager
def time_source(source: Callable[[], datetime]) -> Iterator[None]:
    """Read the time from ``source`` (timezone-aware UTC) inside the block, then the system clock again."""
    global _source
    previous, _source = _source, source
    try:
        yield
    finally:
        _source = previous


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; treat them as the UTC they were written as."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
