"""A single row holding the library revision, bumped on every change to shots or embeddings."""

from __future__ import annotations

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from montage.db.base import Base


class LibraryState(Base):
    """Row ``id=1``: ``revision`` lets FAISS index manifests tell whether they are current."""

    __tablename__ = "library_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
