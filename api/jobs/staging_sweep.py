"""Remove staging folders no queued or running job can still publish.

A job that ends normally removes its own staging folder (``execution``). One whose worker died is ended by
the sweeper instead (cancelled, or failed after losing too many workers), and nobody else knows its folder:
this pass, run by every sweep, removes ``videos/<job>/.staging-r<N>`` folders whose revision no queued or
running video or render job will write. The folders are listed before the jobs are read, so a job that
starts in between is seen as active and keeps its folder.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from api.jobs import artifacts, states
from api.jobs.handlers.video import FIRST_REVISION
from api.jobs.runtime import WorkerRuntime
from montage.db.models import Job

_STAGING = re.compile(r"\.staging-r(\d+)")


def staging_folders(artifact_dir: Path) -> list[tuple[str, int]]:
    """``(job id, revision)`` of every staging folder under ``artifact_dir/videos``."""
    videos = artifact_dir / "videos"
    if not videos.is_dir():
        return []
    found: list[tuple[str, int]] = []
    for folder in videos.glob("*/.staging-r*"):
        match = _STAGING.fullmatch(folder.name)
        if match and folder.is_dir():
            found.append((folder.parent.name, int(match.group(1))))
    return found


def busy_revisions(runtime: WorkerRuntime) -> set[tuple[str, int]]:
    """``(video job id, revision)`` that a queued or running video or render job may still publish."""
    active = (states.QUEUED, states.RUNNING)
    with runtime.db.sessions() as session:
        rows = session.execute(
            select(Job.id, Job.kind, Job.video_job_id, Job.revision).where(Job.status.in_(active))
        ).all()
    busy: set[tuple[str, int]] = set()
    for job_id, kind, video_job_id, revision in rows:
        if kind == states.VIDEO:
            busy.add((str(job_id), FIRST_REVISION))
        elif kind == states.RENDER and video_job_id is not None and revision is not None:
            busy.add((str(video_job_id), int(revision)))
    return busy


def discard_orphan_staging(runtime: WorkerRuntime) -> list[tuple[str, int]]:
    """Remove staging folders of revisions no active job will publish; returns which were removed."""
    found = staging_folders(runtime.settings.artifact_dir)
    if not found:
        return []
    busy = busy_revisions(runtime)
    orphans = [item for item in found if item not in busy]
    for job_id, revision in orphans:
        artifacts.discard_staging(runtime.settings.artifact_dir, job_id, revision)
    return orphans
