"""re-index runs and per-file index tasks (a re-index fanned out over the queue)

Revision ID: 0005_index_tasks
Revises: 0004_key_teams
Create Date: 2026-12-10 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_index_tasks"
down_revision: str | None = "0004_key_teams"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "index_runs",
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_index_runs_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_index_runs")),
    )
    op.create_table(
        "index_tasks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("path", sa.String(length=4096), nullable=False),
        sa.Column("root", sa.String(length=4096), nullable=False),
        sa.Column("rel_path", sa.String(length=4096), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.String(length=128), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shots", sa.Integer(), nullable=False),
        sa.Column("media_seconds", sa.Float(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["index_runs.job_id"],
            name=op.f("fk_index_tasks_job_id_index_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_tasks")),
        sa.UniqueConstraint("job_id", "path", name="uq_index_tasks_job_id_path"),
    )
    with op.batch_alter_table("index_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_index_tasks_job_id"), ["job_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_index_tasks_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_index_tasks_worker_id"), ["worker_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("index_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_index_tasks_worker_id"))
        batch_op.drop_index(batch_op.f("ix_index_tasks_status"))
        batch_op.drop_index(batch_op.f("ix_index_tasks_job_id"))
    op.drop_table("index_tasks")
    op.drop_table("index_runs")
