"""Per-file index task records (SQLite and PostgreSQL): one claim per attempt, results only from the owner
of the attempt (in the same transaction as the file's rows), stale tasks queued again, and files whose
worker keeps dying recorded as failed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from api.jobs import index_tasks, states
from api.jobs.index_tasks import TaskLost
from api.jobs.repository import create_job
from indexer.discover import DiscoveredFile
from indexer.file_store import StoreContext, store_outcome
from indexer.keyframe_store import KeyframeStore
from indexer.library_manifests import LibraryManifests
from indexer.runner import crashed_outcome
from montage.config import Settings
from montage.db.database import Database, open_database
from montage.db.models import IndexTask, Source
from montage.db.session import transaction
from montage.search.channels import Channels
from tests.manual_clock import ManualClock


@pytest.fixture
def db(any_db_settings: Settings) -> Iterator[Database]:
    database = open_database(any_db_settings)
    yield database
    database.engine.dispose()


def _run(db: Database, root: Path, files: int = 2) -> tuple[str, list[int]]:
    with transaction(db.sessions) as session:
        job_id = create_job(session, states.REINDEX, {"paths": [str(root)]}, max_attempts=3).id
    items = [DiscoveredFile(root / f"clip{i}.mp4", root, f"clip{i}.mp4") for i in range(files)]
    for item in items:
        item.path.write_bytes(b"not a video")
    ids = index_tasks.create_run(db.sessions, job_id, {"discovered": files}, items)
    assert ids is not None
    return job_id, ids


def _context(tmp_path: Path) -> StoreContext:
    # a failed file is stored without text or keyframes: no encoder is needed
    no_encoder = Channels(text=None, visual=None, visual_reason="not needed")  # type: ignore[arg-type]
    return StoreContext(
        channels=no_encoder,
        keyframes=KeyframeStore(tmp_path / "keyframes"),
        version="test",
        manifest=LibraryManifests(),
    )


def test_a_task_is_claimed_once_and_a_run_is_planned_once(db: Database, library_root: Path) -> None:
    job_id, ids = _run(db, library_root)
    assert (
        index_tasks.create_run(db.sessions, job_id, {}, []) is None
    )  # a retried coordinator re-plans nothing
    first = index_tasks.claim_task(db.sessions, ids[0], "worker-a")
    assert first is not None and first.attempt == 1
    assert index_tasks.claim_task(db.sessions, ids[0], "worker-b") is None  # a duplicate message
    index_tasks.set_run_status(db.sessions, job_id, index_tasks.RUN_CANCELLED)
    assert index_tasks.claim_task(db.sessions, ids[1], "worker-b") is None
    with db.sessions() as session:
        assert index_tasks.task_counts(session, job_id) == {"running": 1, "cancelled": 1}


def test_only_the_owner_of_the_attempt_stores_the_file(
    db: Database, library_root: Path, tmp_path: Path, manual_clock: ManualClock
) -> None:
    job_id, ids = _run(db, library_root, files=1)
    stale = index_tasks.claim_task(db.sessions, ids[0], "worker-a")
    assert stale is not None
    manual_clock.advance(60)  # worker-a stops beating
    assert index_tasks.requeue_stale_tasks(
        db.sessions, stale_after_s=30, max_attempts=3, analyzer_version="test"
    ) == ([ids[0]], [])
    owner = index_tasks.claim_task(db.sessions, ids[0], "worker-b")
    assert owner is not None and owner.attempt == 2
    outcome = crashed_outcome(stale.item, "bad media", "corrupt_media")

    def completes(claim: index_tasks.TaskClaim) -> object:
        return lambda session, stored: index_tasks.complete_task(session, claim, stored, 0.1)

    with pytest.raises(TaskLost):  # worker-a came back: its whole transaction rolls back
        store_outcome(db.sessions, _context(tmp_path), stale.item, outcome, also=completes(stale))  # type: ignore[arg-type]
    with db.sessions() as session:
        assert session.scalars(select(Source)).all() == []
    store_outcome(db.sessions, _context(tmp_path), owner.item, outcome, also=completes(owner))  # type: ignore[arg-type]
    with db.sessions() as session:
        assert [s.status for s in session.scalars(select(Source))] == ["failed"]
        task = session.get(IndexTask, ids[0])
        assert task is not None and (task.status, task.worker_id, task.attempts) == ("failed", "worker-b", 2)
        summary = index_tasks.summarise(session, job_id)
    assert summary.workers == {"worker-b": {"files": 1, "shots": 0, "media_seconds": 0.0, "seconds": 0.1}}


def test_a_file_whose_worker_keeps_dying_is_recorded_failed(
    db: Database, library_root: Path, manual_clock: ManualClock
) -> None:
    _job_id, ids = _run(db, library_root, files=1)
    for attempt in (1, 2):
        assert index_tasks.claim_task(db.sessions, ids[0], f"worker-{attempt}") is not None
        manual_clock.advance(60)
        requeued, failed = index_tasks.requeue_stale_tasks(
            db.sessions, stale_after_s=30, max_attempts=2, analyzer_version="test"
        )
        assert (requeued, failed) == (([ids[0]], []) if attempt == 1 else ([], [ids[0]]))
    with db.sessions() as session:
        source = session.scalars(select(Source)).one()
        assert (source.status, source.error_code) == ("failed", "worker_lost")


def test_a_stopping_worker_hands_its_tasks_back_without_using_an_attempt(
    db: Database, library_root: Path
) -> None:
    _job_id, ids = _run(db, library_root, files=2)
    assert index_tasks.claim_task(db.sessions, ids[0], "worker-a") is not None
    assert index_tasks.beat_tasks(db.sessions, "worker-a") == 1
    assert index_tasks.release_owned(db.sessions, "worker-a") == [ids[0]]
    with db.sessions() as session:
        task = session.get(IndexTask, ids[0])
        assert task is not None and (task.status, task.attempts, task.worker_id) == ("queued", 0, None)
