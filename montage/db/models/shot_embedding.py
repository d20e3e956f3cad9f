"""Embedding vectors per shot and channel, kept in SQL so FAISS indexes can always be rebuilt from the DB."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from montage.db.base import Base


class ShotEmbedding(Base):
    """One float32 vector (raw little-endian bytes) of one shot in one channel (``text`` or ``visual``).

    ``revision`` is the library revision of the transaction that wrote the vector, so an index built at
    revision R is brought up to date by adding the vectors written after R (and dropping ids gone since).
    """

    __tablename__ = "shot_embeddings"

    shot_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("shots.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    model_id: Mapped[str] = mapped_column(String(255))
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    revision: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    __table_args__ = (
        # Reading a channel in shot-id order (keyset batches) and looking shots up by id within a model.
        Index("ix_shot_embeddings_channel_model_id_shot_id", "channel", "model_id", "shot_id"),
        # The ids written after a revision, without touching the vectors.
        Index("ix_shot_embeddings_channel_model_id_revision", "channel", "model_id", "revision", "shot_id"),
    )
