"""SIGTERM to `montage serve` during a re-index: the server exits promptly, no analysis worker outlives it,
and the job is queued again (not left running); the next start finishes it without redoing stored files."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from tests.indexer.index_db import indexed_sources
from tests.indexer.process_tree import alive, descendants, describe, pool_workers, wait_until_gone
from tests.service.footage import make_library
from tests.service.processes import Proc, create_key, free_port, service_env, start_server, wait_until

pytestmark = [pytest.mark.reliability, pytest.mark.slow]


def test_sigterm_during_reindex_stops_workers_and_requeues_the_job(tmp_path: Path) -> None:
    library = tmp_path / "library"
    make_library(library, clips=6, shot_s=30.0)
    env = service_env(tmp_path / "data", library, MONTAGE_INDEX__WORKERS="2")
    admin = create_key(env, "admin")
    headers = {"Authorization": f"Bearer {admin}"}
    db = tmp_path / "data" / "montage.db"
    port = free_port()
    server = start_server(env, port, tmp_path / "serve.log")
    pid = server.popen.pid
    below: list[psutil.Process] = []
    try:
        response = httpx.post(
            f"http://127.0.0.1:{port}/v1/library/reindex",
            json={},
            headers=headers,
            timeout=30,
        )
        job_id = response.json()["id"]
        wait_until(lambda: len(pool_workers(pid)) >= 2, timeout=180, proc=server, what="two index workers")
        wait_until(lambda: indexed_sources(db) >= 1, timeout=180, proc=server, what="a first indexed file")
        below = descendants(pid)

        server.popen.send_signal(signal.SIGTERM)
        server.popen.wait(timeout=40)
        left = wait_until_gone(below, timeout_s=10)
        assert not left, (
            f"still running after the server stopped:\n{describe(left)}\n{server.output()[-3000:]}"
        )
    finally:
        server.kill()
        for leftover in below:
            if alive(leftover):
                leftover.kill()
    with sqlite3.connect(db) as conn:
        status, code = conn.execute("select status, error_code from jobs where id = ?", (job_id,)).fetchone()
    assert (status, code) == ("queued", "worker_stopped")
    stored = indexed_sources(db)

    port = free_port()
    restarted = start_server(env, port, tmp_path / "serve-again.log")
    try:
        job = _wait_for_end(f"http://127.0.0.1:{port}/v1/jobs/{job_id}", headers, restarted)
    finally:
        restarted.stop()
    assert job["status"] == "succeeded", job
    assert job["result"]["unchanged"] == stored and job["result"]["indexed"] == 6 - stored, job["result"]


def _wait_for_end(url: str, headers: dict[str, str], server: Proc) -> dict[str, Any]:
    """Poll a job until it ends (the restarted server takes the requeued job up by itself)."""
    found: dict[str, Any] = {}

    def ended() -> bool:
        found.update(httpx.get(url, headers=headers, timeout=10).json())
        return found.get("status") in ("succeeded", "failed", "cancelled")

    wait_until(ended, timeout=300, proc=server, what="the requeued re-index to end")
    return found
