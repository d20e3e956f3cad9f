"""FastAPI dependencies: the app state and the caller's key with a required scope.

Routes open their DB sessions themselves (``with state.db.sessions()``) rather than through a ``yield``
dependency: a sync generator dependency needs a thread-pool token to close, which under load can deadlock
against requests waiting for a pooled connection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import update

from api.jobs.clock import utcnow
from api.service.api_keys import Principal, verify_token
from api.service.errors import AuthError
from api.service.state import ServiceState
from montage.db.models import ApiKey
from montage.db.session import transaction

_bearer = HTTPBearer(auto_error=False, description="An API key made with `montage keys create`.")


def get_state(request: Request) -> ServiceState:
    """The app's state."""
    state: ServiceState = request.app.state.montage
    return state


State = Annotated[ServiceState, Depends(get_state)]


def require_scope(scope: str) -> Callable[..., Principal]:
    """A dependency that admits only callers whose key has ``scope`` (or ``admin``)."""

    def check(
        state: State, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
    ) -> Principal:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise AuthError("this route needs an API key: send `Authorization: Bearer <key>`")
        with transaction(state.db.sessions) as session:
            principal = verify_token(session, credentials.credentials)
            if principal is None:
                raise AuthError("unknown or revoked API key", code="invalid_key")
            session.execute(
                update(ApiKey)
                .where(ApiKey.id == principal.key_id)
                .values(last_used_at=utcnow())
                .execution_options(synchronize_session=False)
            )
        if not principal.allows(scope):
            raise AuthError(f"this API key lacks the `{scope}` scope", code="forbidden", status=403)
        return principal

    return check


Submitter = Annotated[Principal, Depends(require_scope("submit"))]
Editor = Annotated[Principal, Depends(require_scope("edit"))]
Admin = Annotated[Principal, Depends(require_scope("admin"))]
