"""Liveness and readiness (open to all), and Prometheus metrics (a read: a key, unless reads are open)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from api.service.deps import Reader, State
from api.service.readiness import readiness
from api.service.schemas import ErrorOut, ReadyOut

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness")
def healthz() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@router.get("/readyz", response_model=ReadyOut, responses={503: {"model": ReadyOut}}, summary="Readiness")
async def readyz(state: State) -> JSONResponse:
    """200 when the DB answers and a worker is available (503 otherwise); lists channels, models, indexes."""
    report = await run_in_threadpool(readiness, state)
    return JSONResponse(report.model_dump(mode="json"), status_code=200 if report.ready else 503)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}, 401: {"model": ErrorOut}},
    summary="Prometheus metrics",
)
async def metrics(state: State, _access: Reader) -> Response:
    """Metrics in the Prometheus text format."""
    body = await run_in_threadpool(generate_latest, state.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
