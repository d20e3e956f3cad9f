"""The re-index job fanned out over the queue (``montage worker`` processes, scale-out mode).

The job's worker thread coordinates: it plans the run (discover, skip unchanged files, refresh changed
text), records one task per file to analyse together with the run (one transaction), sends the task ids
to the index queue, then waits — heartbeating the job — until no task is queued or running. Any worker's
index threads analyse and store the files. Last, the coordinator finishes the run once: deletions,
near-duplicate groups, keyframe pruning and one FAISS build per channel, published atomically in the
index folder every process reads.

A coordinator that dies (SIGKILL) loses nothing: the job's heartbeat goes stale, the sweeper requeues the
job, and the next attempt finds the run already planned and goes back to waiting (finishing is idempotent).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from api.jobs import index_tasks
from api.jobs.handlers import HandlerOutcome
from api.jobs.payloads import ReindexJobPayload
from api.jobs.reporting import JobCancelled, JobReporter, WorkerStopping
from api.jobs.repository import Claim
from api.jobs.runtime import WorkerRuntime
from indexer.keyframe_store import KeyframeStore
from indexer.runner import IndexReport, finish_index, plan_index, request_roots

log = logging.getLogger(__name__)

WAIT_POLL_S = 0.5
"""How often the coordinator counts the run's open tasks."""


def _plan(runtime: WorkerRuntime, claim: Claim, payload: ReindexJobPayload, reporter: JobReporter) -> None:
    """Plan the run and send its tasks, unless an earlier attempt of this job already planned it."""
    with runtime.db.sessions() as session:
        if index_tasks.get_run(session, claim.job_id) is not None:
            return
    reporter("planning", 0.0)
    plan = plan_index(
        runtime.settings,
        runtime.db,
        runtime.channels(),
        payload.to_index_request(),
        keyframes=KeyframeStore(runtime.settings.keyframe_dir.resolve()),
    )
    planned = json.loads(json.dumps(plan.report.to_json(), default=str))
    ids = index_tasks.create_run(runtime.db.sessions, claim.job_id, planned, plan.todo)
    assert runtime.enqueue_index_task is not None
    for task_id in ids or []:
        runtime.enqueue_index_task(task_id)
    log.info("re-index fanned out", extra={"job_id": claim.job_id, "tasks": len(ids or [])})


def _wait(runtime: WorkerRuntime, claim: Claim, reporter: JobReporter) -> None:
    """Wait until no task of the run is queued or running; honour cancel and worker shutdown."""
    while True:
        with runtime.db.sessions() as session:
            counts = index_tasks.task_counts(session, claim.job_id)
        total = sum(counts.values())
        open_tasks = sum(counts.get(status, 0) for status in index_tasks.OPEN)
        reporter("indexing", (total - open_tasks) / total if total else 1.0)
        if reporter.cancel_event.is_set():
            index_tasks.set_run_status(runtime.db.sessions, claim.job_id, index_tasks.RUN_CANCELLED)
            raise JobCancelled("cancelled")
        if reporter.lost_event.is_set():  # another worker coordinates this job now
            raise JobCancelled("the job was taken over by another worker")
        if runtime.stopping.is_set():
            raise WorkerStopping("the worker stopped while coordinating the re-index; another one resumes it")
        if open_tasks == 0:
            return
        time.sleep(WAIT_POLL_S)


def _planned_report(planned: dict[str, object]) -> IndexReport:
    """The report as planning left it (stored with the run as JSON)."""

    def count(key: str) -> int:
        value = planned.get(key, 0)
        return int(value) if isinstance(value, int | float) else 0

    def items(key: str) -> list[Any]:
        value = planned.get(key, [])
        return list(value) if isinstance(value, list) else []

    return IndexReport(
        discovered=count("discovered"),
        unchanged=count("unchanged"),
        text_refreshed=count("text_refreshed"),
        refused=items("refused"),
        manifest_problems=items("manifest_problems"),
        visual_channel=str(planned.get("visual_channel", "available")),
    )


def run_queued_reindex(runtime: WorkerRuntime, claim: Claim, reporter: JobReporter) -> HandlerOutcome:
    """Plan, fan out, wait for the files, then finish the run once (FAISS built and published once)."""
    payload = ReindexJobPayload.model_validate(claim.payload)
    reporter("loading models", 0.0)
    channels = runtime.channels()
    reporter.raise_if_cancelled()
    _plan(runtime, claim, payload, reporter)
    _wait(runtime, claim, reporter)
    reporter("finishing", 0.0)
    index_tasks.set_run_status(runtime.db.sessions, claim.job_id, index_tasks.FINISHING)
    with runtime.db.sessions() as session:
        run = index_tasks.get_run(session, claim.job_id)
        assert run is not None
        planned = dict(run.plan)
    report = _planned_report(planned)
    finish_index(
        runtime.settings,
        runtime.db,
        channels,
        roots=request_roots(payload.to_index_request()),
        report=report,
        keyframes=KeyframeStore(runtime.settings.keyframe_dir.resolve()),
        retrain=payload.full,
    )
    with runtime.db.sessions() as session:
        summary = index_tasks.summarise(session, claim.job_id)
    report.indexed, report.shots_written = summary.indexed, summary.shots
    report.media_seconds, report.failed, report.seconds = (
        summary.media_seconds,
        summary.failed,
        summary.seconds,
    )
    index_tasks.set_run_status(runtime.db.sessions, claim.job_id, index_tasks.DONE)
    result: dict[str, object] = json.loads(json.dumps(report.to_json(), default=str))
    result["fanned_out"] = {"tasks": summary.indexed + len(summary.failed), "retried": summary.retried}
    result["workers"] = summary.workers
    return HandlerOutcome(result=result, warnings=report_warnings(report))


def report_warnings(report: IndexReport) -> list[str]:
    """The job warnings of an index report: visual channel, failed and refused files, manifest problems."""
    warnings = []
    if report.visual_channel != "available":
        warnings.append(f"visual channel {report.visual_channel}")
    warnings.extend(f"failed to index {f['path']}: {f['code']}" for f in report.failed[:20])
    warnings.extend(f"refused {r['path']}: {r['reason']}" for r in report.refused[:20])
    warnings.extend(f"manifest: {problem}" for problem in report.manifest_problems[:20])
    return warnings
