"""FastAPI dependencies: the app state and the caller's key with a required scope.

Routes open their DB sessions themselves (``with state.db.sessions()``) rather than through a ``yield``
dependency: a sync generator dependency needs a thread-pool token to close, which under load can deadlock
against requests waiting for a pooled connection.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from api.jobs.clock import utcnow
from api.service.api_keys import Principal, verify_token
from api.service.errors import AuthError
from api.service.state import ServiceState
from montage.db.models import ApiKey
from montage.db.session import transaction

log = logging.getLogger(__name__)

_bearer = HTTPBearer(auto_error=False, description="An API key made with `montage keys create`.")


def get_state(request: Request) -> ServiceState:
    """The app's state."""
    state: ServiceState = request.app.state.montage
    return state


State = Annotated[ServiceState, Depends(get_state)]


LAST_USED_EVERY_S = 60.0
"""``api_keys.last_used_at`` is written at most this often per key and process."""

_last_noted: dict[tuple[str, int], float] = {}
_last_noted_lock = threading.Lock()


def _note_use(state: ServiceState, key_id: int) -> None:
    """Record that a key was used — at most once a minute, in a short write of its own, and never at the
    cost of the request: a busy database (another request writing) skips the note instead of failing."""
    now = time.monotonic()
    noted = (str(state.db.engine.url), key_id)
    with _last_noted_lock:
        if now - _last_noted.get(noted, -LAST_USED_EVERY_S) < LAST_USED_EVERY_S:
            return
        _last_noted[noted] = now
    try:
        with transaction(state.db.sessions) as session:
            session.execute(
                update(ApiKey)
                .where(ApiKey.id == key_id)
                .values(last_used_at=utcnow())
                .execution_options(synchronize_session=False)
            )
    except OperationalError:
        log.info("api key %s: last use not recorded (database busy)", key_id)


def require_scope(scope: str) -> Callable[..., Principal]:
    """A dependency that admits only callers whose key has ``scope`` (or ``admin``)."""

    def check(
        state: State, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
    ) -> Principal:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise AuthError("this route needs an API key: send `Authorization: Bearer <key>`")
        with state.db.sessions() as session:
            principal = verify_token(session, credentials.credentials)
        if principal is None:
            raise AuthError("unknown or revoked API key", code="invalid_key")
        _note_use(state, principal.key_id)
        if not principal.allows(scope):
            raise AuthError(f"this API key lacks the `{scope}` scope", code="forbidden", status=403)
        return principal

    return check


Submitter = Annotated[Principal, Depends(require_scope("submit"))]
Editor = Annotated[Principal, Depends(require_scope("edit"))]
Admin = Annotated[Principal, Depends(require_scope("admin"))]
