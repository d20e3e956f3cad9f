"""Prometheus metrics: HTTP requests by route and status, latency, and jobs by status (read when scraped)."""

from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.jobs.repository import count_by_status
from api.jobs.states import STATUSES
from api.service.state import ServiceState


class HttpMetrics:
    """Request counter and latency histogram, labelled by route template (not raw path)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "montage_http_requests", "HTTP requests.", ["method", "route", "status"], registry=registry
        )
        self.latency = Histogram(
            "montage_http_request_seconds",
            "HTTP request latency.",
            ["method", "route"],
            registry=registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )


class JobCollector(Collector):
    """Jobs by status and available workers, read from the DB and queue when scraped."""

    def __init__(self, state: ServiceState) -> None:
        self._state = state

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Yield the gauges."""
        jobs = GaugeMetricFamily("montage_jobs", "Jobs by status.", labels=["status"])
        with self._state.db.sessions() as session:
            counts = count_by_status(session)
        for status in STATUSES:
            jobs.add_metric([status], counts.get(status, 0))
        yield jobs
        presence = self._state.queue.workers()
        yield GaugeMetricFamily("montage_workers", "Workers available to run jobs.", value=presence.count)


class MetricsMiddleware:
    """Pure ASGI middleware timing every HTTP request (streaming responses included)."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_code = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or (
                "/editor" if scope["path"].startswith("/editor") else "other"
            )
            method = scope.get("method", "GET")
            self.metrics.requests.labels(method, template, str(status_code)).inc()
            self.metrics.latency.labels(method, template).observe(time.perf_counter() - started)
