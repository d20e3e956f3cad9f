"""The library revision counter under concurrent first bumps (SQLite and PostgreSQL).

Two ``montage worker`` processes storing their first files at once both found no counter row and both
inserted one; on PostgreSQL the second failed on the key and its file was analysed again (seen in the
queue re-index test). Here the second transaction bumps while the first, which created the row, is still
open: it must wait, then count on from the first one's value.
"""

from __future__ import annotations

import threading

from montage.db.migrate import upgrade_to_head
from montage.db.repositories.library_state import bump_revision, current_revision
from montage.db.session import make_engine, make_sessionmaker, transaction


def test_two_first_bumps_at_once_count_one_after_the_other(database_url: str) -> None:
    upgrade_to_head(database_url)
    engine = make_engine(database_url)
    factory = make_sessionmaker(engine)
    second: dict[str, object] = {}

    def bump_in_another_transaction() -> None:
        try:
            with transaction(factory) as session:
                second["revision"] = bump_revision(session)
        except Exception as exc:  # reported to the test below
            second["error"] = exc

    with transaction(factory) as session:
        assert bump_revision(session) == 1  # creates the row; not committed yet
        other = threading.Thread(target=bump_in_another_transaction)
        other.start()
        other.join(timeout=1.0)  # it waits for this transaction (the row's key, or SQLite's write lock)
        assert other.is_alive()
    other.join(timeout=30.0)

    assert "error" not in second, second.get("error")
    assert second["revision"] == 2
    with factory() as session:
        assert current_revision(session) == 2
    engine.dispose()
