"""A shot: a continuous stretch of one source between two cuts (or a sub-shot of a long one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from montage.db.base import Base

if TYPE_CHECKING:
    from montage.db.models.source import Source


class Shot(Base):
    """One shot. ``id`` is deterministic (content fingerprint + frame range), so re-indexing is idempotent."""

    __tablename__ = "shots"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    start_frame: Mapped[int] = mapped_column(Integer)
    end_frame: Mapped[int] = mapped_column(Integer)
    start_s: Mapped[float] = mapped_column(Float)
    end_s: Mapped[float] = mapped_column(Float)
    keyframe_time_s: Mapped[float | None] = mapped_column(Float)
    keyframe_path: Mapped[str | None] = mapped_column(String(4096))
    sharpness: Mapped[float] = mapped_column(Float, default=0.0)
    brightness: Mapped[float] = mapped_column(Float, default=0.0)
    black_fraction: Mapped[float] = mapped_column(Float, default=0.0)
    motion: Mapped[float] = mapped_column(Float, default=0.0)
    activity: Mapped[str | None] = mapped_column(Text, nullable=True)
    """Motion per half second of the shot (``montage.media.shot_activity``); None for a shot analysed
    before profiles were kept (`montage index --full` measures it)."""
    quality: Mapped[float] = mapped_column(Float, default=0.0)
    phash: Mapped[int | None] = mapped_column(BigInteger)
    duplicate_group: Mapped[int | None] = mapped_column(BigInteger, index=True)
    text: Mapped[str] = mapped_column(Text, default="")

    source: Mapped[Source] = relationship(back_populates="shots")

    @property
    def duration_s(self) -> float:
        """Length of the shot in seconds."""
        return self.end_s - self.start_s
