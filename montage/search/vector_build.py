"""Build a FAISS index from a stream of vectors: exact below a size limit, IVF + 8-bit SQ above.

Vectors are never all held as one float array: the build reads them in batches from a
:class:`VectorSource` (the database in production, :class:`ArrayVectorSource` for arrays in memory).
An IVF index is trained on a random sample of ``TRAIN_POINTS_PER_LIST`` vectors per list, and its ``nprobe``
(lists searched per query) is calibrated in the same pass: a sample of the vectors is searched exactly
against every batch as it is added, then with increasing nprobe until recall@k reaches the target.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import faiss
import numpy as np
from numpy.typing import NDArray

log = logging.getLogger(__name__)

METRICS = {"ip": faiss.METRIC_INNER_PRODUCT, "l2": faiss.METRIC_L2}
EXACT_INDEX_TYPE = "Flat"
TRAIN_POINTS_PER_LIST = 50
KMEANS_ITERATIONS = 10

Batch = tuple[NDArray[np.int64], NDArray[np.float32]]


class VectorSource(Protocol):
    """Where an index build or update reads the vectors of one channel from."""

    def ids(self) -> NDArray[np.int64]:
        """Every id that has a vector, sorted ascending."""
        ...

    def batches(self, written_after: int | None = None) -> Iterator[Batch]:
        """``(ids, vectors)`` batches in id order; with ``written_after``, only vectors written after that
        library revision."""
        ...

    def vectors_of(self, ids: NDArray[np.int64]) -> Batch:
        """The vectors of those of ``ids`` that still have one, in id order."""
        ...


class ArrayVectorSource:
    """A :class:`VectorSource` over arrays in memory (``written_after`` is ignored: all are new)."""

    def __init__(self, ids: NDArray[np.int64], vectors: NDArray[np.float32], batch: int = 100_000) -> None:
        order = np.argsort(ids, kind="stable")
        self._ids = np.ascontiguousarray(ids[order])
        self._vectors = np.ascontiguousarray(vectors[order])
        self._batch = batch

    def ids(self) -> NDArray[np.int64]:
        """Every id, sorted."""
        return self._ids

    def batches(self, written_after: int | None = None) -> Iterator[Batch]:
        """All vectors in id order, ``batch`` rows at a time."""
        for start in range(0, len(self._ids), self._batch):
            yield self._ids[start : start + self._batch], self._vectors[start : start + self._batch]

    def vectors_of(self, ids: NDArray[np.int64]) -> Batch:
        """Rows of those of ``ids`` that are present, in id order."""
        rows = np.unique(np.searchsorted(self._ids, ids))
        rows = rows[rows < len(self._ids)]
        rows = rows[np.isin(self._ids[rows], ids)]
        return self._ids[rows], np.ascontiguousarray(self._vectors[rows])


@dataclass(frozen=True)
class CalibrationSettings:
    """How nprobe is chosen: the smallest power of two reaching ``target_recall`` at ``k`` on a sample."""

    target_recall: float = 0.95
    k: int = 50
    sample_queries: int = 200
    seed: int = 0


@dataclass(frozen=True)
class BuiltIndex:
    """A FAISS index ready to save, with what the manifest needs to know about it."""

    index: Any
    index_type: str
    nprobe: int | None
    calibration_recall: float


def choose_nlist(count: int) -> int:
    """IVF list count for ``count`` vectors: ≈ √count, with at least 50 training points per list.

    Measured on 2 cores (docs/vectors.md): k-means cost grows with nlist², and at 1M vectors √n lists
    already keep a calibrated query near a millisecond, so the 4·√n rule of thumb only slows the build.
    """
    return max(1, min(round(math.sqrt(count)), count // TRAIN_POINTS_PER_LIST))


def index_type_of(index: Any) -> str:
    """The manifest's name for a built index: ``Flat`` or ``IVF<nlist>,SQ8``."""
    ivf = faiss.try_extract_index_ivf(index)
    return EXACT_INDEX_TYPE if ivf is None else f"IVF{ivf.nlist},SQ8"


def new_exact_index(dim: int, metric: str) -> Any:
    """An empty brute-force index with arbitrary 64-bit ids (``IndexIDMap2`` over ``IndexFlat``)."""
    flat = faiss.IndexFlatIP(dim) if metric == "ip" else faiss.IndexFlatL2(dim)
    return faiss.IndexIDMap2(flat)


def new_ivf_index(dim: int, nlist: int, metric: str, seed: int) -> Any:
    """An untrained ``IVF<nlist>,SQ8`` index (spherical k-means for inner product)."""
    quantizer = faiss.IndexFlatIP(dim) if metric == "ip" else faiss.IndexFlatL2(dim)
    index = faiss.IndexIVFScalarQuantizer(
        quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit, METRICS[metric]
    )
    index.cp.niter = KMEANS_ITERATIONS
    index.cp.spherical = metric == "ip"
    index.cp.seed = seed
    return index


def _recall(found: NDArray[np.int64], truth: NDArray[np.int64]) -> float:
    hits = sum(
        len(set(row_found.tolist()) & set(row_truth.tolist()))
        for row_found, row_truth in zip(found, truth, strict=True)
    )
    return hits / truth.size


