"""`montage db upgrade`: create the configured database and migrate it to the newest schema."""

from __future__ import annotations

import typer

from api.cli.context import console
from montage.config import get_settings
from montage.db.database import open_database

db_app = typer.Typer(help="The database schema (the Alembic migrations shipped with montage).")


@db_app.command("upgrade")
def db_upgrade_command() -> None:
    """Create the database if needed and apply every migration not applied yet (safe to run again)."""
    settings = get_settings()
    database = open_database(settings, migrate=True)
    database.engine.dispose()
    url = settings.resolved_database_url
    console.print(f"database at the newest schema: {url.split('@')[-1]}")
