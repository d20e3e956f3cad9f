"""Index runs end to end on real generated footage: first run, skip, change, delete, failures, text edits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from indexer.near_duplicates import group_near_duplicates
from indexer.runner import IndexRequest, run_index
from montage.config import Settings
from montage.db.database import Database, open_database
from montage.db.repositories.shots import all_shots, iter_embeddings
from montage.db.repositories.sources import list_sources
from montage.retrieval.shot_search import search_shots
from montage.search.channels import Channels, open_channels
from montage.search.vector_index import load_vector_index
from tests.indexer.generated_footage import make_clip

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def channels() -> Channels:
    """Real encoders: the offline MiniLM text model; CLIP weights are absent here, so no visual channel."""
    return open_channels(Settings().embedding)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "footage"
    make_clip(
        root / "city" / "traffic.mp4",
        [("bars", 2.0), ("testsrc", 2.0)],
        description="Cars and buses drive through a busy city intersection at rush hour.",
    )
    make_clip(
        root / "nature" / "forest.mp4",
        [("mandel", 2.0), ("blue", 2.0)],
        description="A quiet forest with tall pine trees and a river in the morning mist.",
    )
    make_clip(
        root / "kitchen.mp4",
        [("red", 1.5), ("testsrc", 1.5)],
        description="A chef chops vegetables in a restaurant kitchen.",
    )
    return root


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[Settings, Database]]:
    settings = Settings(data_dir=tmp_path / "data")
    db = open_database(settings)
    yield settings, db
    db.engine.dispose()


def _assert_db_and_faiss_agree(settings: Settings, db: Database, channels: Channels) -> set[int]:
    with db.sessions() as session:
        shot_ids = {shot.id for shot in all_shots(session)}
        stored = {
            int(i)
            for ids, _ in iter_embeddings(session, channel="text", model_id=channels.text.model_id)
            for i in ids
        }
    index = load_vector_index(
        settings.index_dir,
        channel="text",
        expected_model_id=channels.text.model_id,
        expected_dim=channels.text.dim,
    )
    assert index.count == len(shot_ids) == len(stored)
    assert stored == shot_ids
    if shot_ids:
        # Every stored vector is found by the index as its own nearest neighbour.
        with db.sessions() as session:
            _ids, vectors = next(iter_embeddings(session, channel="text", model_id=channels.text.model_id))
        _scores, found = index.search(vectors[:5], 1)
        assert set(found[:, 0].tolist()) <= shot_ids
    return shot_ids


def test_first_run_then_unchanged_skip(setup, library: Path, channels: Channels) -> None:
    settings, db = setup
    first = run_index(settings, db, channels, IndexRequest([library]))
    assert (first.discovered, first.indexed, first.unchanged, first.failed) == (3, 3, 0, [])
    assert first.shots_written >= 6  # two shots per clip, found by the detector
    ids = _assert_db_and_faiss_agree(settings, db, channels)
    with db.sessions() as session:
        traffic = next(s for s in list_sources(session) if s.rel_path == "city/traffic.mp4")
        cuts = [shot.start_s for shot in traffic.shots]
        assert traffic.license == "CC0-1.0"
    assert cuts[0] == 0.0 and any(abs(c - 2.0) <= 0.04 for c in cuts)  # cut at 2 s within one frame
    hits = search_shots(
        db.sessions,
        channels,
        "vehicles in urban traffic",
        k=3,
        index_dir=settings.index_dir,
        settings=settings.search,
    )
    assert hits[0].path == "city/traffic.mp4"
    assert hits[0].scores["text"] is not None and hits[0].scores["visual"] is None

    second = run_index(settings, db, channels, IndexRequest([library]))
    assert (second.indexed, second.unchanged, second.deleted) == (0, 3, 0)
    assert _assert_db_and_faiss_agree(settings, db, channels) == ids


def test_changed_deleted_and_text_only_changes(setup, library: Path, channels: Channels) -> None:
    settings, db = setup
    run_index(settings, db, channels, IndexRequest([library]))
    make_clip(library / "kitchen.mp4", [("noise", 1.0), ("bars", 1.0), ("blue", 1.0)])  # new content
    (library / "nature" / "forest.mp4").unlink()
    sidecar = library / "city" / "traffic.json"
    sidecar.write_text(json.dumps({"description": "Snow falls on a frozen mountain lake at night."}))
    report = run_index(settings, db, channels, IndexRequest([library]))
    assert (report.indexed, report.deleted, report.text_refreshed, report.unchanged) == (1, 1, 1, 1)
    _assert_db_and_faiss_agree(settings, db, channels)
    # The text index was updated in place: traffic's 2 re-embedded and kitchen's 3 new vectors added;
    # forest's 2, kitchen's 2 old and traffic's 2 old ones removed.
    (text_sync,) = report.channels
    assert (text_sync.update, text_sync.added, text_sync.removed) == ("incremental", 5, 6)

    again = run_index(settings, db, channels, IndexRequest([library], full=True))  # --full retrains
    assert [(sync.update, sync.vectors) for sync in again.channels] == [("full", 5)]
    _assert_db_and_faiss_agree(settings, db, channels)
    with db.sessions() as session:
        paths = sorted(s.rel_path for s in list_sources(session))
        kitchen = next(s for s in list_sources(session) if s.rel_path == "kitchen.mp4")
        assert len(kitchen.shots) == 3
    assert paths == ["city/traffic.mp4", "kitchen.mp4"]
    hits = search_shots(
        db.sessions,
        channels,
        "frozen lake in winter",
        k=1,
        index_dir=settings.index_dir,
        settings=settings.search,
    )
    assert hits[0].path == "city/traffic.mp4"


def test_corrupt_truncated_and_empty_files_are_recorded_not_fatal(
    setup, library: Path, channels: Channels
) -> None:
    settings, db = setup
    (library / "empty.mp4").write_bytes(b"")
    (library / "junk.mkv").write_bytes(np.random.default_rng(1).bytes(50_000))
    good = (library / "kitchen.mp4").read_bytes()
    (library / "truncated.mp4").write_bytes(good[: len(good) // 3])
    report = run_index(settings, db, channels, IndexRequest([library]))
    failed = {Path(f["path"]).name: f for f in report.failed}
    assert {"empty.mp4", "junk.mkv"} <= set(failed)
    assert failed["empty.mp4"]["code"] == "empty_file"
    assert all(f["message"] for f in report.failed)
    assert report.indexed + len(report.failed) == 6
    with db.sessions() as session:
        statuses = {s.rel_path: s.status for s in list_sources(session)}
    assert statuses["city/traffic.mp4"] == "indexed" and statuses["empty.mp4"] == "failed"
    # A failed file is not retried while it is unchanged.
    again = run_index(settings, db, channels, IndexRequest([library]))
    assert again.indexed == 0 and again.failed == []
    _assert_db_and_faiss_agree(settings, db, channels)


def _groups_by_file(db: Database) -> dict[str, list[int | None]]:
    """Each file's shots' near-duplicate groups in shot order; checks every stored group is exactly what
    grouping the whole library from scratch gives."""
    with db.sessions() as session:
        shots = all_shots(session)
        from_scratch = group_near_duplicates({s.id: s.phash for s in shots if s.phash is not None})
        assert {s.id: s.duplicate_group for s in shots if s.phash is not None} == from_scratch
        return {s.rel_path: [shot.duplicate_group for shot in s.shots] for s in list_sources(session)}


def test_near_duplicate_groups_follow_copies_deletions_and_new_copies(
    setup, library: Path, channels: Channels
) -> None:
    settings, db = setup
    segments = [("mandel", 2.0), ("bars", 2.0)]
    for name in ("copy-a.mp4", "copy-b.mp4"):
        make_clip(library / "copies" / name, segments)
    run_index(settings, db, channels, IndexRequest([library]))
    groups = _groups_by_file(db)
    assert groups["copies/copy-a.mp4"] == groups["copies/copy-b.mp4"]  # the same pictures: one group each

    (library / "copies" / "copy-a.mp4").unlink()
    run_index(settings, db, channels, IndexRequest([library]))
    _groups_by_file(db)  # groups that lost copy-a's shots were released and regrouped

    make_clip(library / "copies" / "copy-c.mp4", segments)  # a new copy joins the survivor's groups
    run_index(settings, db, channels, IndexRequest([library]))
    groups = _groups_by_file(db)
    assert groups["copies/copy-c.mp4"] == groups["copies/copy-b.mp4"]
