"""the library revision that wrote each embedding; near-duplicate groups recomputed once

(vector indexes and near-duplicate groups are updated, not rebuilt, each run)

Revision ID: 0006_embedding_revision
Revises: 0005_index_tasks
Create Date: 2026-12-06 11:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_embedding_revision"
down_revision: str | None = "0005_index_tasks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing rows get revision 0: an index built before this column existed has no id list beside it,
    # so its first update is a full build anyway (montage.search.vector_refresh).
    with op.batch_alter_table("shot_embeddings") as batch:
        batch.add_column(sa.Column("revision", sa.BigInteger(), server_default="0", nullable=False))
        # The single-column model_id index made SQLite read a whole model's rows and sort them for every
        # keyset batch and id lookup; these composites serve those reads directly.
        batch.drop_index("ix_shot_embeddings_model_id")
        batch.create_index(
            "ix_shot_embeddings_channel_model_id_shot_id", ["channel", "model_id", "shot_id"], unique=False
        )
        batch.create_index(
            "ix_shot_embeddings_channel_model_id_revision",
            ["channel", "model_id", "revision", "shot_id"],
            unique=False,
        )

    # Near-duplicate groups are now kept up to date around changes only; grouping every shot once more
    # after the upgrade makes sure no group left by an interrupted earlier run stays stale.
    op.execute("UPDATE shots SET duplicate_group = NULL")


def downgrade() -> None:
    with op.batch_alter_table("shot_embeddings") as batch:
        batch.drop_index("ix_shot_embeddings_channel_model_id_revision")
        batch.drop_index("ix_shot_embeddings_channel_model_id_shot_id")
        batch.create_index("ix_shot_embeddings_model_id", ["model_id"], unique=False)
        batch.drop_column("revision")
