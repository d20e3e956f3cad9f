"""A video job whose worker died and that the sweeper then ends (cancelled) leaves no staging folder;
staging folders of queued, running or other revisions' jobs are kept. Real SQLite, real folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.jobs import artifacts, states
from api.jobs.repository import claim_job, create_job, get_job, request_cancel
from api.jobs.runtime import WorkerRuntime
from api.jobs.sweeper import sweep_once
from api.service.settings import ServiceSettings
from montage.config import Settings
from montage.db.database import open_database
from montage.db.session import transaction
from tests.manual_clock import ManualClock

pytestmark = pytest.mark.reliability


def _video_job(runtime: WorkerRuntime) -> str:
    with transaction(runtime.db.sessions) as session:
        return create_job(session, states.VIDEO, {"article": "x"}, max_attempts=3).id


def test_sweeper_removes_the_staging_folder_of_a_job_it_ends(
    tmp_path: Path, manual_clock: ManualClock
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    runtime = WorkerRuntime(
        settings=settings,
        service=ServiceSettings(stale_after_s=1.0, log_json=False),
        db=open_database(settings),
        worker_id="sweeper-test",
        enqueue=lambda _job_id: None,
    )
    died, waiting = _video_job(runtime), _video_job(runtime)
    assert claim_job(runtime.db.sessions, died, "dead-worker") is not None
    dead_staging = artifacts.staging_dir(settings.artifact_dir, died, 1)
    (dead_staging / "video.srt").write_text("half written")
    waiting_staging = artifacts.staging_dir(settings.artifact_dir, waiting, 1)  # left by an earlier attempt
    request_cancel(runtime.db.sessions, died)  # the worker is dead: nobody acts on it but the sweeper
    manual_clock.advance(1.2)  # the dead worker's heartbeat is now stale

    sweep_once(runtime)

    with runtime.db.sessions() as session:
        job = get_job(session, died)
        assert job is not None and job.status == states.CANCELLED
    assert not artifacts.video_root(settings.artifact_dir, died).exists()
    assert waiting_staging.is_dir()  # still queued: its retry may reuse the folder
    runtime.db.engine.dispose()
