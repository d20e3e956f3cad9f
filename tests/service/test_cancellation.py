"""Cancelling a running job stops it promptly and leaves it cancelled (a real re-index in a real server).

The re-index's worker processes are suspended (SIGSTOP) as soon as they exist, so the run cannot finish
before the cancel arrives, however the machine schedules it; the server itself keeps answering and its
run notices the cancel while it waits for those workers.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.service.footage import make_library
from tests.service.processes import (
    Proc,
    create_key,
    free_port,
    service_env,
    start_server,
    wait_for_job,
    wait_until,
)

pytestmark = pytest.mark.slow

INDEX_WORKERS = 2


def _index_workers(server: Proc) -> list[psutil.Process]:
    """The re-index's pool processes: the server's spawned multiprocessing children."""
    found = []
    for child in psutil.Process(server.popen.pid).children(recursive=True):
        try:
            if "spawn_main" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


def test_cancel_running_reindex(tmp_path: Path) -> None:
    library = tmp_path / "library"
    make_library(library, clips=6)
    env = service_env(
        tmp_path / "data",
        library,
        MONTAGE_SERVICE_EMBEDDED_WORKERS="1",
        MONTAGE_INDEX__WORKERS=str(INDEX_WORKERS),
    )
    admin = create_key(env, "admin")
    submitter = create_key(env, "submit")
    headers = {"Authorization": f"Bearer {admin}"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(env, port, tmp_path / "serve.log")
    suspended: list[psutil.Process] = []
    try:
        response = httpx.post(
            f"{base}/v1/library/reindex", json={}, headers={"Authorization": f"Bearer {admin}"}, timeout=30
        )
        job_id = response.json()["id"]

        def running() -> bool:
            return bool(
                httpx.get(f"{base}/v1/jobs/{job_id}", headers=headers, timeout=10).json()["status"]
                == "running"
            )

        wait_until(running, timeout=120, proc=server, what="the re-index to start")
        wait_until(
            lambda: len(_index_workers(server)) >= INDEX_WORKERS,
            timeout=120,
            proc=server,
            what="the re-index's worker processes",
        )
        for worker in _index_workers(server):
            worker.suspend()  # they cannot analyse another file: the run cannot end before the cancel
            suspended.append(worker)
        frozen = httpx.get(f"{base}/v1/jobs/{job_id}", headers=headers, timeout=10).json()
        assert frozen.get("status") == "running", frozen
        refused = httpx.post(
            f"{base}/v1/jobs/{job_id}/cancel", headers={"Authorization": f"Bearer {submitter}"}, timeout=10
        )
        assert refused.status_code == 404  # the admin's re-index is no job of this key's (issue 10)
        asked_at = time.monotonic()
        asked = httpx.post(
            f"{base}/v1/jobs/{job_id}/cancel", headers={"Authorization": f"Bearer {admin}"}, timeout=10
        )
        assert asked.status_code == 202 and asked.json()["cancel_requested"] is True
        job = wait_for_job(base, job_id, key=admin, timeout=120, procs=[server])
        took = time.monotonic() - asked_at
        assert job["status"] == "cancelled", job
        assert job["error"] == {"code": "cancelled", "message": "cancelled on request"}
        assert took < 30, f"cancellation took {took:.1f}s"
        stats = httpx.get(f"{base}/v1/library/stats", headers=headers, timeout=30).json()
        assert stats["sources"] < 6  # it really stopped before indexing everything
    finally:
        for worker in suspended:
            with contextlib.suppress(psutil.NoSuchProcess):  # the cancelled run killed it
                worker.resume()
        server.stop()
