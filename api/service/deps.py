"""FastAPI dependencies: the app state, the caller's key with a required scope, and read access.

Reads need a key (any scope) unless ``MONTAGE_SERVICE_OPEN_READS`` is set; media routes also take a signed
URL instead (see :mod:`api.service.signed_urls`). The caller's principal is kept on ``request.state`` so
error responses can hide server paths from callers without ``admin``.

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
from urllib.parse import parse_qsl

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from api.jobs.clock import utcnow
from api.service.api_keys import Principal, verify_token
from api.service.errors import AuthError
from api.service.ownership import Access
from api.service.signed_urls import SIGNATURE
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


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _authenticate(
    request: Request, state: ServiceState, credentials: HTTPAuthorizationCredentials
) -> Principal:
    """The principal of a presented key (kept on ``request.state.principal``); AuthError if invalid."""
    if credentials.scheme.lower() != "bearer":
        raise AuthError("send the API key as `Authorization: Bearer <key>`")
    with state.db.sessions() as session:
        principal = verify_token(session, credentials.credentials)
    if principal is None:
        raise AuthError("unknown or revoked API key", code="invalid_key")
    _note_use(state, principal.key_id)
    request.state.principal = principal
    return principal


def require_scope(scope: str) -> Callable[..., Principal]:
    """A dependency that admits only callers whose key has ``scope`` (or ``admin``)."""

    def check(request: Request, state: State, credentials: Credentials) -> Principal:
        if credentials is None:
            raise AuthError("this route needs an API key: send `Authorization: Bearer <key>`")
        principal = _authenticate(request, state, credentials)
        if not principal.allows(scope):
            raise AuthError(f"this API key lacks the `{scope}` scope", code="forbidden", status=403)
        return principal

    return check


def read_access(request: Request, state: State, credentials: Credentials) -> Access:
    """Who reads: any valid key (its own or its team's jobs; every job with ``admin``), or nobody when
    reads are open (every job). A keyless read is refused unless ``open_reads`` is set."""
    open_reads = state.service.open_reads
    if credentials is None:
        if open_reads:
            return Access(principal=None, all_jobs=True)
        raise AuthError("reading needs an API key: send `Authorization: Bearer <key>` (media: a signed link)")
    principal = _authenticate(request, state, credentials)
    return Access(principal=principal, all_jobs=open_reads or principal.allows("admin"))


def media_access(request: Request, state: State, credentials: Credentials) -> Access:
    """Read access for media (and event streams): a valid signed URL admits the request without a key;
    a request without a signature needs what :func:`read_access` needs."""
    params = parse_qsl(request.url.query, keep_blank_values=True)
    if any(name == SIGNATURE for name, _ in params):
        if not state.signer.verify(request.url.path, params):
            raise AuthError("the signed link is invalid or has expired", code="invalid_signature")
        return Access(principal=None, all_jobs=True)
    return read_access(request, state, credentials)


Submitter = Annotated[Principal, Depends(require_scope("submit"))]
Editor = Annotated[Principal, Depends(require_scope("edit"))]
Admin = Annotated[Principal, Depends(require_scope("admin"))]
Reader = Annotated[Access, Depends(read_access)]
MediaReader = Annotated[Access, Depends(media_access)]
