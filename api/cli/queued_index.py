"""`montage index --queue`: start a re-index job on the service's queue and (optionally) follow it.

The job is the same one `POST /v1/library/reindex` makes. With ``MONTAGE_SERVICE_QUEUE=dramatiq`` its id
goes to Redis and the `montage worker` processes fan it out as per-file tasks; in embedded mode a running
`montage serve` picks it up (its sweeper re-sends queued jobs within ``MONTAGE_SERVICE_STALE_AFTER_S``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer

from api.cli.context import CliContext, console
from api.jobs import states
from api.jobs.payloads import ReindexJobPayload
from api.jobs.repository import active_job_of_kind, create_job, get_job
from api.service.settings import ServiceSettings
from montage.db.session import transaction

POLL_S = 1.0


def submit_reindex(ctx: CliContext, paths: list[Path], manifests: list[Path], full: bool) -> str:
    """Record a queued re-index job and send it to the queue; returns its id. Exits 3 while one is active."""
    service = ServiceSettings()
    payload = ReindexJobPayload(
        paths=[str(p.expanduser().resolve()) for p in paths],
        manifests=[str(m.expanduser().resolve()) for m in manifests],
        full=full,
    )
    with transaction(ctx.db.sessions) as session:
        active = active_job_of_kind(session, states.REINDEX)
        if active is not None:
            console.print(f"[red]re-index job {active.id} is already {active.status}[/]")
            raise typer.Exit(3)
        job_id = create_job(
            session, states.REINDEX, payload.model_dump(), max_attempts=service.max_attempts
        ).id
    if service.queue == "dramatiq":
        from api.jobs.dramatiq_queue import DramatiqQueue

        queue = DramatiqQueue(service)
        try:
            queue.enqueue(job_id)
            presence = queue.index_workers()
        finally:
            queue.close()
        if not presence.available:  # the job is safe in Redis and the database; say why nothing happens yet
            console.print(
                f"[yellow]{presence.detail}: the job waits until a `montage worker` with index threads "
                "starts[/]"
            )
    else:
        console.print("embedded mode: a running `montage serve` picks the job up")
    return job_id


def follow_job(ctx: CliContext, job_id: str, *, as_json: bool) -> None:
    """Print the job's stage and progress until it ends; exit 1 unless it succeeded."""
    last = ""
    while True:
        with ctx.db.sessions() as session:
            job = get_job(session, job_id)
            assert job is not None
            status, stage, progress = job.status, job.stage or "", job.progress
            result, error = job.result, (job.error_code, job.error_message)
            ran = job.finished_at - job.started_at if job.finished_at and job.started_at else None
        line = f"{status} {stage} {progress:.0%}"
        if line != last and not as_json:
            console.print(line)
            last = line
        if status in states.TERMINAL:
            break
        time.sleep(POLL_S)
    if as_json:
        seconds = round(ran.total_seconds(), 3) if ran is not None else None
        out = {"id": job_id, "status": status, "job_seconds": seconds, "result": result, "error": error[0]}
        print(json.dumps(out, indent=2))
    elif status == states.SUCCEEDED and result is not None:
        console.print(
            f"indexed {result.get('indexed')}, unchanged {result.get('unchanged')}, "
            f"failed {len(result.get('failed') or [])}; {result.get('shots_written')} shots "  # type: ignore[arg-type]
            f"in {float(result.get('seconds') or 0):.1f} s"  # type: ignore[arg-type]
        )
        for worker, split in dict(result.get("workers") or {}).items():  # type: ignore[call-overload]
            console.print(f"  {worker}: {split['files']} files, {split['shots']} shots")
    else:
        console.print(f"[red]{status}[/] {error[0]}: {error[1]}")
    if status != states.SUCCEEDED:
        raise typer.Exit(1)
