"""Open the configured database, migrated to the newest schema."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from montage.db.migrate import upgrade_to_head
from montage.db.session import make_engine, make_sessionmaker, normalise_url


class DatabasePlace(Protocol):
    """Where the database is: what :func:`open_database` reads of :class:`montage.config.Settings`."""

    @property
    def data_dir(self) -> Path:
        """The data directory (created if missing; SQLite's default home)."""
        ...

    @property
    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL of the database."""
        ...


@dataclass(frozen=True)
class Database:
    """An engine and its session factory."""

    engine: Engine
    sessions: sessionmaker[Session]


def open_database(settings: DatabasePlace, *, migrate: bool = True) -> Database:
    """Create the data directory, migrate the database to head and return it."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = normalise_url(settings.resolved_database_url)
    if migrate:
        upgrade_to_head(url)
    engine = make_engine(url)
    return Database(engine=engine, sessions=make_sessionmaker(engine))
