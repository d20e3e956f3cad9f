"""A re-index fanned out over the queue: one run per re-index job, one task per file to analyse.

The database, not the queue, holds the state: a queue message carries only a task id, and a worker claims
the task with one conditional UPDATE (``queued`` → ``running``), keeps a heartbeat while it analyses, and
stores the file's shots in the same transaction that marks the task done — only while it still owns the
attempt. A task whose heartbeat goes stale lost its worker and is queued again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from montage.db.base import Base


class IndexRun(Base):
    """The fanned-out part of one re-index job: ``analysing`` → ``finishing`` → ``done`` (or ``cancelled``).

    ``plan`` keeps what the planning step found (discovered, unchanged, refused, manifest problems …) for
    the job's final report.
    """

    __tablename__ = "index_runs"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    total: Mapped[int] = mapped_column(Integer, default=0)
    plan: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IndexTask(Base):
    """One file of a run. ``status``: ``queued``, ``running``, ``stored``, ``failed`` or ``cancelled``.

    ``failed`` means the file was recorded as a failed source (bad media, or its worker was lost too
    often); ``shots``, ``media_seconds`` and ``seconds`` describe the stored result.
    """

    __tablename__ = "index_tasks"
    __table_args__ = (UniqueConstraint("job_id", "path", name="uq_index_tasks_job_id_path"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("index_runs.job_id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(4096))
    root: Mapped[str] = mapped_column(String(4096))
    rel_path: Mapped[str] = mapped_column(String(4096))
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker_id: Mapped[str | None] = mapped_column(String(128), index=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    shots: Mapped[int] = mapped_column(Integer, default=0)
    media_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
