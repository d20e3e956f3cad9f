"""The library revision counter."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from montage.db.models import LibraryState


def current_revision(session: Session) -> int:
    """Return the library revision (0 for a new library)."""
    state = session.get(LibraryState, 1)
    return state.revision if state is not None else 0


def bump_revision(session: Session) -> int:
    """Increase the revision by one inside the caller's transaction and return the new value.

    The counter's row is created by the first bump. Two transactions that both find it missing (two
    ``montage worker`` processes storing their first files at once on PostgreSQL) both insert it: the
    second insert waits for the first transaction and then fails on the key, inside a savepoint, so that
    transaction goes on to lock the row the first one made and counts on from it.
    """
    state = session.get(LibraryState, 1, with_for_update=True)
    if state is None:
        try:
            with session.begin_nested():
                session.add(LibraryState(id=1, revision=0))
        except IntegrityError:
            pass  # created meanwhile by another transaction, now committed
        state = session.get(LibraryState, 1, with_for_update=True, populate_existing=True)
        assert state is not None
    state.revision += 1
    session.flush()
    return state.revision
