"""Leases on queued rows (jobs and index tasks): one conditional UPDATE hands a row to one worker.

A row is taken by ``UPDATE … SET status = running, attempts = attempts + 1, worker_id, heartbeat_at,
updated_at WHERE id = … AND status = queued [AND …]``: exactly one worker's UPDATE changes it, so a
duplicate queue message finds nothing to take. Every later write of that worker is conditional on still
owning the attempt (:func:`owned_by`: same worker id and attempt, status running), so a worker presumed
dead that comes back can never overwrite a newer attempt.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, update
from sqlalchemy.orm import Session

from montage.db.models import IndexTask, Job

Leased = type[Job] | type[IndexTask]


def take_lease(
    session: Session,
    model: Leased,
    row_id: str | int,
    *,
    worker_id: str,
    now: datetime,
    queued: str,
    running: str,
    conditions: tuple[ColumnElement[bool], ...] = (),
    values: dict[str, object] | None = None,
) -> bool:
    """Move row ``row_id`` from ``queued`` to ``running`` for ``worker_id`` (attempt + 1) when it is queued
    and ``conditions`` hold; True when this call took it. ``values`` are set as well."""
    changed = session.execute(
        update(model)
        .where(model.id == row_id, model.status == queued, *conditions)
        .values(
            status=running,
            attempts=model.attempts + 1,
            worker_id=worker_id,
            heartbeat_at=now,
            updated_at=now,
            **(values or {}),
        )
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    return bool(changed == 1)


def owned_by(
    model: Leased, row_id: str | int, worker_id: str, attempt: int, running: str
) -> tuple[ColumnElement[bool], ...]:
    """The conditions under which a worker still owns its attempt of a row."""
    return (
        model.id == row_id,
        model.worker_id == worker_id,
        model.attempts == attempt,
        model.status == running,
    )
