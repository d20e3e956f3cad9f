"""each shot's activity profile (motion per half second), so pieces are placed where something happens

Revision ID: 0007_shot_activity
Revises: 0006_embedding_revision
Create Date: 2026-12-06 14:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_shot_activity"
down_revision: str | None = "0006_embedding_revision"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Shots analysed before keep NULL: their pieces are placed as before, until `montage index --full`
    # (or a change of the file) analyses them again.
    with op.batch_alter_table("shots") as batch:
        batch.add_column(sa.Column("activity", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("shots") as batch:
        batch.drop_column("activity")
