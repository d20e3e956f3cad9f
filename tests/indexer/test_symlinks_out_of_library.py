"""Symlinks inside a library root that lead out of it are refused, reported and never probed (issue #10, 6).

Real index runs on real generated clips with a real SQLite database. Whether a file was read at all (by
the in-process probe, ``ffprobe`` or anything else, in any process) is told by its access time: it is set
far in the past first, so the first read moves it to now (``relatime`` and ``strictatime`` mounts; the test
checks that a read library file does show it, and skips on a mount that records no access times).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from indexer.runner import IndexRequest, run_index
from montage.config import Settings
from montage.db.database import Database, open_database
from montage.db.models import Source
from montage.db.session import transaction
from montage.library_stats import library_stats
from montage.search.channels import Channels, open_channels
from tests.indexer.generated_footage import make_clip

pytestmark = pytest.mark.reliability


@pytest.fixture(scope="module")
def channels() -> Channels:
    """The real offline text encoder (no visual channel needed here)."""
    return open_channels(Settings().embedding)


UNREAD_ATIME = 1_000_000.0
"""An access time long before any file here was written (1970): a read moves it to now."""


def mark_unread(*paths: Path) -> None:
    """Set each file's access time to ``UNREAD_ATIME`` (its modification time is kept)."""
    for path in paths:
        os.utime(path, (UNREAD_ATIME, path.stat().st_mtime))


def was_read(path: Path) -> bool:
    """True when ``path`` has been read since :func:`mark_unread`."""
    return path.stat().st_atime != UNREAD_ATIME


@pytest.fixture
def atimes_recorded(tmp_path: Path) -> None:
    """Skip where the file system does not record reads in access times (a ``noatime`` mount)."""
    probe = tmp_path / "atime-check"
    probe.write_bytes(b"x")
    mark_unread(probe)
    probe.read_bytes()
    if not was_read(probe):
        pytest.skip(f"{tmp_path} records no access times (noatime): cannot tell which files were read")


@pytest.fixture
def library(tmp_path: Path) -> tuple[Path, Path]:
    """A library with one real clip and two links out of it: to a video and to a non-video file."""
    root = tmp_path / "library"
    outside = tmp_path / "elsewhere"
    make_clip(root / "inside.mp4", [("bars", 1.0)])
    make_clip(outside / "escape.mp4", [("testsrc", 1.0)])
    (outside / "shadow").write_text("root:$6$secret:19000:0:99999:7:::\n")
    os.symlink(outside / "escape.mp4", root / "linked.mp4")
    os.symlink(outside / "shadow", root / "shadow.mp4")
    return root, outside


@pytest.fixture
def setup(tmp_path: Path, library: tuple[Path, Path]) -> Iterator[tuple[Settings, Database]]:
    settings = Settings(data_dir=tmp_path / "data", library_roots=[library[0]], index={"workers": 1})
    db = open_database(settings)
    yield settings, db
    db.engine.dispose()


def _stats_text(settings: Settings, db: Database) -> str:
    """What ``GET /v1/library/stats`` answers (the route returns ``library_stats``), as JSON text."""
    with db.sessions() as session:
        return json.dumps(library_stats(session, settings.index_dir))


def test_links_out_of_the_library_are_refused_reported_and_never_probed(
    setup: tuple[Settings, Database],
    library: tuple[Path, Path],
    channels: Channels,
    atimes_recorded: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings, db = setup
    root, outside = library
    mark_unread(root / "inside.mp4", outside / "escape.mp4", outside / "shadow")

    with caplog.at_level(logging.WARNING):
        report = run_index(settings, db, channels, IndexRequest([root]))

    assert (report.discovered, report.indexed, report.failed) == (1, 1, [])
    assert sorted(Path(r["path"]).name for r in report.refused) == ["linked.mp4", "shadow.mp4"]
    assert all("leaves the library roots" in r["reason"] for r in report.refused)
    assert str(outside) not in json.dumps(report.to_json(), default=str)  # targets are not reported
    assert was_read(root / "inside.mp4")  # the access times do show reads
    assert not was_read(outside / "escape.mp4") and not was_read(outside / "shadow")
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("refused" in m and "linked.mp4" in m for m in logged)
    assert any("refused" in m and "shadow.mp4" in m for m in logged)
    with db.sessions() as session:
        stored = [s.path for s in session.scalars(select(Source))]
    assert stored == [str((root / "inside.mp4").resolve())]
    stats = _stats_text(settings, db)
    assert str(outside) not in stats and "shadow" not in stats and "escape" not in stats


def test_a_source_stored_from_outside_by_an_earlier_run_is_removed(
    setup: tuple[Settings, Database], library: tuple[Path, Path], channels: Channels
) -> None:
    settings, db = setup
    root, outside = library
    run_index(settings, db, channels, IndexRequest([root]))
    # What runs before the fix stored for the link to a non-video: a failed source at the link's target.
    with transaction(db.sessions) as session:
        source = session.scalars(select(Source)).one()
        source.shots.clear()
        source.path, source.status, source.error_code = str(outside / "shadow"), "failed", "corrupt_media"
    assert str(outside) in _stats_text(settings, db)

    report = run_index(settings, db, channels, IndexRequest([root]))

    assert report.deleted == 1 and report.indexed == 1
    assert str(outside) not in _stats_text(settings, db)
