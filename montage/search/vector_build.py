"""Build a FAISS index in memory: exact below a size limit, IVF + 8-bit scalar quantisation above it.

The IVF index's ``nprobe`` (lists searched per query) is calibrated at build time: a sample of the indexed
vectors is searched exactly and with increasing nprobe until recall@k reaches the target.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray

log = logging.getLogger(__name__)

METRICS = {"ip": faiss.METRIC_INNER_PRODUCT, "l2": faiss.METRIC_L2}
EXACT_INDEX_TYPE = "Flat"
TRAIN_POINTS_PER_LIST = 50
KMEANS_ITERATIONS = 10
ADD_CHUNK = 100_000


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


def build_exact(ids: NDArray[np.int64], vectors: NDArray[np.float32], metric: str) -> BuiltIndex:
    """A brute-force index with arbitrary 64-bit ids (``IndexIDMap2`` over ``IndexFlat``)."""
    dim = vectors.shape[1]
    flat = faiss.IndexFlatIP(dim) if metric == "ip" else faiss.IndexFlatL2(dim)
    index = faiss.IndexIDMap2(flat)
    if len(ids):
        index.add_with_ids(vectors, ids)
    return BuiltIndex(index=index, index_type=EXACT_INDEX_TYPE, nprobe=None, calibration_recall=1.0)


def _recall(found: NDArray[np.int64], truth: NDArray[np.int64]) -> float:
    hits = sum(
        len(set(row_found.tolist()) & set(row_truth.tolist()))
        for row_found, row_truth in zip(found, truth, strict=True)
    )
    return hits / truth.size


def calibrate_nprobe(
    index: Any,
    ids: NDArray[np.int64],
    vectors: NDArray[np.float32],
    metric: str,
    settings: CalibrationSettings,
) -> tuple[int, float]:
    """The smallest power-of-two nprobe whose recall@k on a sample of ``vectors`` reaches the target.

    When no nprobe reaches it (quantisation limits recall), the first nprobe at the best recall is returned.
    Leaves ``index.nprobe`` set to the returned value.
    """
    rng = np.random.default_rng(settings.seed)
    sample = np.sort(rng.choice(len(vectors), size=min(settings.sample_queries, len(vectors)), replace=False))
    queries = np.ascontiguousarray(vectors[sample])
    k = min(settings.k, len(vectors))
    _distances, positions = faiss.knn(queries, vectors, k, metric=METRICS[metric])
    truth = ids[positions]
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


def build_ivf(
    ids: NDArray[np.int64], vectors: NDArray[np.float32], metric: str, calibration: CalibrationSettings
) -> BuiltIndex:
    """An ``IVF<nlist>,SQ8`` index (ids stored in its inverted lists) with a calibrated nprobe."""
    count, dim = vectors.shape
    nlist = choose_nlist(count)
    quantizer = faiss.IndexFlatIP(dim) if metric == "ip" else faiss.IndexFlatL2(dim)
    index = faiss.IndexIVFScalarQuantizer(
        quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit, METRICS[metric]
    )
    index.cp.niter = KMEANS_ITERATIONS
    index.cp.spherical = metric == "ip"
    index.cp.seed = calibration.seed
    rng = np.random.default_rng(calibration.seed)
    train_rows = np.sort(rng.choice(count, size=min(count, nlist * TRAIN_POINTS_PER_LIST), replace=False))
    started = time.perf_counter()
    index.train(np.ascontiguousarray(vectors[train_rows]))
    trained = time.perf_counter()
    for start in range(0, count, ADD_CHUNK):
        index.add_with_ids(vectors[start : start + ADD_CHUNK], ids[start : start + ADD_CHUNK])
    added = time.perf_counter()
    nprobe, recall = calibrate_nprobe(index, ids, vectors, metric, calibration)
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
    ids: NDArray[np.int64],
    vectors: NDArray[np.float32],
    metric: str,
    *,
    exact_max_vectors: int,
    calibration: CalibrationSettings,
) -> BuiltIndex:
    """Exact up to ``exact_max_vectors`` vectors, IVF-SQ8 above."""
    if len(vectors) <= exact_max_vectors:
        return build_exact(ids, vectors, metric)
    return build_ivf(ids, vectors, metric, calibration)