class ExactNeighbours:
    """The exact top-``k`` ids of a few query vectors, accumulated over the batches of a build."""

    def __init__(self, queries: NDArray[np.float32], k: int, metric: str) -> None:
        self.queries = np.ascontiguousarray(queries, dtype=np.float32)
        self.k = k
        self._metric = metric
        self._heap = faiss.ResultHeap(len(self.queries), k, keep_max=metric == "ip")
        self._seen = 0

    def add(self, ids: NDArray[np.int64], vectors: NDArray[np.float32]) -> None:
        """Merge one batch's nearest vectors into the running top-k."""
        if not len(ids) or not len(self.queries):
            return
        k = min(self.k, len(ids))
        distances, positions = faiss.knn(self.queries, vectors, k, metric=METRICS[self._metric])
        found = np.where(positions >= 0, ids[np.maximum(positions, 0)], -1)
        if k < self.k:  # pad so every batch merges the same width
            pad = np.full((len(self.queries), self.k - k), -1, np.int64)
            worst = -np.inf if self._metric == "ip" else np.inf
            distances = np.hstack([distances, np.full(pad.shape, worst, np.float32)])
            found = np.hstack([found, pad])
        self._heap.add_result(np.ascontiguousarray(distances), np.ascontiguousarray(found))
        self._seen += len(ids)

    def truth(self) -> NDArray[np.int64]:
        """The ids found so far, best first per query (the top ``min(k, vectors seen)`` columns)."""
        self._heap.finalize()
        return np.asarray(self._heap.I[:, : min(self.k, self._seen)])


def calibrate_nprobe(
    index: Any, queries: NDArray[np.float32], truth: NDArray[np.int64], settings: CalibrationSettings
) -> tuple[int, float]:
    """The smallest power-of-two nprobe whose recall of ``truth`` (exact top ids of ``queries``) reaches
    the target.

    When no nprobe reaches it (quantisation limits recall), the first nprobe at the best recall is returned.
    Leaves ``index.nprobe`` set to the returned value.
    """
    k = truth.shape[1]
    best_nprobe, best_recall = 1, -1.0
    nprobe = 1
    while True:
        nprobe = min(nprobe, index.nlist)
        index.nprobe = nprobe
        _scores, found = index.search(queries, k)
        recall = _recall(found, truth)
        if recall > best_recall:
            best_nprobe, best_recall = nprobe, recall
        if recall >= settings.target_recall or nprobe >= index.nlist:
            break
        nprobe *= 2
    if best_recall < settings.target_recall:
        log.warning(
            "IVF recall@%d reaches only %.3f (target %.2f); using nprobe=%d",
            k,
            best_recall,
            settings.target_recall,
            best_nprobe,
        )
    index.nprobe = best_nprobe
    return best_nprobe, best_recall


def _build_exact(source: VectorSource, dim: int, metric: str, added: list[NDArray[np.int64]]) -> BuiltIndex:
    index = new_exact_index(dim, metric)
    for ids, vectors in source.batches():
        index.add_with_ids(vectors, ids)
        added.append(ids)
    return BuiltIndex(index=index, index_type=EXACT_INDEX_TYPE, nprobe=None, calibration_recall=1.0)


def _build_ivf(
    source: VectorSource,
    ids: NDArray[np.int64],
    dim: int,
    metric: str,
    calibration: CalibrationSettings,
    added_ids: list[NDArray[np.int64]],
) -> BuiltIndex:
    count = len(ids)
    nlist = choose_nlist(count)
    index = new_ivf_index(dim, nlist, metric, calibration.seed)
    rng = np.random.default_rng(calibration.seed)
    train_ids = np.sort(rng.choice(ids, size=min(count, nlist * TRAIN_POINTS_PER_LIST), replace=False))
    started = time.perf_counter()
    _found, train = source.vectors_of(train_ids)
    index.train(train)
    trained = time.perf_counter()
    query_rows = rng.choice(len(train), size=min(calibration.sample_queries, len(train)), replace=False)
    neighbours = ExactNeighbours(train[np.sort(query_rows)], min(calibration.k, count), metric)
    del train
    for batch_ids, vectors in source.batches():
        index.add_with_ids(vectors, batch_ids)
        neighbours.add(batch_ids, vectors)
        added_ids.append(batch_ids)
    added = time.perf_counter()
    nprobe, recall = calibrate_nprobe(index, neighbours.queries, neighbours.truth(), calibration)
    log.info(
        "IVF%d,SQ8 over %d vectors: train %.1fs, add %.1fs, calibrate %.1fs → nprobe %d (recall@%d %.3f)",
        nlist,
        count,
        trained - started,
        added - trained,
        time.perf_counter() - added,
        nprobe,
        calibration.k,
        recall,
    )
    return BuiltIndex(index=index, index_type=f"IVF{nlist},SQ8", nprobe=nprobe, calibration_recall=recall)


def build_faiss_index(
    source: VectorSource,
    dim: int,
    metric: str,
    *,
    exact_max_vectors: int,
    calibration: CalibrationSettings,
    ids: NDArray[np.int64] | None = None,
) -> tuple[BuiltIndex, NDArray[np.int64]]:
    """A new index of every vector in ``source``: exact up to ``exact_max_vectors`` vectors, IVF-SQ8 above.

    The index kind and list count follow the ids listed first; the index holds what the batches yield
    (a vector written meanwhile may be in it or not; the next update settles it). Returns the index and
    the sorted ids it holds. ``ids`` is ``source.ids()`` when the caller has read it already.
    """
    ids = source.ids() if ids is None else ids
    added: list[NDArray[np.int64]] = []
    if len(ids) <= exact_max_vectors:
        built = _build_exact(source, dim, metric, added)
    else:
        built = _build_ivf(source, ids, dim, metric, calibration, added)
    held = np.unique(np.concatenate(added)) if added else np.zeros(0, np.int64)
    return built, held
