"""`montage index` stopped by SIGTERM or SIGKILL: its pool workers and resource tracker never outlive it.

Real processes throughout: the CLI, its spawned analysis workers, and ffmpeg-made footage long enough
that the workers are busy when the signal arrives.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.indexer.index_db import indexed_sources
from tests.indexer.process_tree import descendants, describe, pool_workers, wait_for, wait_until_gone
from tests.service.footage import make_library

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
MONTAGE = [sys.executable, "-m", "api.cli"]
CLIPS = 6


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six one-minute clips: minutes of analysis for two workers."""
    root = tmp_path_factory.mktemp("footage")
    make_library(root, clips=CLIPS, shot_s=30.0)
    return root


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONTAGE_")}
    env.update(MONTAGE_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1", MONTAGE_INDEX__WORKERS="2")
    return env


@pytest.fixture
def index_run(library: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """A running `montage index` in its own session; whatever is left of it is killed afterwards."""
    data_dir = tmp_path / "data"
    process = subprocess.Popen(
        [*MONTAGE, "index", str(library)],
        env=_env(data_dir),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(lambda: len(pool_workers(process.pid)) >= 2, 180, "two pool workers")
        yield process, data_dir
    finally:
        for leftover in [p for p in psutil.process_iter() if _in_session(p, process.pid)]:
            leftover.kill()
        process.kill()
        process.wait()


def _in_session(process: psutil.Process, sid: int) -> bool:
    try:
        return os.getsid(process.pid) == sid and process.pid != sid
    except (ProcessLookupError, PermissionError):
        return False


def test_sigterm_stops_workers_and_the_next_run_resumes(
    index_run: tuple[subprocess.Popen[bytes], Path], library: Path
) -> None:
    process, data_dir = index_run
    wait_for(lambda: indexed_sources(data_dir / "montage.db") >= 1, 180, "the first file to be stored")
    below = descendants(process.pid)
    assert any("resource_tracker" in " ".join(p.cmdline()) for p in below), describe(below)

    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    left = wait_until_gone(below, timeout_s=10)
    assert not left, f"still running after SIGTERM:\n{describe(left)}"
    assert process.returncode == 128 + signal.SIGTERM

    stored = indexed_sources(data_dir / "montage.db")
    assert 1 <= stored < CLIPS, "SIGTERM should stop the run before every file is analysed"
    rerun = subprocess.run(
        [*MONTAGE, "index", "--json", str(library)],
        env=_env(data_dir),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    report = json.loads(rerun.stdout)
    assert report["unchanged"] == stored and report["indexed"] == CLIPS - stored, report


def test_sigkill_of_the_parent_leaves_no_worker(index_run: tuple[subprocess.Popen[bytes], Path]) -> None:
    process, _data_dir = index_run
    below = descendants(process.pid)
    assert len(pool_workers(process.pid)) >= 2, describe(below)

    process.send_signal(signal.SIGKILL)  # the parent only: no chance to clean up
    process.wait(timeout=10)
    left = wait_until_gone(below, timeout_s=10)
    assert not left, f"still running 10 s after the parent was killed:\n{describe(left)}"
