"""How errors reach HTTP clients: ``{"error": {"code": ..., "message": ...}}`` with a fitting status."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.service.api_keys import Principal
from api.service.path_redaction import PathRedactor
from montage.errors import (
    IndexMismatchError,
    IndexMissingError,
    InputError,
    ModelUnavailableError,
    MontageError,
    PathOutsideLibraryError,
)


class NotFoundError(MontageError):
    """A job, revision, shot or file that does not exist."""

    code = "not_found"


class ConflictError(MontageError):
    """The request does not fit the resource's current state (e.g. editing a job that has no timeline)."""

    code = "conflict"


class AuthError(MontageError):
    """No key, an unknown key, or a key without the needed scope."""

    code = "unauthorized"

    def __init__(self, message: str, *, code: str = "unauthorized", status: int = 401) -> None:
        super().__init__(message, code=code)
        self.status = status


def status_for(error: MontageError) -> int:
    """The HTTP status of a montage error."""
    if isinstance(error, AuthError):
        return error.status
    statuses: list[tuple[type[MontageError], int]] = [
        (NotFoundError, 404),
        (ConflictError, 409),
        (PathOutsideLibraryError, 403),
        (InputError, 422),
        (IndexMissingError, 409),
        (IndexMismatchError, 409),
        (ModelUnavailableError, 503),
    ]
    for kind, status in statuses:
        if isinstance(error, kind):
            return status
    return 500


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    """The JSON body of every error response."""
    return {"error": {"code": code, "message": message}}


def shown_message(request: Request, message: str) -> str:
    """An error message as the caller may see it: server paths hidden unless its key has ``admin``."""
    principal = getattr(request.state, "principal", None)
    if isinstance(principal, Principal) and principal.allows("admin"):
        return message
    state = getattr(request.app.state, "montage", None)
    roots = state.settings.library_roots if state is not None else []
    return PathRedactor(roots).text(message)


def install_error_handlers(app: FastAPI) -> None:
    """Map montage errors, HTTP errors, validation errors and unexpected failures to the common error body."""

    async def montage_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, MontageError)
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, AuthError) and exc.status == 401 else None
        body = error_body(exc.code, shown_message(request, exc.message))
        return JSONResponse(body, status_code=status_for(exc), headers=headers)

    async def http_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(
            exc.status_code, "http_error"
        )
        return JSONResponse(
            error_body(code, str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg', '')}"
            for err in exc.errors()[:10]
        )
        return JSONResponse(error_body("invalid_request", problems or "invalid request"), status_code=422)

    async def unexpected_error(_request: Request, exc: Exception) -> JSONResponse:
        # Starlette logs the exception with its traceback; the client gets the common JSON shape, no details.
        return JSONResponse(
            error_body("internal_error", "the server failed on this request; it has been logged"),
            status_code=500,
        )

    app.add_exception_handler(MontageError, montage_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected_error)
