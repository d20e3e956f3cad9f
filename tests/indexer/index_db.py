"""Read an index run's SQLite database from outside the run (while it may still be writing)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def indexed_sources(db: Path) -> int:
    """Rows in ``sources`` so far; 0 while the database does not exist or is busy."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return int(conn.execute("select count(*) from sources").fetchone()[0])
    except sqlite3.Error:
        return 0
