"""Queries over footage sources."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.orm import Session

from montage.db.models import Shot, Source
from montage.db.repositories.keyset import keyset_batches


def source_by_path(session: Session, path: str) -> Source | None:
    """The source stored for an absolute path, if any."""
    return session.scalars(select(Source).where(Source.path == path)).one_or_none()


def sources_by_paths(session: Session, paths: Sequence[str], chunk: int = 500) -> dict[str, Source]:
    """The stored sources of the given absolute paths, keyed by path (looked up ``chunk`` at a time)."""
    found: dict[str, Source] = {}
    for start in range(0, len(paths), chunk):
        query = select(Source).where(Source.path.in_(paths[start : start + chunk]))
        found.update((source.path, source) for source in session.scalars(query))
    return found


def sources_by_ids(session: Session, ids: Sequence[int], chunk: int = 500) -> list[Source]:
    """The sources with the given ids (looked up ``chunk`` at a time)."""
    found: list[Source] = []
    for start in range(0, len(ids), chunk):
        found.extend(session.scalars(select(Source).where(Source.id.in_(ids[start : start + chunk]))))
    return found


def _under(folders: Sequence[str]) -> ColumnElement[bool]:
    """Paths equal to one of ``folders`` or inside one.

    Compared by ``substr`` in the database: exact on every backend (a range on the path would follow
    PostgreSQL's collation, LIKE is case-insensitive in SQLite), and the scan reads one column in SQL.
    """
    conditions: list[ColumnElement[bool]] = []
    for folder in folders:
        prefix = folder.rstrip("/") + "/"
        conditions.append(Source.path == folder)
        conditions.append(func.substr(Source.path, 1, len(prefix)) == prefix)
    return or_(*conditions) if conditions else false()


def sources_under(session: Session, folders: Sequence[str]) -> list[Source]:
    """Sources whose path lies inside any of the given absolute folders (or equals a given file path)."""
    return list(session.scalars(select(Source).where(_under(folders)).order_by(Source.path)))


def source_places(
    session: Session, folders: Sequence[str] | None = None, batch: int = 10_000
) -> Iterator[tuple[int, str, str]]:
    """``(id, path, library_root)`` of every source (inside ``folders`` when given), read in batches of
    plain columns: a library of millions of files is walked without loading its rows."""
    query = select(Source.id, Source.path, Source.library_root)
    if folders is not None:
        query = query.where(_under(folders))
    for rows in keyset_batches(session, query, Source.id, batch):
        for source_id, path, root in rows:
            yield int(source_id), str(path), str(root)


def list_sources(session: Session, *, status: str | None = None) -> list[Source]:
    """All sources, optionally only those with a given status, ordered by path."""
    query = select(Source).order_by(Source.path)
    if status is not None:
        query = query.where(Source.status == status)
    return list(session.scalars(query))


def count_sources_by_status(session: Session) -> dict[str, int]:
    """Number of sources per status."""
    rows = session.execute(select(Source.status, func.count()).group_by(Source.status))
    return {status: count for status, count in rows}


def find_source(session: Session, path_or_rel: str) -> Source | None:
    """Find a source by absolute path or by its path relative to its library root."""
    found = source_by_path(session, path_or_rel)
    if found is not None:
        return found
    matches = list(session.scalars(select(Source).where(Source.rel_path == path_or_rel)))
    return matches[0] if len(matches) == 1 else None


def shot_count(session: Session) -> int:
    """Total number of shots in the library."""
    return int(session.scalar(select(func.count()).select_from(Shot)) or 0)
