"""The library revision counter."""

from __future__ import annotations

from sqlalchemy.orm import Session

from montage.db.models import LibraryState


def current_revision(session: Session) -> int:
    """Return the library revision (0 for a new library)."""
    state = session.get(LibraryState, 1)
    return state.revision if state is not None else 0


def bump_revision(session: Session) -> int:
    """Increase the revision by one inside the caller's transaction and return the new value."""
    state = session.get(LibraryState, 1, with_for_update=True)
    if state is None:
        state = LibraryState(id=1, revision=0)
        session.add(state)
    state.revision += 1
    session.flush()
    return state.revision
