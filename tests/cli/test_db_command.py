"""`montage db upgrade` creates the database and brings it to the newest migration, and can run again."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from api.cli.app import app
from montage.db.migrate import alembic_config


def test_db_upgrade_creates_and_migrates_a_fresh_sqlite_database(data_dir: Path) -> None:
    runner = CliRunner()
    for _ in range(2):  # the second run finds nothing to do
        result = runner.invoke(app, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
    database = data_dir / "montage.db"
    head = ScriptDirectory.from_config(alembic_config(f"sqlite:///{database}")).get_current_head()
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute("select version_num from alembic_version").fetchall() == [(head,)]
