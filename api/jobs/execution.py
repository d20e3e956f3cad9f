"""Run one job id: claim it, beat while it runs, dispatch to its kind's handler, record how it ended.

Failures a user caused (a ``MontageError``) end the job at once with their code; anything unexpected is
retried (requeued) until ``max_attempts`` is reached. A claim that fails means another worker has the
job or it already ended — the message was a duplicate and is dropped, so delivery can be at-least-once.
"""

from __future__ import annotations

import logging

from sqlalchemy import update

from api.jobs import artifacts, states
from api.jobs.handlers import Handler
from api.jobs.handlers.reindex import run_reindex_job
from api.jobs.handlers.render import run_render_job
from api.jobs.handlers.video import FIRST_REVISION, run_video_job
from api.jobs.payloads import RenderJobPayload
from api.jobs.reporting import Heartbeat, JobCancelled, JobReporter, WorkerStopping
from api.jobs.repository import Claim, claim_job, fail_job, finish_job
from api.jobs.revisions import RENDER_FAILED
from api.jobs.runtime import WorkerRuntime
from montage.db.models import VideoRevision
from montage.db.session import transaction
from montage.errors import MontageError

log = logging.getLogger(__name__)

HANDLERS: dict[str, Handler] = {
    states.VIDEO: run_video_job,
    states.RENDER: run_render_job,
    states.REINDEX: run_reindex_job,
}


def _mark_render_failed(runtime: WorkerRuntime, claim: Claim) -> None:
    if claim.kind != states.RENDER:
        return
    payload = RenderJobPayload.model_validate(claim.payload)
    with transaction(runtime.db.sessions) as session:
        session.execute(
            update(VideoRevision)
            .where(VideoRevision.job_id == payload.video_job_id, VideoRevision.number == payload.revision)
            .values(status=RENDER_FAILED)
            .execution_options(synchronize_session=False)
        )


def _discard_staging(runtime: WorkerRuntime, claim: Claim) -> None:
    """A video or render job that ended without publishing leaves no staging folder behind."""
    if claim.kind == states.VIDEO:
        artifacts.discard_staging(runtime.settings.artifact_dir, claim.job_id, FIRST_REVISION)
    elif claim.kind == states.RENDER:
        payload = RenderJobPayload.model_validate(claim.payload)
        artifacts.discard_staging(runtime.settings.artifact_dir, payload.video_job_id, payload.revision)


def _fail(
    runtime: WorkerRuntime, claim: Claim, code: str, message: str, *, retry: bool, status: str
) -> str | None:
    outcome = fail_job(runtime.db.sessions, claim, code, message, retry=retry, status=status)
    if outcome == states.QUEUED:
        runtime.enqueue(claim.job_id)
    elif outcome in states.TERMINAL:
        _mark_render_failed(runtime, claim)
        _discard_staging(runtime, claim)
    return outcome


def _cancelled(runtime: WorkerRuntime, claim: Claim) -> str | None:
    return _fail(runtime, claim, "cancelled", "cancelled on request", retry=False, status=states.CANCELLED)


def execute_job(runtime: WorkerRuntime, job_id: str) -> str | None:
    """Run the job if it can be claimed; returns its new status, or None when the message was a duplicate."""
    claim = claim_job(runtime.db.sessions, job_id, runtime.worker_id)
    if claim is None:
        return None
    log.info("job started", extra={"job_id": job_id, "kind": claim.kind, "attempt": claim.attempt})
    reporter = JobReporter(runtime.db.sessions, claim)
    handler = HANDLERS.get(claim.kind)
    with Heartbeat(reporter, runtime.service.heartbeat_s):
        try:
            if handler is None:
                raise MontageError(f"unknown job kind {claim.kind!r}", code="unknown_job_kind")
            outcome = handler(runtime, claim, reporter)
        except JobCancelled:
            status = _fail(
                runtime, claim, "cancelled", "cancelled on request", retry=False, status=states.CANCELLED
            )
            log.info("job cancelled", extra={"job_id": job_id})
            return status
        except WorkerStopping as exc:  # the service is shutting down: the job runs again after a restart
            log.info("job stopped with its worker; requeued", extra={"job_id": job_id})
            return _fail(runtime, claim, "worker_stopped", str(exc), retry=True, status=states.FAILED)
        except MontageError as exc:
            if reporter.should_cancel():
                return _fail(
                    runtime, claim, "cancelled", "cancelled on request", retry=False, status=states.CANCELLED
                )
            log.warning("job failed: %s", exc.message, extra={"job_id": job_id, "code": exc.code})
            return _fail(runtime, claim, exc.code, exc.message, retry=False, status=states.FAILED)
        except Exception as exc:  # unexpected: retried while attempts remain
            log.exception("job crashed", extra={"job_id": job_id})
            message = f"{type(exc).__name__}: {exc}"
            return _fail(runtime, claim, "internal_error", message, retry=True, status=states.FAILED)
    if not finish_job(runtime.db.sessions, claim, outcome.result, outcome.warnings, also=outcome.on_success):
        log.warning("job finished but was no longer ours; result dropped", extra={"job_id": job_id})
        return None
    log.info("job succeeded", extra={"job_id": job_id})
    return states.SUCCEEDED
