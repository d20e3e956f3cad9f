"""Per-channel FAISS indexes: build, atomic publish, load, search, refusal of other models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from montage.errors import IndexMismatchError, IndexMissingError
from montage.search.vector_index import build_vector_index, load_vector_index, read_manifest
from tests.search.vectors import big_ids, clustered_unit_vectors

REPO_ROOT = Path(__file__).resolve().parents[2]
MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def _build(root: Path, ids, vectors, *, revision: int = 1, model_id: str = MODEL, **kwargs):
    return build_vector_index(
        root, channel="text", ids=ids, vectors=vectors, model_id=model_id, revision=revision, **kwargs
    )


def _load(root: Path, dim: int, model_id: str = MODEL, **kwargs):
    return load_vector_index(root, channel="text", expected_model_id=model_id, expected_dim=dim, **kwargs)


def _exact_top(vectors, ids, queries, k):
    return ids[np.argsort(-(queries @ vectors.T), axis=1)[:, :k]]


def test_exact_round_trip_with_63_bit_ids(tmp_path: Path) -> None:
    vectors = clustered_unit_vectors(500, 24, 20)
    ids = big_ids(500)
    manifest = _build(tmp_path, ids, vectors, revision=7)
    assert (manifest.index_type, manifest.count, manifest.dim, manifest.metric) == ("Flat", 500, 24, "ip")
    assert (manifest.revision, manifest.version, manifest.nprobe, manifest.model_id) == (7, 1, None, MODEL)
    assert read_manifest(tmp_path, "text") == manifest
    assert read_manifest(tmp_path, "visual") is None
    index = _load(tmp_path, 24)
    assert index.count == 500 and index.manifest == manifest
    scores, found = index.search(vectors[:10], 5)
    assert found.dtype == np.int64 and scores.dtype == np.float32
    assert found[:, 0].tolist() == ids[:10].tolist()
    np.testing.assert_allclose(scores[:, 0], 1.0, atol=1e-5)
    np.testing.assert_array_equal(found, _exact_top(vectors, ids, vectors[:10], 5))
    _scores, single = index.search(vectors[3], 1)  # a single 1-D query is accepted
    assert single.tolist() == [[ids[3]]]
    assert (tmp_path / "text" / "CURRENT").read_text().strip() == "v000001"
    on_disk = json.loads((tmp_path / "text" / "v000001" / "manifest.json").read_text())
    assert on_disk["model_id"] == MODEL and on_disk["count"] == 500


def test_ivf_above_the_exact_limit_keeps_recall(tmp_path: Path) -> None:
    vectors = clustered_unit_vectors(6000, 32, 60, seed=3)
    ids = big_ids(6000, seed=4)
    manifest = _build(tmp_path, ids, vectors, exact_max_vectors=1000)
    assert manifest.index_type.startswith("IVF") and manifest.index_type.endswith(",SQ8")
    nlist = int(manifest.index_type[3:].split(",")[0])
    assert 10 <= nlist <= 120
    assert manifest.nprobe is not None and 1 <= manifest.nprobe <= nlist
    assert manifest.calibration_recall >= 0.95
    index = _load(tmp_path, 32)
    queries = clustered_unit_vectors(6100, 32, 60, seed=3)[6000:]  # same mixture, not indexed
    _scores, found = index.search(queries, 50)
    truth = _exact_top(vectors, ids, queries, 50)
    recall = np.mean([len(set(a) & set(b)) / 50 for a, b in zip(found.tolist(), truth.tolist(), strict=True)])
    assert recall >= 0.9
    not_mapped = _load(tmp_path, 32, mmap=False)
    np.testing.assert_array_equal(not_mapped.search(queries, 50)[1], found)


def test_l2_metric_finds_nearest_by_distance(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    vectors = rng.standard_normal((300, 8)).astype(np.float32) * 10
    ids = np.arange(300, dtype=np.int64) * 3
    _build(tmp_path, ids, vectors, metric="l2")
    scores, found = _load(tmp_path, 8).search(vectors[:4] + 0.01, 1)
    assert found[:, 0].tolist() == ids[:4].tolist()
    assert np.all(scores[:, 0] < 0.01)


def test_missing_index_and_other_models_are_refused(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError) as missing:
        _load(tmp_path, 24)
    assert missing.value.code == "index_missing"
    _build(tmp_path, big_ids(50), clustered_unit_vectors(50, 24, 5))
    with pytest.raises(IndexMismatchError, match="built with sentence-transformers/all-MiniLM-L6-v2"):
        _load(tmp_path, 24, model_id="open_clip/ViT-B-32/laion2b_s34b_b79k")
    with pytest.raises(IndexMismatchError, match="dimension 24"):
        _load(tmp_path, 384)
    with pytest.raises(IndexMismatchError, match="do not fit"):
        _load(tmp_path, 24).search(np.zeros((1, 10), np.float32), 3)


def test_rebuild_with_another_model_switches_what_is_accepted(tmp_path: Path) -> None:
    vectors = clustered_unit_vectors(80, 16, 4)
    _build(tmp_path, big_ids(80), vectors)
    manifest = _build(
        tmp_path, big_ids(80, seed=9), vectors, model_id="local/other@0123456789abcdef", revision=2
    )
    assert manifest.version == 2 and manifest.revision == 2
    assert _load(tmp_path, 16, model_id="local/other@0123456789abcdef").count == 80
    with pytest.raises(IndexMismatchError):
        _load(tmp_path, 16)


def test_reader_of_an_old_version_survives_swaps_and_pruning(tmp_path: Path) -> None:
    first_vectors = clustered_unit_vectors(200, 16, 8, seed=1)
    first_ids = np.arange(200, dtype=np.int64)
    _build(tmp_path, first_ids, first_vectors, revision=1)
    old = _load(tmp_path, 16)
    for revision in (2, 3, 4):
        _build(
            tmp_path,
            first_ids + 1000 * revision,
            clustered_unit_vectors(200, 16, 8, seed=revision),
            revision=revision,
        )
    folder = tmp_path / "text"
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == ["v000003", "v000004"]
    assert not old.path.exists()  # pruned, yet still readable through the open mapping
    assert old.search(first_vectors[:3], 1)[1][:, 0].tolist() == [0, 1, 2]
    new = _load(tmp_path, 16)
    assert new.manifest.revision == 4 and new.search(first_vectors[:1], 1)[1][0, 0] >= 4000


def test_empty_index_answers_with_no_results(tmp_path: Path) -> None:
    manifest = _build(tmp_path, np.zeros(0, np.int64), np.zeros((0, 12), np.float32))
    assert manifest.count == 0 and manifest.dim == 12
    _scores, found = _load(tmp_path, 12).search(np.ones((2, 12), np.float32), 3)
    assert found.shape == (2, 3) and (found == -1).all()


def test_readers_never_see_a_half_written_index(tmp_path: Path) -> None:
    vectors = clustered_unit_vectors(300, 16, 6)
    _build(tmp_path, np.arange(300, dtype=np.int64), vectors)
    failures: list[BaseException] = []
    stop = threading.Event()

    def read_forever() -> None:
        while not stop.is_set():
            try:
                index = _load(tmp_path, 16)
                assert index.count == 300
                assert index.search(vectors[:1], 1)[1].shape == (1, 1)
                manifest = read_manifest(tmp_path, "text")
                assert manifest is not None and manifest.count == 300
            except BaseException as exc:  # collected and re-raised in the test thread
                failures.append(exc)
                return

    reader = threading.Thread(target=read_forever)
    reader.start()
    try:
        for revision in range(2, 14):
            _build(tmp_path, np.arange(300, dtype=np.int64) + revision, vectors, revision=revision)
    finally:
        stop.set()
        reader.join()
    assert failures == []
    assert read_manifest(tmp_path, "text").version == 13  # type: ignore[union-attr]


def test_concurrent_builds_from_two_processes_are_serialised(tmp_path: Path) -> None:
    code = (
        "import sys, numpy as np\n"
        "from pathlib import Path\n"
        "from montage.search.vector_index import build_vector_index\n"
        "seed = int(sys.argv[2])\n"
        "vectors = np.random.default_rng(seed).standard_normal((20000, 32)).astype('float32')\n"
        "build_vector_index(Path(sys.argv[1]), channel='visual', ids=np.arange(20000),\n"
        "                   vectors=vectors, model_id='m', revision=seed)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    workers = [
        subprocess.Popen([sys.executable, "-c", code, str(tmp_path), str(seed)], env=env) for seed in (1, 2)
    ]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0]
    folder = tmp_path / "visual"
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == ["v000001", "v000002"]
    manifest = read_manifest(tmp_path, "visual")
    assert manifest is not None and manifest.version == 2 and manifest.revision in (1, 2)


def test_leftovers_of_a_crashed_build_are_cleared(tmp_path: Path) -> None:
    vectors = clustered_unit_vectors(40, 8, 2)
    _build(tmp_path, np.arange(40, dtype=np.int64), vectors)
    crashed = tmp_path / "text" / ".tmp-v000002-deadbeef"
    crashed.mkdir()
    (crashed / "index.faiss").write_bytes(b"half")
    assert _load(tmp_path, 8).manifest.version == 1  # a staging folder is invisible to readers
    assert _build(tmp_path, np.arange(40, dtype=np.int64), vectors, revision=2).version == 2
    assert not crashed.exists()


@pytest.mark.parametrize(
    ("ids", "vectors", "message"),
    [
        (np.array([1, 1]), np.ones((2, 4), np.float32), "unique"),
        (np.array([-5, 1]), np.ones((2, 4), np.float32), "non-negative"),
        (np.array([1, 2]), np.array([[np.nan] * 4, [0.0] * 4], np.float32), "NaN"),
        (np.array([1, 2, 3]), np.ones((2, 4), np.float32), "shape"),
    ],
)
def test_bad_inputs_are_rejected_before_anything_is_written(tmp_path: Path, ids, vectors, message) -> None:
    with pytest.raises(ValueError, match=message):
        _build(tmp_path, ids, vectors)
    assert read_manifest(tmp_path, "text") is None


def test_channel_names_cannot_escape_the_root(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="invalid channel"):
        build_vector_index(
            tmp_path,
            channel="../x",
            ids=np.arange(2),
            vectors=np.ones((2, 3), np.float32),
            model_id="m",
            revision=1,
        )
