"""SIGKILL an index run at several moments, run it again: no duplicate or lost shots, DB and FAISS agree."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
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
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if (
            indexed_sources(data_dir / "montage.db") >= kill_after_sources
            and (data_dir / "montage.db").exists()
        ):
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be killed; make the library bigger"
    os.killpg(process.pid, signal.SIGKILL)  # the CLI and its worker processes, like a power cut
    process.wait()
    assert indexed_sources(data_dir / "montage.db") < 6

    _index(library, data_dir, repo)
    assert _shots_per_source(data_dir / "montage.db") == expected
    stats = _json_stats(data_dir)
    text = stats["channels"]["text"]
    assert text["index"]["count"] == text["vectors_in_db"] == stats["shots"] == sum(expected.values())
    assert text["index"]["current"] is True
