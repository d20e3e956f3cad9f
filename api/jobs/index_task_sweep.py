"""Re-send the per-file tasks of a fanned-out re-index that lost their worker or their queue message.

Run by every ``montage worker``'s sweeper. A running task whose heartbeat is older than
``MONTAGE_SERVICE_STALE_AFTER_S`` lost its worker (SIGKILL, crash, lost machine): it is queued again and
re-sent, or — after ``MONTAGE_SERVICE_MAX_ATTEMPTS`` — its file is recorded as failed (``worker_lost``).
A queued task untouched that long is re-sent only when Redis holds no index task message at all: then its
message was lost (never sent, or dropped with Redis); while messages wait, re-sending would only flood
the queue with duplicates (which a claim would drop anyway).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from api.jobs.clock import utcnow
from api.jobs.runtime import WorkerRuntime

log = logging.getLogger(__name__)


def sweep_index_tasks(runtime: WorkerRuntime) -> list[int]:
    """Requeue stale running tasks and re-send queued tasks whose message is lost; returns ids sent."""
    send = runtime.enqueue_index_task
    if send is None:
        return []
    from api.jobs import index_tasks  # the indexer is loaded only where index tasks run
    from indexer.runner import analyzer_version

    service = runtime.service
    requeued, failed = index_tasks.requeue_stale_tasks(
        runtime.db.sessions,
        stale_after_s=service.stale_after_s,
        max_attempts=service.max_attempts,
        analyzer_version=analyzer_version(runtime.settings),
    )
    if failed:
        log.warning("index tasks failed: their worker died too often", extra={"task_ids": failed})
    if requeued:
        log.warning("requeued index tasks of dead workers", extra={"task_ids": requeued})
    lost: list[int] = []
    if runtime.index_backlog is not None and runtime.index_backlog() == 0:
        cutoff = utcnow() - timedelta(seconds=service.stale_after_s)
        lost = index_tasks.queued_untouched(runtime.db.sessions, cutoff)
        if lost:
            log.warning("re-sent index tasks whose message was lost", extra={"task_ids": lost[:50]})
    ids = list(dict.fromkeys([*requeued, *lost]))
    for task_id in ids:
        send(task_id)
    return ids
