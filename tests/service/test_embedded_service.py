"""`montage serve` as a real process in embedded mode (SQLite, in-process workers): re-index through the
queue, search, thumbnails, previews, readiness; a server killed mid-job finishes the job after restart."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.service.footage import make_library
from tests.service.processes import create_key, free_port, service_env, start_server, wait_for_job

pytestmark = pytest.mark.slow


def test_reindex_search_thumbnail_preview(tmp_path: Path) -> None:
    library = tmp_path / "library"
    make_library(library, clips=3)
    env = service_env(tmp_path / "data", library, MONTAGE_SERVICE_EMBEDDED_WORKERS="1")
    admin = create_key(env, "admin")
    headers = {"Authorization": f"Bearer {admin}"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(env, port, tmp_path / "serve.log")
    try:
        ready = httpx.get(f"{base}/readyz", timeout=30)
        assert ready.status_code == 200, ready.text
        response = httpx.post(
            f"{base}/v1/library/reindex", json={}, headers={"Authorization": f"Bearer {admin}"}, timeout=30
        )
        assert response.status_code == 202, response.text
        job = wait_for_job(base, response.json()["id"], key=admin, timeout=240, procs=[server])
        assert job["status"] == "succeeded", job
        result = job["result"]
        assert isinstance(result, dict) and result["indexed"] == 3 and result["shots_written"] >= 3
        assert job["progress"] == 1.0

        stats = httpx.get(f"{base}/v1/library/stats", headers=headers, timeout=30).json()
        assert stats["sources"] == 3 and stats["shots"] == result["shots_written"]

        hits = httpx.get(
            f"{base}/v1/shots/search",
            params={"q": "chef cooking in a kitchen", "k": 3},
            headers=headers,
            timeout=120,
        )
        assert hits.status_code == 200, hits.text
        top = hits.json()[0]
        assert top["path"] == "kitchen.mp4" and top["scores"]["text"] is not None

        thumb = httpx.get(f"{base}{top['thumbnail']}", timeout=30)
        assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
        assert thumb.content[:3] == b"\xff\xd8\xff"

        preview = httpx.get(f"{base}{top['preview']}", timeout=120)
        assert preview.status_code == 200 and preview.headers["content-type"] == "video/mp4"
        assert b"ftyp" in preview.content[:64]
        cached = list((tmp_path / "data" / "cache" / "previews").glob("*.mp4"))
        assert len(cached) == 1
        again = httpx.get(f"{base}{top['preview']}", headers={"Range": "bytes=0-99"}, timeout=30)
        assert again.status_code == 206 and len(again.content) == 100

        # Issue 9: what a segment uses, not the keyframe: the frame at its in point and a preview from there.
        start, end = top["start"], top["end"]
        inside = round((start + end) / 2, 3)
        thumbnail, preview_path = top["thumbnail"].split("?")[0], top["preview"].split("?")[0]

        def signed(path: str) -> str:
            answer = httpx.post(f"{base}/v1/media/sign", json={"urls": [path]}, headers=headers, timeout=30)
            assert answer.status_code == 200, answer.text
            return f"{base}{answer.json()['urls'][0]}"

        frame = httpx.get(signed(f"{thumbnail}?at={inside}"), timeout=60)
        assert frame.status_code == 200 and frame.content[:3] == b"\xff\xd8\xff"
        assert frame.content != thumb.content or inside == start
        window = httpx.get(signed(f"{preview_path}?start={inside}"), timeout=120)
        assert window.status_code == 200 and b"ftyp" in window.content[:64]
        assert len(list((tmp_path / "data" / "cache" / "previews").glob("*.mp4"))) == 2
        outside = httpx.get(signed(f"{thumbnail}?at={end + 5}"), timeout=30)
        assert outside.status_code == 422 and outside.json()["error"]["code"] == "outside_shot"

        metrics = httpx.get(f"{base}/metrics", headers=headers, timeout=30).text
        assert 'montage_jobs{status="succeeded"} 1.0' in metrics
    finally:
        server.stop()
    assert '"message": "job succeeded"' in server.output()


def test_server_killed_mid_reindex_finishes_after_restart(tmp_path: Path) -> None:
    library = tmp_path / "library"
    make_library(library, clips=6)
    env = service_env(tmp_path / "data", library, MONTAGE_SERVICE_EMBEDDED_WORKERS="1")
    admin = create_key(env, "admin")
    headers = {"Authorization": f"Bearer {admin}"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    server = start_server(env, port, log)
    try:
        response = httpx.post(
            f"{base}/v1/library/reindex", json={}, headers={"Authorization": f"Bearer {admin}"}, timeout=30
        )
        job_id = response.json()["id"]
        from tests.service.processes import wait_until

        def indexing_started() -> bool:
            job = httpx.get(f"{base}/v1/jobs/{job_id}", headers=headers, timeout=10).json()
            return bool(job["status"] == "running" and job["stage"] == "indexing" and job["progress"] > 0)

        # Six small files index in about a second on a fast machine: look every 10 ms, not wait_until's
        # 200 ms, or the run can finish between two looks (it did, once in five CI runs).
        wait_until(indexing_started, timeout=180, proc=server, what="indexing to make progress", every_s=0.01)
    finally:
        server.kill()
    server = start_server(env, port, log)
    try:
        job = wait_for_job(base, job_id, key=admin, timeout=240, procs=[server])
        assert job["status"] == "succeeded", job
        # Requeued at least once after the kill; on a loaded machine a heartbeat starved past
        # stale_after_s can requeue it once more (the older worker then loses the job). What must hold is
        # below: it finished, and the library holds each file and shot once.
        assert job["attempts"] >= 2
        assert any("lost its worker" in str(w) for w in job["warnings"])
        stats = httpx.get(f"{base}/v1/library/stats", headers=headers, timeout=30).json()
        assert stats["sources"] == 6
        shots = stats["shots"]
        assert shots >= 6
        hits = httpx.get(
            f"{base}/v1/shots/search",
            params={"q": "boats in a harbour", "k": 50},
            headers=headers,
            timeout=120,
        ).json()
        ids = [hit["shot_id"] for hit in hits]
        assert len(ids) == len(set(ids)) and len(ids) <= shots
    finally:
        server.stop()
