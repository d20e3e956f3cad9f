"""The batch re-index job: in one worker's process pool (embedded mode), or fanned out over the queue.

In scale-out mode (a ``montage worker`` with an index queue) the job becomes per-file tasks that any
worker analyses (:mod:`api.jobs.handlers.queued_reindex`); otherwise ``indexer.runner.run_index`` runs
here, its files fanned out over the indexer's process pool.
"""

from __future__ import annotations

import json

from api.jobs.handlers import HandlerOutcome
from api.jobs.payloads import ReindexJobPayload
from api.jobs.reporting import JobReporter, WorkerStopping
from api.jobs.repository import Claim
from api.jobs.runtime import WorkerRuntime


def run_reindex_job(runtime: WorkerRuntime, claim: Claim, reporter: JobReporter) -> HandlerOutcome:
    """Index the payload's folders; the FAISS indexes are brought up to date once at the end and swapped
    atomically.

    In the process pool, a cancel or the worker process shutting down stops the run within about a second
    and terminates its analysis processes; files indexed so far stay, so the next run (a retry) resumes.
    """
    from api.jobs.handlers.queued_reindex import report_warnings, run_queued_reindex

    if runtime.enqueue_index_task is not None:
        return run_queued_reindex(runtime, claim, reporter)
    from indexer.runner import run_index
    from indexer.worker_pool import IndexStopped

    payload = ReindexJobPayload.model_validate(claim.payload)
    reporter("loading models", 0.0)
    channels = runtime.channels()
    reporter.raise_if_cancelled()
    try:
        report = run_index(
            runtime.settings,
            runtime.db,
            channels,
            payload.to_index_request(),
            reporter,
            should_stop=lambda: reporter.should_cancel() or runtime.stopping.is_set(),
        )
    except IndexStopped:
        reporter.raise_if_cancelled()
        raise WorkerStopping(
            "the worker stopped during the re-index; it runs again from where it was"
        ) from None
    result: dict[str, object] = json.loads(json.dumps(report.to_json(), default=str))
    return HandlerOutcome(result=result, warnings=report_warnings(report))
