"""The embedded mode: worker threads inside the API process, fed by an in-memory queue of job ids.

Nothing is lost when the process dies: job state is in the database, and on start every queued job is put
back on the queue while the sweeper requeues jobs that were running when the process died.
"""

from __future__ import annotations

import logging
import queue
import threading

from api.jobs.execution import execute_job
from api.jobs.queue import WorkerPresence
from api.jobs.repository import all_queued
from api.jobs.runtime import WorkerRuntime, make_worker_id
from api.jobs.sweeper import Sweeper, sweep_once
from api.service.settings import ServiceSettings
from montage.config import Settings
from montage.db.database import Database

log = logging.getLogger(__name__)

_STOP = "__stop__"


class LocalWorkerPool:
    """``threads`` workers running jobs from an in-process queue; implements ``JobQueue``."""

    def __init__(self, settings: Settings, service: ServiceSettings, db: Database, *, threads: int) -> None:
        self._queue: queue.Queue[str] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._work, name=f"montage-worker-{i}", daemon=True)
            for i in range(threads)
        ]
        self.runtime = WorkerRuntime(
            settings=settings,
            service=service,
            db=db,
            worker_id=make_worker_id("embedded"),
            enqueue=self.enqueue,
        )
        self._sweeper = Sweeper(self.runtime)
        self._started = False

    def enqueue(self, job_id: str) -> None:
        """Put a job id on the in-memory queue."""
        self._queue.put(job_id)

    def workers(self) -> WorkerPresence:
        """Embedded worker threads alive in this process."""
        alive = sum(thread.is_alive() for thread in self._threads)
        if not self._threads:
            return WorkerPresence(
                False, 0, "embedded pool has no worker threads (MONTAGE_SERVICE_EMBEDDED_WORKERS=0)"
            )
        return WorkerPresence(alive > 0, alive, f"{alive} embedded worker thread(s) in the API process")

    def start(self) -> None:
        """Start the threads and the sweeper; requeue what was left over by an earlier process."""
        if self._started:
            return
        self._started = True
        for thread in self._threads:
            thread.start()
        sweep_once(self.runtime)
        with self.runtime.db.sessions() as session:
            for job_id in all_queued(session):
                self.enqueue(job_id)
        self._sweeper.start()

    def stop(self) -> None:
        """Stop taking jobs, ask running re-indexes to stop, and wait briefly for the threads."""
        self.runtime.stopping.set()
        self._sweeper.stop()
        for _ in self._threads:
            self._queue.put(_STOP)
        for thread in self._threads:
            thread.join(timeout=2)

    def _work(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id == _STOP:
                return
            try:
                execute_job(self.runtime, job_id)
            except Exception:  # a broken job must not take the thread down
                log.exception("job runner crashed", extra={"job_id": job_id})
