"""The batch re-index job: ``indexer.runner.run_index`` over the requested library folders."""

from __future__ import annotations

import json
from pathlib import Path

from api.jobs.handlers import HandlerOutcome
from api.jobs.payloads import ReindexJobPayload
from api.jobs.reporting import JobReporter, WorkerStopping
from api.jobs.repository import Claim
from api.jobs.runtime import WorkerRuntime


def run_reindex_job(runtime: WorkerRuntime, claim: Claim, reporter: JobReporter) -> HandlerOutcome:
    """Index the payload's folders (files fan out over the indexer's process pool); FAISS swaps atomically.

    A cancel, or the worker process shutting down, stops the run within about a second and terminates
    its analysis processes; files indexed so far stay, so the next run (a retry) resumes.
    """
    from indexer.runner import IndexRequest, run_index
    from indexer.worker_pool import IndexStopped

    payload = ReindexJobPayload.model_validate(claim.payload)
    reporter("loading models", 0.0)
    channels = runtime.channels()
    reporter.raise_if_cancelled()
    request = IndexRequest(
        paths=[Path(p) for p in payload.paths],
        manifests=[Path(m) for m in payload.manifests],
        full=payload.full,
    )
    try:
        report = run_index(
            runtime.settings,
            runtime.db,
            channels,
            request,
            reporter,
            should_stop=lambda: reporter.should_cancel() or runtime.stopping.is_set(),
        )
    except IndexStopped:
        reporter.raise_if_cancelled()
        raise WorkerStopping(
            "the worker stopped during the re-index; it runs again from where it was"
        ) from None
    warnings = []
    if report.visual_channel != "available":
        warnings.append(f"visual channel {report.visual_channel}")
    warnings.extend(f"failed to index {f['path']}: {f['code']}" for f in report.failed[:20])
    warnings.extend(f"refused {r['path']}: {r['reason']}" for r in report.refused[:20])
    warnings.extend(f"manifest: {problem}" for problem in report.manifest_problems[:20])
    result: dict[str, object] = json.loads(json.dumps(report.to_json(), default=str))
    return HandlerOutcome(result=result, warnings=warnings)
