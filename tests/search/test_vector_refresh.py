"""Updating a published FAISS index in place: only changed vectors are read; it matches a new build."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from montage.search.vector_build import TRAIN_POINTS_PER_LIST, Batch, choose_nlist
from montage.search.vector_index import IDS_FILE, INDEX_FILE, load_vector_index, read_manifest
from montage.search.vector_refresh import refresh_vector_index
from tests.search.vectors import clustered_unit_vectors

DIM = 32
MODEL = "test-model"


class StampedVectors:
    """A vector source like the database: each vector carries the revision that wrote it.

    Counts what the refresh reads, and refuses batches larger than ``batch`` (no whole-array reads).
    """

    def __init__(self, batch: int = 300) -> None:
        self.rows: dict[int, tuple[NDArray[np.float32], int]] = {}
        self.batch = batch
        self.batched_reads = 0
        self.single_reads = 0

    def write(self, ids: NDArray[np.int64], vectors: NDArray[np.float32], revision: int) -> None:
        for i, vector in zip(ids.tolist(), vectors, strict=True):
            self.rows[int(i)] = (vector, revision)

    def delete(self, ids: NDArray[np.int64]) -> None:
        for i in ids.tolist():
            del self.rows[int(i)]

    def ids(self) -> NDArray[np.int64]:
        return np.array(sorted(self.rows), dtype=np.int64)

    def batches(self, written_after: int | None = None) -> Iterator[Batch]:
        wanted = [i for i in sorted(self.rows) if written_after is None or self.rows[i][1] > written_after]
        for start in range(0, len(wanted), self.batch):
            chunk = wanted[start : start + self.batch]
            self.batched_reads += len(chunk)
            yield np.array(chunk, np.int64), np.stack([self.rows[i][0] for i in chunk])

    def vectors_of(self, ids: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        found = sorted(int(i) for i in ids if int(i) in self.rows)
        self.single_reads += len(found)
        return np.array(found, np.int64), np.stack([self.rows[i][0] for i in found])

    def reset_counts(self) -> None:
        self.batched_reads = self.single_reads = 0


def _refresh(root: Path, source: StampedVectors, revision: int, **options: object):
    return refresh_vector_index(
        root, channel="text", source=source, model_id=MODEL, dim=DIM, revision=revision, **options
    )


def _search(root: Path, queries: NDArray[np.float32], k: int = 10):
    index = load_vector_index(root, channel="text", expected_model_id=MODEL, expected_dim=DIM, mmap=False)
    return index.search(queries, k)


def _live_version_dir(root: Path) -> Path:
    """The folder of the published version readers load."""
    return load_vector_index(root, channel="text", expected_model_id=MODEL, expected_dim=DIM).path


def _changed_library(
    source: StampedVectors, revision: int, rng: np.random.Generator
) -> dict[str, NDArray[np.int64]]:
    """Delete some vectors, rewrite some (same id, new vector) and add new ones, all at ``revision``."""
    ids = source.ids()
    picked = rng.choice(ids, size=40, replace=False)
    gone, changed = picked[:15], picked[15:]
    source.delete(gone)
    source.write(changed, clustered_unit_vectors(len(changed), DIM, 4, seed=revision + 100), revision)
    new = np.arange(10_000_000, 10_000_030, dtype=np.int64) + revision * 1000
    source.write(new, clustered_unit_vectors(len(new), DIM, 4, seed=revision + 200), revision)
    return {"gone": gone, "changed": changed, "new": new}


def test_exact_index_update_reads_only_the_changes_and_equals_a_new_build(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    source = StampedVectors()
    source.write(np.arange(1, 1201, dtype=np.int64), clustered_unit_vectors(1200, DIM, 12, seed=1), 1)
    first = _refresh(tmp_path / "live", source, 1)
    assert (first.update, first.manifest.index_type, first.manifest.count) == ("full", "Flat", 1200)

    changes = _changed_library(source, 2, rng)
    source.reset_counts()
    second = _refresh(tmp_path / "live", source, 2)
    assert (second.update, second.added, second.removed) == ("incremental", 55, 40)
    assert source.batched_reads == 55 and source.single_reads == 0  # the 55 written at revision 2
    assert second.manifest.count == len(source.rows) == 1200 - 15 + 30
    assert np.array_equal(np.load(_live_version_dir(tmp_path / "live") / IDS_FILE), source.ids())

    rebuilt = _refresh(tmp_path / "anew", source, 2)
    assert rebuilt.update == "full"
    queries = clustered_unit_vectors(50, DIM, 12, seed=9)
    live_scores, live_ids = _search(tmp_path / "live", queries)
    new_scores, new_ids = _search(tmp_path / "anew", queries)
    assert np.array_equal(live_ids, new_ids)
    np.testing.assert_allclose(live_scores, new_scores, atol=1e-6)
    _scores, found = _search(
        tmp_path / "live", np.stack([source.rows[int(i)][0] for i in changes["changed"]]), 1
    )
    assert np.array_equal(found[:, 0], changes["changed"])  # the new vector, not the old, is indexed


def test_ivf_index_update_keeps_lists_and_nprobe_and_serves_the_changes(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    source = StampedVectors(batch=1000)
    count = 6000
    source.write(np.arange(count, dtype=np.int64) * 7 + 3, clustered_unit_vectors(count, DIM, 40, seed=2), 1)
    first = _refresh(tmp_path, source, 1, exact_max_vectors=1000)
    nlist = choose_nlist(count)
    assert first.manifest.index_type == f"IVF{nlist},SQ8" and first.manifest.calibration_recall >= 0.95
    # Trained on a sample fetched by id; everything else came in batches.
    assert source.single_reads == nlist * TRAIN_POINTS_PER_LIST and source.batched_reads == count

    changes = _changed_library(source, 2, rng)
    source.reset_counts()
    second = _refresh(tmp_path, source, 2, exact_max_vectors=1000)
    assert (second.update, second.added, second.removed) == ("incremental", 55, 40)
    assert source.batched_reads == 55 and source.single_reads == 0
    manifest = second.manifest
    assert (manifest.index_type, manifest.nprobe, manifest.trained_count) == (
        first.manifest.index_type,
        first.manifest.nprobe,
        count,
    )
    written = np.concatenate([changes["changed"], changes["new"]])
    _scores, found = _search(tmp_path, np.stack([source.rows[int(i)][0] for i in written]), 5)
    assert (found[:, 0] == written).mean() >= 0.95
    _scores, everything = _search(tmp_path, clustered_unit_vectors(200, DIM, 40, seed=3), 50)
    assert not np.isin(everything, changes["gone"]).any()
    assert np.isin(everything[everything >= 0], source.ids()).all()


def test_nothing_written_publishes_the_same_files_under_the_new_revision(tmp_path: Path) -> None:
    source = StampedVectors()
    source.write(np.arange(500, dtype=np.int64), clustered_unit_vectors(500, DIM, 5, seed=4), 1)
    first = _refresh(tmp_path, source, 1)
    before = _live_version_dir(tmp_path)
    source.reset_counts()
    second = _refresh(tmp_path, source, 5)  # the revision moved for another channel's vectors
    after = _live_version_dir(tmp_path)
    assert (second.update, second.manifest.revision, second.manifest.count) == ("unchanged", 5, 500)
    assert source.batched_reads == 0
    assert after != before and (after / INDEX_FILE).read_bytes() == (before / INDEX_FILE).read_bytes()
    assert first.manifest.version + 1 == second.manifest.version


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("retrain", "a retrain was asked for"),
        ("model", "the vectors are now"),
        ("outgrow exact", "outgrow the exact limit"),
        ("grow 4x", "IVF lists"),
        ("no id list", "no index with an id list"),
    ],
)
def test_a_full_build_happens_when_the_last_version_cannot_be_updated(
    tmp_path: Path, change: str, reason: str
) -> None:
    source = StampedVectors(batch=2000)
    source.write(np.arange(3000, dtype=np.int64), clustered_unit_vectors(3000, DIM, 20, seed=5), 1)
    exact_max = 5000 if change == "outgrow exact" else 1000
    _refresh(tmp_path, source, 1, exact_max_vectors=exact_max)
    options: dict[str, object] = {"exact_max_vectors": 1000}
    model = MODEL
    if change == "retrain":
        options["retrain"] = True
    elif change == "model":
        model = "another-model"
    elif change in ("outgrow exact", "grow 4x"):
        more = np.arange(3000, 15000, dtype=np.int64)
        source.write(more, clustered_unit_vectors(len(more), DIM, 20, seed=6), 2)
    elif change == "no id list":
        (_live_version_dir(tmp_path) / IDS_FILE).unlink()
    result = refresh_vector_index(
        tmp_path, channel="text", source=source, model_id=model, dim=DIM, revision=2, **options
    )
    assert result.update == "full" and reason in result.reason
    assert result.manifest.count == len(source.rows) and result.manifest.trained_count == len(source.rows)
    manifest = read_manifest(tmp_path, "text")
    assert manifest is not None and manifest.update == "full" and manifest.model_id == model
