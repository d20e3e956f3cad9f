"""The event stream of one job: a ``job`` event whenever its state changes, ``end`` when it is over."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from fastapi.sse import ServerSentEvent
from starlette.concurrency import run_in_threadpool

from api.jobs import states
from api.jobs.repository import get_job
from api.service.schemas import JobOut, Presentation
from api.service.state import ServiceState


def _snapshot(state: ServiceState, job_id: str, view: Presentation) -> JobOut | None:
    with state.db.sessions() as session:
        job = get_job(session, job_id)
        return None if job is None else JobOut.of(job, view)


async def job_events(
    state: ServiceState,
    job_id: str,
    view: Presentation,
    *,
    is_disconnected: Callable[[], object],
    poll_s: float = 0.5,
) -> AsyncIterator[ServerSentEvent]:
    """Poll the job row and yield its state (as ``view`` presents it) when it changes, until it ends or the
    client leaves."""
    last: str | None = None
    sequence = 0
    while True:
        snapshot = await run_in_threadpool(_snapshot, state, job_id, view)
        if snapshot is None:
            yield ServerSentEvent(event="error", data={"code": "not_found", "message": f"no job {job_id}"})
            return
        fingerprint = snapshot.model_dump_json(include={"status", "stage", "progress", "warnings", "error"})
        if fingerprint != last:
            last = fingerprint
            sequence += 1
            yield ServerSentEvent(
                event="job", id=str(sequence), data=snapshot.model_dump(mode="json"), retry=2000
            )
        if snapshot.status in states.TERMINAL:
            yield ServerSentEvent(event="end", data={"status": snapshot.status})
            return
        disconnected = is_disconnected()
        if asyncio.iscoroutine(disconnected):
            disconnected = await disconnected
        if disconnected:
            return
        await asyncio.sleep(poll_s)
