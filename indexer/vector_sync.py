"""Keep the FAISS indexes in step with the database: backfill missing vectors, update stale indexes.

The database is the source of truth. An index is brought up to date when its manifest's library revision
or model differs from the database's, so an index run killed at any moment is repaired by the next one;
:mod:`montage.search.vector_refresh` decides between updating the last version and building anew.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image
from sqlalchemy.orm import Session, sessionmaker

from indexer.keyframe_store import KeyframeStore
from indexer.shot_vectors import text_vectors, visual_vectors
from montage.db.repositories.library_state import bump_revision, current_revision
from montage.db.repositories.shots import (
    delete_embeddings_of_other_models,
    embedding_ids,
    iter_embeddings,
    put_embeddings,
    shot_ids_missing_embedding,
    shots_by_ids,
    vectors_for,
)
from montage.db.session import transaction
from montage.search.channels import TEXT, VISUAL, Channels
from montage.search.vector_build import Batch
from montage.search.vector_index import read_manifest
from montage.search.vector_refresh import refresh_vector_index

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelSync:
    """What syncing one channel did: ``update`` is how its index was brought up to date (``full``,
    ``incremental``, ``unchanged``; ``current`` when it already was), ``added``/``removed`` count vectors."""

    channel: str
    model_id: str
    backfilled: int
    rebuilt: bool
    vectors: int
    update: str = "current"
    added: int = 0
    removed: int = 0


BATCH = 20_000
"""Vectors read from the database at once (40 MB of 512-dimensional float32)."""


class DatabaseVectors:
    """The stored vectors of one channel and model, read in batches (a
    :class:`~montage.search.vector_build.VectorSource`)."""

    def __init__(self, factory: sessionmaker[Session], *, channel: str, model_id: str) -> None:
        self._factory = factory
        self._channel = channel
        self._model_id = model_id

    def ids(self) -> NDArray[np.int64]:
        """Every shot id with a vector, sorted."""
        with self._factory() as session:
            return embedding_ids(session, channel=self._channel, model_id=self._model_id)

    def batches(self, written_after: int | None = None) -> Iterator[Batch]:
        """Vectors in shot-id order, 20,000 at a time; with ``written_after``, only those written after
        that revision (their ids first, then the vectors by id)."""
        if written_after is None:
            with self._factory() as session:
                yield from iter_embeddings(session, channel=self._channel, model_id=self._model_id)
            return
        with self._factory() as session:
            changed = embedding_ids(
                session, channel=self._channel, model_id=self._model_id, written_after=written_after
            )
        for start in range(0, len(changed), BATCH):
            found, vectors = self.vectors_of(changed[start : start + BATCH])
            if len(found):
                yield found, vectors

    def vectors_of(self, ids: NDArray[np.int64]) -> Batch:
        """The vectors of those of ``ids`` that have one, in id order."""
        with self._factory() as session:
            found = vectors_for(
                session, (int(i) for i in ids), channel=self._channel, model_id=self._model_id
            )
        order = np.array(sorted(found), dtype=np.int64)
        if not len(order):
            return order, np.zeros((0, 0), np.float32)
        return order, np.stack([found[int(i)] for i in order])


def _backfill(
    factory: sessionmaker[Session],
    channels: Channels,
    channel: str,
    keyframes: KeyframeStore,
    batch: int = 256,
) -> int:
    encoder = channels.text if channel == TEXT else channels.visual
    assert encoder is not None
    done = 0
    with factory() as session:
        missing = shot_ids_missing_embedding(session, channel=channel, model_id=encoder.model_id)
    for start in range(0, len(missing), batch):
        chunk = missing[start : start + batch]
        with transaction(factory) as session:
            shots = shots_by_ids(session, chunk)
            if channel == TEXT:
                vectors = text_vectors(channels.text, {i: s.text for i, s in shots.items()})
            else:
                images: dict[int, Image.Image] = {}
                for shot_id in shots:
                    path = keyframes.path_for(shot_id)
                    if path.is_file():
                        with Image.open(path) as image:
                            images[shot_id] = image.convert("RGB")
                assert channels.visual is not None
                vectors = visual_vectors(channels.visual, images)
            put_embeddings(session, channel=channel, model_id=encoder.model_id, vectors=vectors)
            done += len(vectors)
    return done


def sync_channel(
    factory: sessionmaker[Session],
    channels: Channels,
    channel: str,
    *,
    index_dir: Path,
    keyframes: KeyframeStore,
    exact_max_vectors: int,
    retrain: bool = False,
) -> ChannelSync:
    """Backfill vectors a channel lacks, drop other models' vectors, bring its index up to date when stale
    (updated in place where it can be; built anew when it must be or ``retrain`` asks)."""
    encoder = channels.text if channel == TEXT else channels.visual
    if encoder is None:
        raise ValueError(f"channel {channel} is not available")
    with transaction(factory) as session:
        if delete_embeddings_of_other_models(session, channel=channel, model_id=encoder.model_id):
            bump_revision(session)
    backfilled = _backfill(factory, channels, channel, keyframes)
    with factory() as session:
        revision = current_revision(session)
    manifest = read_manifest(index_dir, channel)
    fresh = (
        not retrain
        and manifest is not None
        and manifest.revision == revision
        and manifest.model_id == encoder.model_id
        and manifest.dim == encoder.dim
    )
    if fresh:
        assert manifest is not None
        return ChannelSync(channel, encoder.model_id, backfilled, False, manifest.count)
    refresh = refresh_vector_index(
        index_dir,
        channel=channel,
        source=DatabaseVectors(factory, channel=channel, model_id=encoder.model_id),
        model_id=encoder.model_id,
        dim=encoder.dim,
        revision=revision,
        exact_max_vectors=exact_max_vectors,
        retrain=retrain,
    )
    return ChannelSync(
        channel,
        encoder.model_id,
        backfilled,
        True,
        refresh.manifest.count,
        refresh.update,
        refresh.added,
        refresh.removed,
    )


def sync_vector_indexes(
    factory: sessionmaker[Session],
    channels: Channels,
    *,
    index_dir: Path,
    keyframes: KeyframeStore,
    exact_max_vectors: int,
    retrain: bool = False,
) -> list[ChannelSync]:
    """Sync every available channel (text always; visual when CLIP is loaded)."""
    return [
        sync_channel(
            factory,
            channels,
            channel,
            index_dir=index_dir,
            keyframes=keyframes,
            exact_max_vectors=exact_max_vectors,
            retrain=retrain,
        )
        for channel in ([TEXT, VISUAL] if channels.visual is not None else [TEXT])
    ]
