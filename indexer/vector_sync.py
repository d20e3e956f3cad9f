"""Keep the FAISS indexes in step with the database: backfill missing vectors, rebuild stale indexes.

The database is the source of truth. An index is rebuilt when its manifest's library revision or model
differs from the database's, so an index run killed at any moment is repaired by the next one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from sqlalchemy.orm import Session, sessionmaker

from indexer.keyframe_store import KeyframeStore
from indexer.shot_vectors import text_vectors, visual_vectors
from montage.db.repositories.library_state import bump_revision, current_revision
from montage.db.repositories.shots import (
    delete_embeddings_of_other_models,
    iter_embeddings,
    put_embeddings,
    shot_ids_missing_embedding,
    shots_by_ids,
)
from montage.db.session import transaction
from montage.search.channels import TEXT, VISUAL, Channels
from montage.search.vector_index import build_vector_index, read_manifest

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelSync:
    """What syncing one channel did."""

    channel: str
    model_id: str
    backfilled: int
    rebuilt: bool
    vectors: int


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
            if vectors:
                bump_revision(session)
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
) -> ChannelSync:
    """Backfill vectors a channel lacks, drop other models' vectors, rebuild its index when stale."""
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
            manifest is not None
            and manifest.revision == revision
            and manifest.model_id == encoder.model_id
            and manifest.dim == encoder.dim
        )
        if fresh:
            assert manifest is not None
            return ChannelSync(channel, encoder.model_id, backfilled, False, manifest.count)
        id_parts, vector_parts = [], []
        for ids, vectors in iter_embeddings(session, channel=channel, model_id=encoder.model_id):
            id_parts.append(ids)
            vector_parts.append(vectors)
    ids = np.concatenate(id_parts) if id_parts else np.zeros(0, np.int64)
    vectors = np.concatenate(vector_parts) if vector_parts else np.zeros((0, encoder.dim), np.float32)
    built = build_vector_index(
        index_dir,
        channel=channel,
        ids=ids,
        vectors=vectors,
        model_id=encoder.model_id,
        revision=revision,
        exact_max_vectors=exact_max_vectors,
    )
    log.info("rebuilt %s index: %d vectors, %s", channel, built.count, built.index_type)
    return ChannelSync(channel, encoder.model_id, backfilled, True, built.count)


def sync_vector_indexes(
    factory: sessionmaker[Session],
    channels: Channels,
    *,
    index_dir: Path,
    keyframes: KeyframeStore,
    exact_max_vectors: int,
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
        )
        for channel in ([TEXT, VISUAL] if channels.visual is not None else [TEXT])
    ]
