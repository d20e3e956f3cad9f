"""Bring a channel's FAISS index up to date with its vectors: update the last version in place when it can
be, build anew when it must.

An update reads only what changed: the sorted id list of the source (8 bytes a vector) against the id list
published beside the last version tells which ids are gone, and the vectors written after the last
version's library revision are the new and the changed ones. Those are removed from and added to the last
version's index (its IVF lists and nprobe are kept) and published as a new version.

A full build (lists trained on a sample, nprobe calibrated; :mod:`montage.search.vector_build`) happens
when there is no usable last version, the model, dimension or metric changed, the index kind changes
(the vector count crossed ``exact_max_vectors``), the count has moved so far from the one the IVF lists
were chosen for that √n lists would be more than ``RETRAIN_FACTOR`` times more or fewer, or a retrain is
asked for.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray

from montage.search.vector_build import (
    EXACT_INDEX_TYPE,
    Batch,
    VectorSource,
    choose_nlist,
)
from montage.search.vector_index import (
    KEEP_VERSIONS,
    IndexManifest,
    PublishedIndex,
    build_and_publish,
    publish_index,
    published_index,
)

log = logging.getLogger(__name__)

RETRAIN_FACTOR = 2.0


@dataclass(frozen=True)
class IndexRefresh:
    """What one refresh did: the published manifest, how many vectors were added and removed, and
    ``reason``, why a full build was needed (empty otherwise)."""

    manifest: IndexManifest
    added: int
    removed: int
    reason: str

    @property
    def update(self) -> str:
        """``full``, ``incremental`` or ``unchanged``, as the manifest says."""
        return self.manifest.update


def _full_build_reason(
    last: PublishedIndex | None,
    ids: NDArray[np.int64],
    *,
    model_id: str,
    dim: int,
    metric: str,
    exact_max_vectors: int,
    retrain: bool,
) -> str | None:
    if retrain:
        return "a retrain was asked for"
    if last is None:
        return "no index with an id list was published yet"
    manifest = last.manifest
    if (manifest.model_id, manifest.dim, manifest.metric) != (model_id, dim, metric):
        return f"the vectors are now {model_id} ({dim}, {metric}), not {manifest.model_id}"
    exact_now = len(ids) <= exact_max_vectors
    if exact_now != (manifest.index_type == EXACT_INDEX_TYPE):
        return (
            f"{len(ids)} vectors {'fit' if exact_now else 'outgrow'} the exact limit of {exact_max_vectors}"
        )
    if not exact_now:
        lists = int(manifest.index_type.removeprefix("IVF").split(",")[0])
        wanted = choose_nlist(len(ids))
        if max(wanted / lists, lists / wanted) > RETRAIN_FACTOR:
            return f"{len(ids)} vectors want {wanted} IVF lists, the index has {lists}"
    return None


def _remove(index: Any, ids: NDArray[np.int64]) -> int:
    if not len(ids):
        return 0
    return int(index.remove_ids(faiss.IDSelectorBatch(np.ascontiguousarray(ids, dtype=np.int64))))


def _update_in_place(
    last: PublishedIndex, ids: NDArray[np.int64], written: Iterator[Batch], source: VectorSource
) -> tuple[Any, NDArray[np.int64], int, int]:
    """The last version's index with the ids no longer listed removed and the ``written`` batches (vectors
    written since its revision) added in place of any vector they replace.

    Returns the index, the sorted ids it now holds, and how many vectors were added and removed.
    """
    index = last.read_index()
    gone = np.setdiff1d(last.ids, ids, assume_unique=True)
    removed = _remove(index, gone)
    held = np.setdiff1d(last.ids, gone, assume_unique=True)
    added_parts: list[NDArray[np.int64]] = []
    for batch_ids, vectors in written:
        replaced = batch_ids[np.isin(batch_ids, held, assume_unique=True)]
        removed += _remove(index, replaced)
        index.add_with_ids(vectors, batch_ids)
        added_parts.append(batch_ids)
    added_ids = np.concatenate(added_parts) if added_parts else np.zeros(0, np.int64)
    held = np.union1d(held, added_ids)
    missing = np.setdiff1d(ids, held, assume_unique=True)
    if len(missing):
        # Listed but neither in the last version nor written after it: cannot happen while every write
        # stamps its revision, but an index that misses vectors must not be published, so add them.
        log.warning("%d vectors were missing from the last index version; adding them", len(missing))
        found, vectors = source.vectors_of(missing)
        if len(found):
            index.add_with_ids(vectors, found)
        held = np.union1d(held, found)
        added_ids = np.concatenate([added_ids, found])
    if int(index.ntotal) != len(held):
        raise RuntimeError(f"index holds {index.ntotal} vectors, expected {len(held)}")
    return index, held, len(added_ids), removed


def refresh_vector_index(
    root: Path,
    *,
    channel: str,
    source: VectorSource,
    model_id: str,
    dim: int,
    revision: int,
    metric: str = "ip",
    exact_max_vectors: int = 250_000,
    target_recall: float = 0.95,
    retrain: bool = False,
    keep_versions: int = KEEP_VERSIONS,
) -> IndexRefresh:
    """Publish a version of the ``channel`` index holding every vector of ``source`` at ``revision``."""
    ids = source.ids()
    last = published_index(root, channel)
    reason = _full_build_reason(
        last,
        ids,
        model_id=model_id,
        dim=dim,
        metric=metric,
        exact_max_vectors=exact_max_vectors,
        retrain=retrain,
    )
    publish = functools.partial(
        publish_index,
        root,
        channel=channel,
        model_id=model_id,
        metric=metric,
        revision=revision,
        keep_versions=keep_versions,
    )
    if reason is not None:
        manifest = build_and_publish(
            root,
            source,
            channel=channel,
            model_id=model_id,
            dim=dim,
            metric=metric,
            revision=revision,
            exact_max_vectors=exact_max_vectors,
            target_recall=target_recall,
            keep_versions=keep_versions,
            ids=ids,
        )
        log.info("built the %s index anew (%s): %d vectors", channel, reason, manifest.count)
        return IndexRefresh(manifest, manifest.count, 0, reason)
    assert last is not None
    written = iter(source.batches(written_after=last.manifest.revision))
    first = next(written, None)
    if first is None and np.array_equal(last.ids, ids):
        manifest = publish(
            index=last.read_index(mapped=True),
            ids=ids,
            nprobe=last.manifest.nprobe,
            calibration_recall=last.manifest.calibration_recall,
            update="unchanged",
            trained_count=last.manifest.trained_count,
            same_files_as=last.folder,
        )
        return IndexRefresh(manifest, 0, 0, "")
    batches = written if first is None else itertools.chain([first], written)
    index, held, added, removed = _update_in_place(last, ids, batches, source)
    manifest = publish(
        index=index,
        ids=held,
        nprobe=last.manifest.nprobe,
        calibration_recall=last.manifest.calibration_recall,
        update="incremental",
        trained_count=last.manifest.trained_count,
    )
    log.info("updated the %s index: +%d −%d → %d vectors", channel, added, removed, manifest.count)
    return IndexRefresh(manifest, added, removed, "")
