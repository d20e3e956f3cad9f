"""``montage worker``: a Dramatiq worker process running jobs from Redis until SIGTERM or SIGINT."""

from __future__ import annotations

import logging
import signal
import threading

import dramatiq

from api.jobs.dramatiq_queue import DramatiqQueue, PresenceBeacon
from api.jobs.execution import execute_job
from api.jobs.runtime import WorkerRuntime, make_worker_id
from api.jobs.sweeper import Sweeper, sweep_once
from api.service.settings import ServiceSettings
from montage.config import Settings
from montage.db.database import open_database

log = logging.getLogger(__name__)


def run_worker(settings: Settings, service: ServiceSettings, *, stop: threading.Event | None = None) -> None:
    """Consume job ids until ``stop`` is set or the process gets SIGTERM/SIGINT."""
    stop = stop or threading.Event()
    db = open_database(settings, migrate=service.migrate_on_start)
    runtime: WorkerRuntime | None = None

    def run(job_id: str) -> object:
        assert runtime is not None
        return execute_job(runtime, job_id)

    queue = DramatiqQueue(service, run=run)
    runtime = WorkerRuntime(
        settings=settings, service=service, db=db, worker_id=make_worker_id("worker"), enqueue=queue.enqueue
    )
    worker = dramatiq.Worker(queue.broker, queues={service.queue_name}, worker_threads=service.worker_threads)
    worker.queue_prefetch = (
        service.worker_threads
    )  # take one message per free thread: fair spread over workers
    beacon = PresenceBeacon(service, runtime.worker_id)
    sweeper = Sweeper(runtime)
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    beacon.beat()
    sweep_once(runtime)
    worker.start()
    sweeper.start()
    log.info("worker started", extra={"worker_id": runtime.worker_id, "queue": service.queue_name})
    try:
        while not stop.wait(service.heartbeat_s):
            beacon.beat()
    finally:
        log.info("worker stopping", extra={"worker_id": runtime.worker_id})
        runtime.stopping.set()
        sweeper.stop()
        worker.stop(timeout=10_000)
        beacon.clear()
        queue.close()
        db.engine.dispose()
