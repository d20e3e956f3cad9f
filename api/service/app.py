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
from api.service.metrics import HttpMetrics, JobCollector, MetricsMiddleware
from api.service.routes import editing, health, jobs, library, results, shots, videos
from api.service.security_headers import EditorSecurityHeaders
from api.service.settings import ServiceSettings
from api.service.state import ServiceState
from montage.config import Settings
from montage.db.database import open_database

EDITOR_DIR = Path(__file__).resolve().parents[1] / "editor"

DESCRIPTION = """Turn articles into narrated videos cut from a footage library, review and fix each cut.

Mutating routes need an API key (`Authorization: Bearer <key>`, made with `montage keys create`) with the
scope each route names: `submit`, `edit` or `admin`. Errors are `{"error": {"code", "message"}}`.
"""


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
        state = ServiceState(settings=settings, service=service, db=db, queue=queue, registry=registry)
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
    )
    install_error_handlers(app)
    for module in (videos, jobs, results, editing, library, shots, health):
        app.include_router(module.router)
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
