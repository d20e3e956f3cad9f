"""The FastAPI app factory: routers, auth, errors, limits, CORS, metrics, the job queue and the editor UI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import CollectorRegistry

from api.jobs.dramatiq_queue import DramatiqQueue
from api.jobs.local_pool import LocalWorkerPool
from api.jobs.queue import JobQueue
from api.service.body_limit import BodyLimitMiddleware
from api.service.errors import install_error_handlers
from api.service.media_secret import media_secret
from api.service.metrics import HttpMetrics, JobCollector, MetricsMiddleware
from api.service.routes import docs, editing, health, jobs, library, media, results, shots, videos
from api.service.schemas import ErrorOut, Responses
from api.service.security_headers import EditorSecurityHeaders
from api.service.settings import ServiceSettings
from api.service.signed_urls import UrlSigner
from api.service.state import ServiceState
from montage.config import Settings
from montage.db.database import open_database

EDITOR_DIR = Path(__file__).resolve().parents[1] / "editor"

DESCRIPTION = """Turn articles into narrated videos cut from a footage library, review and fix each cut.

Every route but `/healthz`, `/readyz` and the editor's files needs an API key (`Authorization: Bearer
<key>`, made with `montage keys create`); writes need the scope each route names: `submit`, `edit` or
`admin`. A key sees and changes only its own jobs and its team's (all with `admin`); another key's job
answers 404. Media links in responses are signed and short-lived, so players load them without headers
(`POST /v1/media/sign` signs more). Errors are `{"error": {"code", "message"}}`.
"""

AUTH_ERRORS: Responses = {401: {"model": ErrorOut}, 403: {"model": ErrorOut}}


def create_app(settings: Settings | None = None, service: ServiceSettings | None = None) -> FastAPI:
    """Build the app. The DB is opened, and workers (embedded mode) started, when the app starts."""
    settings = settings or Settings()
    service = service or ServiceSettings()
    registry = CollectorRegistry()
    http_metrics = HttpMetrics(registry)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = open_database(settings, migrate=service.migrate_on_start)
        pool: LocalWorkerPool | None = None
        queue: JobQueue
        if service.queue == "embedded":
            pool = LocalWorkerPool(settings, service, db, threads=service.embedded_workers)
            queue = pool
        else:
            queue = DramatiqQueue(service)
        signer = UrlSigner(media_secret(service, settings.data_dir), service.media_url_ttl_s)
        state = ServiceState(
            settings=settings, service=service, db=db, queue=queue, registry=registry, signer=signer
        )
        registry.register(JobCollector(state))
        app.state.montage = state
        if pool is not None:
            pool.start()
        try:
            yield
        finally:
            if pool is not None:
                pool.stop()
            if isinstance(queue, DramatiqQueue):
                queue.close()
            db.engine.dispose()

    app = FastAPI(
        title="montage",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url=None,  # served by routes.docs, behind the same read access as everything else
        docs_url=None,
        redoc_url=None,
    )
    install_error_handlers(app)
    for module in (videos, jobs, results, editing, library, shots, media):
        app.include_router(module.router, responses=AUTH_ERRORS)
    app.include_router(health.router)
    app.include_router(docs.router)
    if service.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=service.cors_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "Range", "Last-Event-ID"],
            expose_headers=["Location", "Content-Range", "Accept-Ranges"],
        )
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=service.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=http_metrics)
    app.add_middleware(EditorSecurityHeaders)
    app.mount("/editor", StaticFiles(directory=EDITOR_DIR, html=True), name="editor")

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/editor/")

    return app
