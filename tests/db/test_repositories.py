"""Migrations and repositories against real SQLite and the real local PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from alembic import command
from sqlalchemy import inspect

from montage.db.migrate import alembic_config, upgrade_to_head
from montage.db.models import Shot, Source
from montage.db.repositories.library_state import bump_revision, current_revision
from montage.db.repositories.shots import (
    count_embeddings,
    delete_embeddings_of_other_models,
    embedding_ids,
    iter_embeddings,
    put_embeddings,
    shot_ids_missing_embedding,
    shots_by_ids,
    vectors_for,
)
from montage.db.repositories.sources import count_sources_by_status, find_source, sources_under
from montage.db.session import make_engine, make_sessionmaker, transaction

BIG_ID = (1 << 62) + 12345  # shot ids are 63-bit: they must survive a round trip on every backend


def _source(path: str, status: str = "indexed") -> Source:
    return Source(
        path=path,
        library_root="/lib",
        rel_path=path.removeprefix("/lib/"),
        status=status,
        content_hash="ab" * 32,
        size_bytes=10,
        mtime_ns=1,
        analyzer_version="v1",
        updated_at=datetime.now(UTC),
        tags=["car", "street"],
        license="CC-BY-4.0",
        attribution="Someone",
    )


def test_migrations_create_every_table_and_downgrade_cleanly(database_url: str) -> None:
    upgrade_to_head(database_url)
    engine = make_engine(database_url)
    tables = set(inspect(engine).get_table_names())
    assert {"sources", "shots", "shot_embeddings", "library_state", "alembic_version"} <= tables
    engine.dispose()
    command.downgrade(alembic_config(database_url), "base")
    engine = make_engine(database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade_to_head(database_url)  # and back up again


def test_sources_shots_embeddings_round_trip(database_url: str) -> None:
    upgrade_to_head(database_url)
    engine = make_engine(database_url)
    factory = make_sessionmaker(engine)
    with transaction(factory) as session:
        source = _source("/lib/street/bikes.mp4")
        source.shots = [
            Shot(id=BIG_ID, ordinal=0, start_frame=0, end_frame=50, start_s=0.0, end_s=2.0, text="bikes"),
            Shot(id=7, ordinal=1, start_frame=50, end_frame=100, start_s=2.0, end_s=4.0, text="taxi"),
        ]
        session.add(source)
        session.add(_source("/lib/broken.mp4", status="failed"))
        session.add(_source("/library-other/x.mp4"))
        assert bump_revision(session) == 1
    vectors = {BIG_ID: np.ones(4, np.float32) / 2, 7: np.array([1, 0, 0, 0], np.float32)}
    with transaction(factory) as session:
        put_embeddings(session, channel="text", model_id="m1", vectors=vectors)
        put_embeddings(
            session, channel="text", model_id="m1", vectors={7: np.array([0, 1, 0, 0], np.float32)}
        )
        assert bump_revision(session) == 4  # each put stamps its rows with a revision of its own
    with factory() as session:
        assert current_revision(session) == 4
        assert embedding_ids(session, channel="text", model_id="m1", written_after=2).tolist() == [7]
        assert embedding_ids(session, channel="text", model_id="m1").tolist() == [7, BIG_ID]
        shots = shots_by_ids(session, [BIG_ID, 7, 999])
        assert set(shots) == {BIG_ID, 7}
        assert shots[BIG_ID].source.tags == ["car", "street"]
        assert shots[BIG_ID].duration_s == pytest.approx(2.0)
        got = vectors_for(session, [BIG_ID, 7], channel="text", model_id="m1")
        np.testing.assert_allclose(got[7], [0, 1, 0, 0])
        batches = list(iter_embeddings(session, channel="text", model_id="m1", batch=1))
        assert [int(ids[0]) for ids, _ in batches] == [7, BIG_ID]
        assert shot_ids_missing_embedding(session, channel="text", model_id="m2") == [7, BIG_ID]
        assert shot_ids_missing_embedding(session, channel="text", model_id="m1") == []
        assert count_sources_by_status(session) == {"indexed": 2, "failed": 1}
        assert [s.path for s in sources_under(session, ["/lib"])] == [
            "/lib/broken.mp4",
            "/lib/street/bikes.mp4",
        ]
        found = find_source(session, "street/bikes.mp4")
        assert found is not None and found.path == "/lib/street/bikes.mp4"
    with transaction(factory) as session:
        assert delete_embeddings_of_other_models(session, channel="text", model_id="m2") == 2
        session.add(_source("/lib/other.mp4"))
    with transaction(factory) as session:
        bikes = find_source(session, "/lib/street/bikes.mp4")
        assert bikes is not None
        put_embeddings(session, channel="visual", model_id="clip", vectors={7: np.ones(3, np.float32)})
        session.flush()
        session.delete(bikes)
    with factory() as session:
        assert shots_by_ids(session, [BIG_ID, 7]) == {}
        assert count_embeddings(session, channel="visual") == 0  # cascaded with the shots
    engine.dispose()
