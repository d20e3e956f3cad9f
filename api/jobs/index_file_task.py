"""The per-file task of a fanned-out re-index, run by ``montage worker``: claim, analyse, store, done.

The file is analysed in the worker process (``indexer.file_worker.process_file``, the same function the
single-machine pool runs) and stored with ``indexer.file_store.store_outcome``; the task is marked done in
that same transaction, only while this worker still owns the attempt. A SIGKILL at any point leaves either
the file stored and its task done, or neither: the task's heartbeat goes stale and a sweeper queues it again.
Keyframes are written (atomically, named by shot id) to this worker's keyframe store before the transaction;
see docs/service.md for why that store must be the shared one. With the visual channel, a long file's
settled keyframes are embedded by a thread of this worker while the file still decodes
(:mod:`indexer.early_keyframes`), as in the embedded index run.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.orm import Session

from api.jobs import index_tasks
from api.jobs.index_tasks import TaskClaim, TaskLost
from api.jobs.payloads import ReindexJobPayload
from api.jobs.runtime import WorkerRuntime
from indexer.early_keyframes import EarlyKeyframes
from indexer.file_store import StoreContext, StoredFile, store_outcome
from indexer.file_worker import FileJob, process_file
from indexer.keyframe_store import KeyframeStore
from indexer.runner import analysis_options, analyzer_version, store_context
from montage.db.models import Job
from montage.errors import MontageError

log = logging.getLogger(__name__)

_CONTEXTS_KEPT = 4


class IndexTaskRunner:
    """Runs index tasks for one worker process; keeps each run's store context (manifests) once loaded."""

    def __init__(self, runtime: WorkerRuntime) -> None:
        self._runtime = runtime
        self._contexts: dict[str, StoreContext] = {}
        self._lock = threading.Lock()
        self._early: EarlyKeyframes | None = None

    def _early_keyframes(self, context: StoreContext) -> EarlyKeyframes | None:
        """The thread embedding long files' keyframes during their pass (started on first use; ``None``
        without the visual channel)."""
        visual = context.channels.visual
        if visual is None:
            return None
        with self._lock:
            if self._early is None:
                self._early = EarlyKeyframes(visual, in_process=True)
            return self._early

    @property
    def keyframes_embedded_early(self) -> int:
        """Keyframe vectors this worker found early so far (not embedded again when stored)."""
        return 0 if self._early is None else self._early.reused

    def close(self) -> None:
        """Stop the early-embedding thread, if it was started."""
        with self._lock:
            early, self._early = self._early, None
        if early is not None:
            early.close()

    def _context(self, job_id: str) -> StoreContext:
        with self._lock:
            cached = self._contexts.get(job_id)
            if cached is not None:
                return cached
            runtime = self._runtime
            with runtime.db.sessions() as session:
                job = session.get(Job, job_id)
                if job is None:
                    raise MontageError(f"re-index job {job_id} does not exist", code="job_not_found")
                payload = ReindexJobPayload.model_validate(job.payload)
            context = store_context(
                runtime.settings,
                runtime.db,
                runtime.channels(),
                payload.to_index_request(),
                keyframes=KeyframeStore(runtime.settings.keyframe_dir.resolve()),
            )
            while len(self._contexts) >= _CONTEXTS_KEPT:
                self._contexts.pop(next(iter(self._contexts)))
            self._contexts[job_id] = context
            return context

    def run(self, task_id: int) -> str | None:
        """Run one task if it can be claimed; returns its new status, or None for a duplicate message."""
        runtime = self._runtime
        claim = index_tasks.claim_task(runtime.db.sessions, task_id, runtime.worker_id)
        if claim is None:
            return None
        extra = {
            "task_id": task_id,
            "job_id": claim.job_id,
            "attempt": claim.attempt,
            "path": str(claim.item.path),
        }
        log.info("index task started", extra=extra)
        try:
            stored = self._analyse_and_store(claim)
        except TaskLost:
            log.warning("index task was taken over by another worker; result dropped", extra=extra)
            return None
        except Exception as exc:  # unexpected (a DB outage, a bug): retried while attempts remain
            log.exception("index task crashed", extra=extra)
            return index_tasks.release_task(
                runtime.db.sessions,
                claim,
                "internal_error",
                f"{type(exc).__name__}: {exc}",
                max_attempts=runtime.service.max_attempts,
                analyzer_version=analyzer_version(runtime.settings),
            )
        status = index_tasks.STORED if stored.error_code is None else index_tasks.FAILED
        log.info("index task done", extra={**extra, "status": status, "shots": stored.shots})
        return status

    def _analyse_and_store(self, claim: TaskClaim) -> StoredFile:
        settings = self._runtime.settings
        context = self._context(claim.job_id)
        early = self._early_keyframes(context)
        started = time.perf_counter()
        outcome = process_file(
            FileJob(claim.item.path, analysis_options(settings), settings.index.probe_timeout_s),
            offer_to=None if early is None else early.queue,
        )
        seconds = time.perf_counter() - started

        def mark_done(session: Session, stored: StoredFile) -> None:
            index_tasks.complete_task(session, claim, stored, seconds)

        return store_outcome(
            self._runtime.db.sessions, context, claim.item, outcome, also=mark_done, early=early
        )
