"""A footage file in the library, with what probing found and the text that describes it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from montage.db.base import Base
from montage.db.models.shot import Shot


class Source(Base):
    """One video file. ``status`` is ``indexed`` or ``failed`` (then ``error_*`` say why)."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    path: Mapped[str] = mapped_column(String(4096), unique=True, index=True)
    library_root: Mapped[str] = mapped_column(String(4096))
    rel_path: Mapped[str] = mapped_column(String(4096))
    status: Mapped[str] = mapped_column(String(16), index=True)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    analyzer_version: Mapped[str] = mapped_column(String(64))
    text_digest: Mapped[str] = mapped_column(String(64), default="")
    duration_s: Mapped[float | None] = mapped_column(Float)
    fps_num: Mapped[int | None] = mapped_column(Integer)
    fps_den: Mapped[int | None] = mapped_column(Integer)
    is_vfr: Mapped[bool] = mapped_column(Boolean, default=False)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    display_width: Mapped[int | None] = mapped_column(Integer)
    display_height: Mapped[int | None] = mapped_column(Integer)
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    has_audio: Mapped[bool] = mapped_column(Boolean, default=False)
    video_codec: Mapped[str | None] = mapped_column(String(64))
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str | None] = mapped_column(String(16))
    license: Mapped[str] = mapped_column(String(255), default="unknown")
    attribution: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(Text, default="")
    container_tags: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    embedded_subtitles: Mapped[list[list[object]]] = mapped_column(JSON, default=list)
    manifest_fields: Mapped[dict[str, object]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )
    """What the library's manifests said about the file; kept until a newer manifest changes it."""
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    shots: Mapped[list[Shot]] = relationship(
        back_populates="source", cascade="all, delete-orphan", passive_deletes=True, order_by="Shot.ordinal"
    )
