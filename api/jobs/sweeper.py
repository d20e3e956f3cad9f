"""Requeue jobs stuck on dead workers (stale heartbeat) and queued jobs whose message may be lost."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from api.jobs.clock import utcnow
from api.jobs.index_task_sweep import sweep_index_tasks
from api.jobs.repository import queued_waiting_since, requeue_stale
from api.jobs.runtime import WorkerRuntime
from api.jobs.staging_sweep import discard_orphan_staging

log = logging.getLogger(__name__)


def sweep_once(runtime: WorkerRuntime) -> list[str]:
    """Requeue stale running jobs, re-send long-waiting queued ones, re-send lost index tasks (scale-out
    workers) and remove staging folders no active job will publish; returns the job ids enqueued."""
    stale_after = runtime.service.stale_after_s
    requeued, failed = requeue_stale(runtime.db.sessions, stale_after_s=stale_after)
    for job_id in failed:
        log.warning("job failed: its worker died too often", extra={"job_id": job_id})
    waiting = queued_waiting_since(runtime.db.sessions, utcnow() - timedelta(seconds=stale_after))
    ids = list(dict.fromkeys([*requeued, *waiting]))
    for job_id in ids:
        runtime.enqueue(job_id)
    if requeued:
        log.warning("requeued jobs of dead workers", extra={"job_ids": requeued})
    sweep_index_tasks(runtime)
    removed = discard_orphan_staging(runtime)
    if removed:
        log.info("removed staging folders of ended jobs", extra={"revisions": removed})
    return ids


class Sweeper:
    """A daemon thread running :func:`sweep_once` every ``sweep_every_s`` seconds."""

    def __init__(self, runtime: WorkerRuntime) -> None:
        self._runtime = runtime
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="job-sweeper", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._runtime.service.sweep_every_s):
            try:
                sweep_once(self._runtime)
            except Exception:  # keep sweeping after a transient DB error
                log.exception("sweep failed")

    def start(self) -> None:
        """Start sweeping."""
        self._thread.start()

    def stop(self) -> None:
        """Stop sweeping."""
        self._stop.set()
        self._thread.join(timeout=5)
