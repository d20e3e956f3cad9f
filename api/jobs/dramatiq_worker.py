"""``montage worker``: a Dramatiq worker process running jobs from Redis until SIGTERM or SIGINT.

Two sets of threads: ``worker_threads`` run jobs (a video, a render, the coordination of a re-index) and
``index_threads`` analyse the per-file tasks a re-index fans out, so a worker whose job thread is waiting
for a re-index to finish still analyses files. The main loop refreshes the worker's presence key and the
heartbeat of the index tasks it is running.
"""

from __future__ import annotations

import logging
import signal
import threading

import dramatiq

from api.jobs import index_tasks
from api.jobs.dramatiq_queue import DramatiqQueue, PresenceBeacon, index_queue_name
from api.jobs.execution import execute_job
from api.jobs.index_file_task import IndexTaskRunner
from api.jobs.runtime import WorkerRuntime, make_worker_id
from api.jobs.sweeper import Sweeper, sweep_once
from api.service.settings import ServiceSettings
from montage.config import Settings
from montage.db.database import open_database

log = logging.getLogger(__name__)

STOP_TIMEOUT_MS = 10_000
INDEX_FETCH_WAIT_MS = 100
"""Longest pause of an index thread's consumer between looking for the next task. Dramatiq backs off up to
its ``worker_timeout`` (1 s) while a message is being processed, so with the default each short file
waited up to a second for the next one (100 clips of 2 s, one worker, submit to end: 118 s before, 71 s
after, on the loaded machine)."""


def _beat_tasks(runtime: WorkerRuntime) -> None:
    try:
        index_tasks.beat_tasks(runtime.db.sessions, runtime.worker_id)
    except Exception:  # a DB hiccup must not stop the worker; the next beat retries
        log.warning("index task heartbeat failed", exc_info=True)


def run_worker(settings: Settings, service: ServiceSettings, *, stop: threading.Event | None = None) -> None:
    """Consume job ids and index task ids until ``stop`` is set or the process gets SIGTERM/SIGINT."""
    stop = stop or threading.Event()
    db = open_database(settings, migrate=service.migrate_on_start)
    runtime: WorkerRuntime | None = None
    tasks: IndexTaskRunner | None = None

    def run(job_id: str) -> object:
        assert runtime is not None
        return execute_job(runtime, job_id)

    def run_index_task(task_id: int) -> object:
        assert tasks is not None
        return tasks.run(task_id)

    queue = DramatiqQueue(service, run=run, run_index_task=run_index_task)
    runtime = WorkerRuntime(
        settings=settings,
        service=service,
        db=db,
        worker_id=make_worker_id("worker"),
        enqueue=queue.enqueue,
        enqueue_index_task=queue.enqueue_index_task,
        index_backlog=queue.index_backlog,
    )
    tasks = IndexTaskRunner(runtime)
    workers = [
        dramatiq.Worker(queue.broker, queues={service.queue_name}, worker_threads=service.worker_threads)
    ]
    if service.index_threads > 0:
        workers.append(
            dramatiq.Worker(
                queue.broker,
                queues={index_queue_name(service)},
                worker_threads=service.index_threads,
                worker_timeout=INDEX_FETCH_WAIT_MS,
            )
        )
    for worker, threads in zip(workers, (service.worker_threads, service.index_threads), strict=False):
        worker.queue_prefetch = threads  # take one message per free thread: fair spread over workers
    beacon = PresenceBeacon(service, runtime.worker_id)
    sweeper = Sweeper(runtime)
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    beacon.beat()
    sweep_once(runtime)
    for worker in workers:
        worker.start()
    sweeper.start()
    log.info(
        "worker started",
        extra={
            "worker_id": runtime.worker_id,
            "queue": service.queue_name,
            "index_threads": service.index_threads,
        },
    )
    try:
        while not stop.wait(service.heartbeat_s):
            beacon.beat()
            _beat_tasks(runtime)
    finally:
        log.info("worker stopping", extra={"worker_id": runtime.worker_id})
        runtime.stopping.set()
        sweeper.stop()
        for worker in workers:
            worker.stop(timeout=STOP_TIMEOUT_MS)
        handed_back = index_tasks.release_owned(db.sessions, runtime.worker_id)
        for task_id in handed_back:
            queue.enqueue_index_task(task_id)
        if handed_back:
            log.info("handed back index tasks", extra={"task_ids": handed_back})
        beacon.clear()
        queue.close()
        tasks.close()
        db.engine.dispose()
