"""One FAISS index per embedding channel ("text", "visual") under a root folder: build, publish, load, search.

Builds publish a new immutable version folder and switch a ``CURRENT`` pointer atomically (see
:mod:`montage.search.vector_versions`), so readers never see a half-written index. Queries are refused with
:class:`IndexMismatchError` when the asking model is not the one that made the indexed vectors.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray

from montage.errors import IndexMismatchError, IndexMissingError
from montage.search.vector_build import (
    EXACT_INDEX_TYPE,
    METRICS,
    ArrayVectorSource,
    CalibrationSettings,
    VectorSource,
    build_faiss_index,
    index_type_of,
)
from montage.search.vector_manifest import IndexManifest, load_manifest, write_manifest
from montage.search.vector_versions import (
    build_lock,
    channel_dir,
    current_version_dir,
    new_staging_dir,
    prune,
    publish,
    published_versions,
)

INDEX_FILE = "index.faiss"
IDS_FILE = "ids.npy"
KEEP_VERSIONS = 2
_READ_ATTEMPTS = 3
_LOADED_CACHE_SIZE = 8

__all__ = [
    "IndexManifest",
    "PublishedIndex",
    "VectorIndex",
    "build_and_publish",
    "build_vector_index",
    "load_vector_index",
    "publish_index",
    "published_index",
    "read_manifest",
]


class VectorIndex:
    """A loaded, read-only index of one channel version. Safe to search from several threads."""

    def __init__(self, index: Any, manifest: IndexManifest, path: Path) -> None:
        self._index = index
        self.manifest = manifest
        self.path = path

    @property
    def count(self) -> int:
        """Number of indexed vectors."""
        return int(self._index.ntotal)

    def search(self, queries: NDArray[np.float32], k: int) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
        """The ``k`` best ids per query row, best first, with their scores.

        Scores are inner products (metric "ip") or squared distances ("l2"). Rows with fewer than ``k``
        results are padded with id -1.
        """
        if k < 1:
            raise ValueError("k must be at least 1")
        matrix = np.ascontiguousarray(queries, dtype=np.float32)
        if matrix.ndim == 1:
            matrix = matrix.reshape(1, -1)
        if matrix.ndim != 2 or matrix.shape[1] != self.manifest.dim:
            raise IndexMismatchError(
                f"query vectors of shape {tuple(matrix.shape)} do not fit the {self.manifest.channel} index "
                f"(dimension {self.manifest.dim})"
            )
        scores, ids = self._index.search(matrix, k)
        return scores.astype(np.float32, copy=False), ids.astype(np.int64, copy=False)


def _checked_inputs(
    ids: NDArray[np.int64], vectors: NDArray[np.float32], metric: str
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    id_array = np.ascontiguousarray(ids, dtype=np.int64)
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {sorted(METRICS)}, not {metric!r}")
    if id_array.ndim != 1 or matrix.ndim != 2 or len(id_array) != len(matrix):
        raise ValueError(
            f"need ids of shape (n,) and vectors of shape (n, dim); got {id_array.shape}, {matrix.shape}"
        )
    if matrix.shape[1] < 1:
        raise ValueError("vectors need at least one dimension")
    if len(id_array) and int(id_array.min()) < 0:
        raise ValueError("ids must be non-negative (FAISS uses -1 for 'no result')")
    if len(np.unique(id_array)) != len(id_array):
        raise ValueError("ids must be unique")
    if not np.isfinite(matrix).all():
        raise ValueError("vectors contain NaN or infinite values")
    return id_array, matrix


def build_vector_index(
    root: Path,
    *,
    channel: str,
    ids: NDArray[np.int64],
    vectors: NDArray[np.float32],
    model_id: str,
    metric: str = "ip",
    revision: int,
    exact_max_vectors: int = 250_000,
    target_recall: float = 0.95,
    keep_versions: int = KEEP_VERSIONS,
) -> IndexManifest:
    """Build the ``channel`` index from ``vectors`` (row i has id ``ids[i]``) and publish it atomically.

    Up to ``exact_max_vectors`` vectors the index is exact; above, IVF-SQ8 with nprobe calibrated for
    recall@50 ≥ ``target_recall``. Concurrent builds of one channel are serialised by a file lock; the
    newest ``keep_versions`` versions are kept. Returns the new manifest.
    """
    if not model_id:
        raise ValueError("model_id must be given")
    if exact_max_vectors < 1 or keep_versions < 1:
        raise ValueError("exact_max_vectors and keep_versions must be at least 1")
    id_array, matrix = _checked_inputs(ids, vectors, metric)
    return build_and_publish(
        root,
        ArrayVectorSource(id_array, matrix),
        channel=channel,
        model_id=model_id,
        dim=int(matrix.shape[1]),
        metric=metric,
        revision=revision,
        exact_max_vectors=exact_max_vectors,
        target_recall=target_recall,
        keep_versions=keep_versions,
    )


def build_and_publish(
    root: Path,
    source: VectorSource,
    *,
    channel: str,
    model_id: str,
    dim: int,
    metric: str,
    revision: int,
    exact_max_vectors: int,
    target_recall: float,
    keep_versions: int = KEEP_VERSIONS,
    ids: NDArray[np.int64] | None = None,
) -> IndexManifest:
    """Build the ``channel`` index anew from every vector of ``source`` and publish it as a ``full``
    version (``ids``: ``source.ids()`` when the caller has read it already)."""
    built, held = build_faiss_index(
        source,
        dim,
        metric,
        exact_max_vectors=exact_max_vectors,
        calibration=CalibrationSettings(target_recall=target_recall),
        ids=ids,
    )
    return publish_index(
        root,
        channel=channel,
        index=built.index,
        ids=held,
        model_id=model_id,
        metric=metric,
        revision=revision,
        nprobe=built.nprobe,
        calibration_recall=built.calibration_recall,
        update="full",
        trained_count=len(held),
        keep_versions=keep_versions,
    )


def publish_index(
    root: Path,
    *,
    channel: str,
    index: Any,
    ids: NDArray[np.int64],
    model_id: str,
    metric: str,
    revision: int,
    nprobe: int | None,
    calibration_recall: float,
    update: str,
    trained_count: int,
    keep_versions: int = KEEP_VERSIONS,
    same_files_as: Path | None = None,
) -> IndexManifest:
    """Publish ``index`` (holding exactly the sorted ``ids``) as the channel's next version.

    With ``same_files_as`` (a published version folder), that version's index and id files are linked
    (copied where links fail) instead of written: a new revision whose vectors did not change.
    """
    folder = channel_dir(Path(root), channel)
    with build_lock(folder):
        number = max(published_versions(folder), default=0) + 1
        manifest = IndexManifest(
            channel=channel,
            model_id=model_id,
            dim=int(index.d),
            metric=metric,
            count=int(index.ntotal),
            index_type=index_type_of(index),
            revision=revision,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            nprobe=nprobe,
            calibration_recall=round(calibration_recall, 4),
            version=number,
            update=update,
            trained_count=trained_count,
        )
        staging = new_staging_dir(folder, number)
        if same_files_as is not None:
            for name in (INDEX_FILE, IDS_FILE):
                _link_or_copy(same_files_as / name, staging / name)
        else:
            faiss.write_index(index, str(staging / INDEX_FILE))
            np.save(staging / IDS_FILE, np.ascontiguousarray(ids, dtype=np.int64))
        write_manifest(staging, manifest)
        publish(folder, staging, number)
        prune(folder, keep=keep_versions)
    return manifest


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


@dataclass(frozen=True)
class PublishedIndex:
    """The live version of a channel, opened for updating: its index in memory and the ids it holds."""

    folder: Path
    manifest: IndexManifest
    ids: NDArray[np.int64]

    def read_index(self, *, mapped: bool = False) -> Any:
        """The index: read into memory so it can be changed, or ``mapped`` (read-only, cheap)."""
        flags = _mmap_flags(self.manifest) if mapped else 0
        return faiss.read_index(str(self.folder / INDEX_FILE), flags)


def published_index(root: Path, channel: str) -> PublishedIndex | None:
    """The live ``channel`` version with its id list, or None when there is none or it has no id list
    (built before indexes were updated in place: the next update builds anew)."""
    current = _current(root, channel)
    if current is None:
        return None
    folder, manifest = current
    try:
        ids = np.load(folder / IDS_FILE, mmap_mode="r")
    except (FileNotFoundError, ValueError):
        return None
    return PublishedIndex(folder=folder, manifest=manifest, ids=np.asarray(ids, dtype=np.int64))


def _current(root: Path, channel: str) -> tuple[Path, IndexManifest] | None:
    """The live version folder and its manifest, retrying if a concurrent build pruned it meanwhile."""
    folder = channel_dir(Path(root), channel)
    for _attempt in range(_READ_ATTEMPTS):
        version = current_version_dir(folder)
        if version is None:
            return None
        try:
            return version, load_manifest(version)
        except FileNotFoundError:
            continue
    return None


def read_manifest(root: Path, channel: str) -> IndexManifest | None:
    """The manifest of the live ``channel`` index under ``root``, or None when none was built."""
    current = _current(root, channel)
    return None if current is None else current[1]


def _mmap_flags(manifest: IndexManifest) -> int:
    """FAISS read flags that map the index file: Flat codes with IO_FLAG_MMAP_IFC, IVF lists with
    IO_FLAG_MMAP."""
    return int(faiss.IO_FLAG_MMAP_IFC if manifest.index_type == EXACT_INDEX_TYPE else faiss.IO_FLAG_MMAP)


_loaded: OrderedDict[tuple[str, int, int, bool], VectorIndex] = OrderedDict()
_loaded_lock = threading.Lock()


def _read_index(version: Path, manifest: IndexManifest, mmap: bool) -> VectorIndex:
    path = version / INDEX_FILE
    stat = path.stat()
    key = (str(path), stat.st_ino, stat.st_mtime_ns, mmap)
    with _loaded_lock:
        cached = _loaded.get(key)
        if cached is not None:
            _loaded.move_to_end(key)
            return cached
    index = faiss.read_index(str(path), _mmap_flags(manifest) if mmap else 0)
    if manifest.nprobe is not None:
        faiss.extract_index_ivf(index).nprobe = manifest.nprobe
    loaded = VectorIndex(index, manifest, version)
    with _loaded_lock:
        _loaded[key] = loaded
        while len(_loaded) > _LOADED_CACHE_SIZE:
            _loaded.popitem(last=False)
    return loaded


def load_vector_index(
    root: Path, *, channel: str, expected_model_id: str, expected_dim: int, mmap: bool = True
) -> VectorIndex:
    """The live ``channel`` index, checked against the model that will query it.

    Raises :class:`IndexMissingError` when no index was built and :class:`IndexMismatchError` when it holds
    vectors of another model or dimension. Index files are memory-mapped unless ``mmap`` is false; loaded
    versions are cached per process (a new build is picked up on the next call).
    """
    for _attempt in range(_READ_ATTEMPTS):
        current = _current(root, channel)
        if current is None:
            raise IndexMissingError(
                f"no {channel} vector index under {root}; build it first (montage index)",
                code="index_missing",
            )
        version, manifest = current
        if manifest.model_id != expected_model_id or manifest.dim != expected_dim:
            raise IndexMismatchError(
                f"the {channel} index was built with {manifest.model_id} (dimension {manifest.dim}) but is "
                f"queried with {expected_model_id} (dimension {expected_dim}); re-index to switch models"
            )
        try:
            return _read_index(version, manifest, mmap)
        except FileNotFoundError:
            continue
    raise IndexMissingError(f"the {channel} vector index under {root} keeps changing; try again")
