"""Queries over shots and their embedding vectors."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from montage.db.models import Shot, ShotEmbedding
from montage.db.repositories.library_state import bump_revision


def shots_by_ids(session: Session, ids: Iterable[int]) -> dict[int, Shot]:
    """Shots (with their source loaded) for the given ids; unknown ids are left out."""
    wanted = list(ids)
    found: dict[int, Shot] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = select(Shot).where(Shot.id.in_(chunk)).options(selectinload(Shot.source))
        for shot in session.scalars(query):
            found[shot.id] = shot
    return found


def shots_of_source(session: Session, source_id: int) -> list[Shot]:
    """The shots of one source in order."""
    return list(session.scalars(select(Shot).where(Shot.source_id == source_id).order_by(Shot.ordinal)))


def all_shots(session: Session) -> list[Shot]:
    """Every shot with its source loaded."""
    return list(session.scalars(select(Shot).options(selectinload(Shot.source)).order_by(Shot.id)))


def put_embeddings(
    session: Session, *, channel: str, model_id: str, vectors: Mapping[int, NDArray[np.float32]]
) -> None:
    """Insert or replace the vectors of the given shots in one channel.

    Bumps the library revision first and stamps the rows with it: the revision row stays locked until the
    caller's transaction commits, so rows that commit later always carry a higher revision than any index
    built from what was committed before (the vector index update relies on it).
    """
    if not vectors:
        return
    revision = bump_revision(session)
    session.execute(
        delete(ShotEmbedding).where(
            ShotEmbedding.channel == channel, ShotEmbedding.shot_id.in_(list(vectors))
        )
    )
    session.add_all(
        ShotEmbedding(
            shot_id=shot_id,
            channel=channel,
            model_id=model_id,
            dim=int(vector.shape[0]),
            vector=np.ascontiguousarray(vector, dtype="<f4").tobytes(),
            revision=revision,
        )
        for shot_id, vector in vectors.items()
    )
    session.flush()


def shot_ids_missing_embedding(session: Session, *, channel: str, model_id: str) -> list[int]:
    """Shots that have no vector from ``model_id`` in ``channel``."""
    have = select(ShotEmbedding.shot_id).where(
        ShotEmbedding.channel == channel, ShotEmbedding.model_id == model_id
    )
    return list(session.scalars(select(Shot.id).where(Shot.id.not_in(have)).order_by(Shot.id)))


def delete_embeddings_of_other_models(session: Session, *, channel: str, model_id: str) -> int:
    """Drop vectors of ``channel`` made by any other model; returns how many were removed."""
    result = session.execute(
        delete(ShotEmbedding).where(ShotEmbedding.channel == channel, ShotEmbedding.model_id != model_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def count_embeddings(session: Session, *, channel: str, model_id: str | None = None) -> int:
    """Number of stored vectors in a channel (optionally of one model)."""
    query = select(func.count()).select_from(ShotEmbedding).where(ShotEmbedding.channel == channel)
    if model_id is not None:
        query = query.where(ShotEmbedding.model_id == model_id)
    return int(session.scalar(query) or 0)


def iter_embeddings(
    session: Session,
    *,
    channel: str,
    model_id: str,
    batch: int = 20_000,
    written_after: int | None = None,
) -> Iterator[tuple[NDArray[np.int64], NDArray[np.float32]]]:
    """Yield ``(ids, vectors)`` batches of one channel and model, ordered by shot id.

    With ``written_after``, only vectors written at a later library revision.
    """
    last = -1
    while True:
        query = select(ShotEmbedding.shot_id, ShotEmbedding.vector).where(
            ShotEmbedding.channel == channel,
            ShotEmbedding.model_id == model_id,
            ShotEmbedding.shot_id > last,
        )
        if written_after is not None:
            query = query.where(ShotEmbedding.revision > written_after)
        rows = session.execute(query.order_by(ShotEmbedding.shot_id).limit(batch)).all()
        if not rows:
            return
        ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        vectors = np.stack([np.frombuffer(row[1], dtype="<f4") for row in rows]).astype(np.float32)
        last = int(ids[-1])
        yield ids, vectors


def embedding_ids(
    session: Session, *, channel: str, model_id: str, batch: int = 200_000
) -> NDArray[np.int64]:
    """The sorted shot ids that have a vector of one channel and model (8 bytes a shot, read in batches)."""
    parts: list[NDArray[np.int64]] = []
    last = -1
    while True:
        rows = session.scalars(
            select(ShotEmbedding.shot_id)
            .where(
                ShotEmbedding.channel == channel,
                ShotEmbedding.model_id == model_id,
                ShotEmbedding.shot_id > last,
            )
            .order_by(ShotEmbedding.shot_id)
            .limit(batch)
        ).all()
        if not rows:
            break
        parts.append(np.fromiter(rows, dtype=np.int64, count=len(rows)))
        last = int(parts[-1][-1])
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def vectors_for(
    session: Session, ids: Iterable[int], *, channel: str, model_id: str
) -> dict[int, NDArray[np.float32]]:
    """Stored vectors of the given shots in one channel and model."""
    wanted = list(ids)
    found: dict[int, NDArray[np.float32]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = session.execute(
            select(ShotEmbedding.shot_id, ShotEmbedding.vector).where(
                ShotEmbedding.channel == channel,
                ShotEmbedding.model_id == model_id,
                ShotEmbedding.shot_id.in_(chunk),
            )
        )
        for shot_id, blob in rows:
            found[int(shot_id)] = np.frombuffer(blob, dtype="<f4").astype(np.float32)
    return found
