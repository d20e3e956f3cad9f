"""Alembic environment: the URL comes from the caller's config or from montage's Settings."""

from __future__ import annotations

from alembic import context

import montage.db.models  # noqa: F401  (registers the tables)
from montage.config import Settings
from montage.db.base import Base
from montage.db.session import make_engine, normalise_url

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    return normalise_url(url or Settings().resolved_database_url)


def run_migrations_offline() -> None:
    """Emit SQL without a connection (``alembic upgrade --sql``)."""
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations over a live connection."""
    engine = make_engine(_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            transactional_ddl=True,  # SQLite and PostgreSQL both roll DDL back: all or nothing
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
