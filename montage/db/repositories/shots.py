"""Queries over shots and their embedding vectors."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from montage.db.models import Shot, ShotEmbedding
from montage.db.repositories.keyset import keyset_batches
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


def all_shot_ids(session: Session, batch: int = 500_000) -> NDArray[np.int64]:
    """Every shot id, sorted (8 bytes a shot, read in batches)."""
    parts = [
        np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        for rows in keyset_batches(session, select(Shot.id), Shot.id, batch)
    ]
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def all_shots(session: Session) -> list[Shot]:
    """Every shot with its source loaded."""
    return list(session.scalars(select(Shot).options(selectinload(Shot.source)).order_by(Shot.id)))


@dataclass(frozen=True)
class ShotHashes:
    """Every shot with a perceptual hash, as arrays in shot-id order (a few dozen bytes a shot).

    ``groups`` holds 0 where ``grouped`` is false (no near-duplicate group stored yet).
    """

    ids: NDArray[np.int64]
    hashes: NDArray[np.int64]
    groups: NDArray[np.int64]
    grouped: NDArray[np.bool_]


def shot_hashes(session: Session, batch: int = 200_000) -> ShotHashes:
    """Read every shot's id, hash and group in id-ordered batches, each turned into arrays at once."""
    query = select(Shot.id, Shot.phash, Shot.duplicate_group).where(Shot.phash.is_not(None))
    parts = [
        (
            np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
            np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows)),
            np.fromiter((r[2] or 0 for r in rows), dtype=np.int64, count=len(rows)),
            np.fromiter((r[2] is not None for r in rows), dtype=bool, count=len(rows)),
        )
        for rows in keyset_batches(session, query, Shot.id, batch)
    ]
    if not parts:
        empty = np.zeros(0, np.int64)
        return ShotHashes(empty, empty, empty, np.zeros(0, bool))
    ids, hashes, groups, grouped = (np.concatenate(column) for column in zip(*parts, strict=True))
    return ShotHashes(ids=ids, hashes=hashes, groups=groups, grouped=grouped)


def set_duplicate_groups(session: Session, groups: Mapping[int, int]) -> None:
    """Store new near-duplicate groups (shot id → group id) in bulk."""
    rows = [{"id": shot_id, "duplicate_group": group} for shot_id, group in groups.items()]
    for start in range(0, len(rows), 10_000):
        session.execute(update(Shot), rows[start : start + 10_000])


def release_duplicate_groups(session: Session, source_ids: Iterable[int]) -> int:
    """Before shots of these sources are deleted: ungroup the other members of their near-duplicate groups
    (losing a member can split a group; the next regrouping recomputes them). Returns how many."""
    wanted = list(source_ids)
    if not wanted:
        return 0
    groups = select(Shot.duplicate_group).where(Shot.source_id.in_(wanted), Shot.duplicate_group.is_not(None))
    result = session.execute(
        update(Shot)
        .where(Shot.duplicate_group.in_(groups), Shot.source_id.not_in(wanted))
        .values(duplicate_group=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


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
    session: Session, *, channel: str, model_id: str, batch: int = 20_000
) -> Iterator[tuple[NDArray[np.int64], NDArray[np.float32]]]:
    """Yield ``(ids, vectors)`` batches of one channel and model, ordered by shot id."""
    query = select(ShotEmbedding.shot_id, ShotEmbedding.vector).where(
        ShotEmbedding.channel == channel, ShotEmbedding.model_id == model_id
    )
    for rows in keyset_batches(session, query, ShotEmbedding.shot_id, batch):
        ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        vectors = np.stack([np.frombuffer(row[1], dtype="<f4") for row in rows]).astype(np.float32)
        yield ids, vectors


def embedding_ids(
    session: Session, *, channel: str, model_id: str, written_after: int | None = None, batch: int = 200_000
) -> NDArray[np.int64]:
    """The sorted shot ids with a vector of one channel and model (8 bytes a shot, read in batches); with
    ``written_after``, only those whose vector was written at a later library revision."""
    where = (ShotEmbedding.channel == channel, ShotEmbedding.model_id == model_id)
    if written_after is not None:
        # Served by the (channel, model_id, revision, shot_id) index alone; few rows, sorted here.
        changed = session.scalars(
            select(ShotEmbedding.shot_id).where(*where, ShotEmbedding.revision > written_after)
        )
        return np.sort(np.fromiter(changed, dtype=np.int64))
    parts = [
        np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        for rows in keyset_batches(
            session, select(ShotEmbedding.shot_id).where(*where), ShotEmbedding.shot_id, batch
        )
    ]
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
