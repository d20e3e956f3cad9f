"""SQLite: a write transaction that reads first never fails with "database is locked" while another process
or thread keeps writing (issue 10, bug 1 — seen again as a 500 on cancel while a worker heartbeats).

A deferred transaction that has read holds a snapshot; when another connection commits first, SQLite refuses
to upgrade it to a writer at once (SQLITE_BUSY, the busy timeout does not apply). ``transaction()`` therefore
begins SQLite write transactions IMMEDIATE: they wait for the write lock before reading.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from montage.db.session import make_engine, make_sessionmaker, transaction

pytestmark = pytest.mark.reliability


def test_read_then_write_transactions_survive_a_busy_writer(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    sessions = make_sessionmaker(engine)
    with transaction(sessions) as session:
        session.execute(text("CREATE TABLE beats (id INTEGER PRIMARY KEY, n INTEGER)"))
        session.execute(text("INSERT INTO beats (id, n) VALUES (1, 0), (2, 0)"))
    stop = threading.Event()
    failures: list[BaseException] = []

    def heartbeat() -> None:  # like a worker: a short write every few milliseconds
        while not stop.is_set():
            try:
                with transaction(sessions) as session:
                    session.execute(text("UPDATE beats SET n = n + 1 WHERE id = 1"))
            except BaseException as exc:
                failures.append(exc)
            time.sleep(0.002)

    writer = threading.Thread(target=heartbeat)
    writer.start()
    try:
        for _ in range(300):  # like request_cancel: read the row, then write it
            with transaction(sessions) as session:
                current = session.execute(text("SELECT n FROM beats WHERE id = 2")).scalar_one()
                time.sleep(0.001)  # the heartbeat commits in between
                session.execute(text("UPDATE beats SET n = :n WHERE id = 2"), {"n": current + 1})
    finally:
        stop.set()
        writer.join()
        engine.dispose()
    assert failures == []


def test_plain_reads_do_not_take_the_write_lock(tmp_path: Path) -> None:
    """Reading sessions (not ``transaction()``) stay deferred: they run beside a writer holding the lock."""
    engine = make_engine(f"sqlite:///{tmp_path / 'read.db'}")
    sessions = make_sessionmaker(engine)
    with transaction(sessions) as session:
        session.execute(text("CREATE TABLE t (n INTEGER)"))
    with transaction(sessions) as writing:
        writing.execute(text("INSERT INTO t VALUES (1)"))
        started = time.monotonic()
        with sessions() as reading:
            assert reading.execute(text("SELECT count(*) FROM t")).scalar_one() == 0
        assert time.monotonic() - started < 1.0
    engine.dispose()
