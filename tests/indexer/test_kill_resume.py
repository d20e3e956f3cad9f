"""SIGKILL an index run at several moments, run it again: no duplicate or lost shots, DB and FAISS agree."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.indexer.generated_footage import make_clip
from tests.indexer.index_db import indexed_sources

pytestmark = pytest.mark.slow

MONTAGE = [sys.executable, "-m", "api.cli"]


def _env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(MONTAGE_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1", MONTAGE_INDEX__WORKERS="2")
    env.pop("MONTAGE_DATABASE_URL", None)
    return env


def _shots_per_source(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "select s.rel_path, count(h.id) from sources s left join shots h on h.source_id = s.id "
            "group by s.id"
        ).fetchall()
    return dict(rows)


def _json_stats(data_dir: Path) -> dict:
    import json

    out = subprocess.run(
        [*MONTAGE, "library", "stats", "--json"],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return json.loads(out.stdout)


def _index(library: Path, data_dir: Path, repo: Path) -> None:
    run = subprocess.run(
        [*MONTAGE, "index", str(library)], env=_env(data_dir), capture_output=True, text=True, cwd=repo
    )
    assert run.returncode == 0, run.stderr[-3000:]


def _kill_once_stored(process: subprocess.Popen[bytes], db: Path, sources: int) -> int:
    """SIGKILL the run's process group once at least ``sources`` files are stored; return how many are.

    Each look holds SQLite's write lock (BEGIN IMMEDIATE) until the kill, so the run can store nothing
    between the look and the kill, and a run that is alive under the lock cannot have finished (its
    remaining files wait for the lock). The run's writes wait up to 30 s for a lock, far longer than a look.

    Small files arrive together and are stored ~7-20 ms apart, so looks must be closer than that: they
    come every millisecond and take the lock without SQLite's busy handler, whose sleeps grow to 100 ms
    (long enough for all six files to be stored between two looks). Looking starts once the run's schema
    is committed (read without a lock): a write lock held while the run creates a new database fails its
    switch to WAL and its migration at once ("database is locked").
    """
    finished = "the run finished before it could be killed; make the library bigger"
    deadline = time.monotonic() + 120
    while not _has_schema(db):
        assert process.poll() is None, finished
        assert time.monotonic() < deadline, "the run created no schema within 120 s"
        time.sleep(0.001)
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        while time.monotonic() < deadline:
            assert process.poll() is None, finished
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:  # the run holds the write lock: look again in a moment
                time.sleep(0.0005)
                continue
            stored = int(conn.execute("select count(*) from sources").fetchone()[0])
            if stored >= sources and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)  # the CLI and its workers, like a power cut
                process.wait()
                return stored
            conn.execute("ROLLBACK")
            time.sleep(0.001)
    finally:
        conn.close()
    raise AssertionError(f"fewer than {sources} files were stored within 120 s")


def _has_schema(db: Path) -> bool:
    """True once the run has committed its tables (a plain read: no lock the run could trip over)."""
    if not Path(f"{db}-wal").exists():
        return False
    with closing(sqlite3.connect(db, timeout=0)) as conn:
        try:
            row = conn.execute("select count(*) from sqlite_master where name = 'sources'").fetchone()
        except sqlite3.OperationalError:
            return False
    return bool(row[0])


@pytest.mark.parametrize("kill_after_sources", [0, 2])
def test_killed_run_resumes_without_duplicates_or_losses(tmp_path: Path, kill_after_sources: int) -> None:
    library = tmp_path / "footage"
    names = ["bars", "testsrc", "mandel", "red", "blue", "noise"]
    for i in range(6):
        make_clip(
            library / f"clip{i}.mp4",
            [(names[i], 1.5), (names[(i + 1) % 6], 1.5)],
            description=f"clip number {i}",
        )
    repo = Path(__file__).resolve().parents[2]

    reference_dir = tmp_path / "reference"
    _index(library, reference_dir, repo)
    expected = _shots_per_source(reference_dir / "montage.db")
    assert len(expected) == 6 and all(n >= 2 for n in expected.values())

    data_dir = tmp_path / "killed"
    process = subprocess.Popen(
        [*MONTAGE, "index", str(library)],
        env=_env(data_dir),
        cwd=repo,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    stored = _kill_once_stored(process, data_dir / "montage.db", kill_after_sources)
    assert kill_after_sources <= stored < 6
    assert indexed_sources(data_dir / "montage.db") == stored  # nothing was stored after the look

    _index(library, data_dir, repo)
    assert _shots_per_source(data_dir / "montage.db") == expected
    stats = _json_stats(data_dir)
    text = stats["channels"]["text"]
    assert text["index"]["count"] == text["vectors_in_db"] == stats["shots"] == sum(expected.values())
    assert text["index"]["current"] is True
