"""Job records on a real database (SQLite, PostgreSQL): exclusive claims, ownership, stale requeue, cancel."""

from __future__ import annotations

import threading

from api.jobs import states
from api.jobs.repository import (
    claim_job,
    create_job,
    fail_job,
    finish_job,
    get_job,
    heartbeat,
    request_cancel,
    requeue_stale,
)
from api.jobs.revisions import RENDERED, add_revision, latest_rendered
from montage.config import Settings
from montage.db.database import Database, open_database
from montage.db.session import transaction
from tests.manual_clock import ManualClock


def _job(db: Database, max_attempts: int = 3) -> str:
    with transaction(db.sessions) as session:
        return create_job(session, states.REINDEX, {"paths": []}, max_attempts=max_attempts).id


def test_only_one_of_many_concurrent_claims_wins(any_db_settings: Settings) -> None:
    db = open_database(any_db_settings)
    job_id = _job(db)
    winners: list[str] = []
    barrier = threading.Barrier(6)

    def claim(worker: str) -> None:
        barrier.wait()
        if claim_job(db.sessions, job_id, worker) is not None:
            winners.append(worker)

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1
    with db.sessions() as session:
        job = get_job(session, job_id)
        assert job is not None and job.status == states.RUNNING and job.attempts == 1
        assert job.worker_id == winners[0]
    db.engine.dispose()


def test_stale_job_is_requeued_and_the_old_worker_loses_it(
    any_db_settings: Settings, manual_clock: ManualClock
) -> None:
    db = open_database(any_db_settings)
    job_id = _job(db)
    old = claim_job(db.sessions, job_id, "old-worker")
    assert old is not None and heartbeat(db.sessions, old) is False
    assert requeue_stale(db.sessions, stale_after_s=60) == ([], [])  # fresh heartbeat: left alone
    manual_clock.advance(1.2)
    requeued, failed = requeue_stale(db.sessions, stale_after_s=1.0)
    assert requeued == [job_id] and failed == []
    new = claim_job(db.sessions, job_id, "new-worker")
    assert new is not None and new.attempt == 2
    # the old worker wakes up: every write it tries is refused
    assert heartbeat(db.sessions, old) is None
    assert finish_job(db.sessions, old, {"from": "old"}, []) is False
    assert fail_job(db.sessions, old, "x", "y", retry=True) is None
    assert finish_job(db.sessions, new, {"from": "new"}, ["w"]) is True
    with db.sessions() as session:
        job = get_job(session, job_id)
        assert job is not None
        assert (job.status, job.result, job.attempts) == (states.SUCCEEDED, {"from": "new"}, 2)
        assert job.warnings == ["attempt 1 lost its worker; retried", "w"]
    db.engine.dispose()


def test_a_job_that_keeps_losing_its_worker_fails_plainly(
    any_db_settings: Settings, manual_clock: ManualClock
) -> None:
    db = open_database(any_db_settings)
    job_id = _job(db, max_attempts=2)
    for attempt in (1, 2):
        claim = claim_job(db.sessions, job_id, f"w{attempt}")
        assert claim is not None and claim.attempt == attempt
        manual_clock.advance(1.1)
        requeued, failed = requeue_stale(db.sessions, stale_after_s=1.0)
    assert requeued == [] and failed == [job_id]
    with db.sessions() as session:
        job = get_job(session, job_id)
        assert job is not None and job.status == states.FAILED and job.error_code == "worker_lost"
    db.engine.dispose()


def test_retry_until_attempts_run_out(any_db_settings: Settings) -> None:
    db = open_database(any_db_settings)
    job_id = _job(db, max_attempts=2)
    first = claim_job(db.sessions, job_id, "w")
    assert first is not None
    assert fail_job(db.sessions, first, "internal_error", "boom", retry=True) == states.QUEUED
    second = claim_job(db.sessions, job_id, "w")
    assert second is not None
    assert fail_job(db.sessions, second, "internal_error", "boom again", retry=True) == states.FAILED
    assert claim_job(db.sessions, job_id, "w") is None
    db.engine.dispose()


def test_cancel_queued_and_running(any_db_settings: Settings) -> None:
    db = open_database(any_db_settings)
    queued = _job(db)
    cancelled = request_cancel(db.sessions, queued)
    assert cancelled is not None and cancelled.status == states.CANCELLED
    assert claim_job(db.sessions, queued, "w") is None
    running = _job(db)
    claim = claim_job(db.sessions, running, "w")
    assert claim is not None
    asked = request_cancel(db.sessions, running)
    assert asked is not None and asked.status == states.RUNNING and asked.cancel_requested
    assert heartbeat(db.sessions, claim) is True
    assert request_cancel(db.sessions, "missing") is None
    db.engine.dispose()


def test_revisions_are_numbered_and_kept(any_db_settings: Settings) -> None:
    db = open_database(any_db_settings)
    with transaction(db.sessions) as session:
        job_id = create_job(session, states.VIDEO, {"article": "x"}, max_attempts=1).id
    with transaction(db.sessions) as session:
        first = add_revision(session, job_id, timeline={"segments": [1]}, status=RENDERED, artifacts_dir="/a")
        second = add_revision(session, job_id, timeline={"segments": [2]}, status="draft", base_number=1)
    assert (first.number, second.number) == (1, 2)
    with db.sessions() as session:
        rendered = latest_rendered(session, job_id)
        assert rendered is not None and rendered.number == 1 and rendered.timeline == {"segments": [1]}
    db.engine.dispose()
