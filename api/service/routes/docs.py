"""The OpenAPI document and its Swagger UI and ReDoc pages: reads like any other (a key, a signed link, or
open reads). The pages load the document through a freshly signed link, as a browser sends no key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from api.service.deps import MediaReader, State

router = APIRouter(include_in_schema=False)


@router.get("/openapi.json")
def openapi(request: Request, _access: MediaReader) -> JSONResponse:
    """The OpenAPI document of this service."""
    document: dict[str, Any] = request.app.openapi()
    return JSONResponse(document)


@router.get("/docs")
def swagger(request: Request, state: State, _access: MediaReader) -> HTMLResponse:
    """Swagger UI for the API."""
    return get_swagger_ui_html(openapi_url=state.signer.sign("/openapi.json"), title=request.app.title)


@router.get("/redoc")
def redoc(request: Request, state: State, _access: MediaReader) -> HTMLResponse:
    """ReDoc for the API."""
    return get_redoc_html(openapi_url=state.signer.sign("/openapi.json"), title=request.app.title)
