"""Symlinks inside a library root that lead out of it are refused, reported and never probed (issue #10, 6).

Real index runs on real generated clips with a real SQLite database. ``ffprobe`` is wrapped by a script on
PATH that records every file it is asked to read and then runs the real ffprobe.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
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


@pytest.fixture
def ffprobe_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put a recording ``ffprobe`` first on PATH (worker processes inherit it); return its log file."""
    real = shutil.which("ffprobe")
    assert real is not None
    spy_dir = tmp_path / "spy-bin"
    spy_dir.mkdir()
    calls = tmp_path / "ffprobe-calls.txt"
    calls.touch()
    spy = spy_dir / "ffprobe"
    spy.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{calls}"\nexec "{real}" "$@"\n')
    spy.chmod(0o755)
    monkeypatch.setenv("PATH", f"{spy_dir}{os.pathsep}{os.environ['PATH']}")
    return calls


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
    ffprobe_calls: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings, db = setup
    root, outside = library

    with caplog.at_level(logging.WARNING):
        report = run_index(settings, db, channels, IndexRequest([root]))

    assert (report.discovered, report.indexed, report.failed) == (1, 1, [])
    assert sorted(Path(r["path"]).name for r in report.refused) == ["linked.mp4", "shadow.mp4"]
    assert all("leaves the library roots" in r["reason"] for r in report.refused)
    assert str(outside) not in json.dumps(report.to_json(), default=str)  # targets are not reported
    probed = ffprobe_calls.read_text()
    assert "inside.mp4" in probed  # the spy sees real probes
    assert "escape" not in probed and "shadow" not in probed and "linked" not in probed
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
