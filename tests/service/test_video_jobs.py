"""Video jobs end to end in a real `montage serve` (embedded workers): the real pipeline makes the video;
results are served with Range; a private-address URL is refused by the pipeline's article loader."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
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

ARTICLE = """# A busy weekend in town

Fishing boats returned to the small harbour at dawn with a record catch.

At the open-air market, shoppers bought fruit from the farms nearby.

In the evening, football fans cheered in the stadium as the home team won.
"""


@dataclass(frozen=True)
class VideoService:
    """A running server over an indexed library, with one finished video job."""

    base: str
    key: str
    headers: dict[str, str]
    job_id: str
    server: Proc


@pytest.fixture(scope="module")
def video_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VideoService]:
    tmp_path = tmp_path_factory.mktemp("video-service")
    library = tmp_path / "library"
    make_library(library, clips=6, shot_s=4.0)
    env = service_env(tmp_path / "data", library, MONTAGE_SERVICE_EMBEDDED_WORKERS="1")
    admin = create_key(env, "admin")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {admin}"}
    server = start_server(env, port, tmp_path / "serve.log")
    try:
        reindex = httpx.post(f"{base}/v1/library/reindex", json={}, headers=headers, timeout=30).json()
        assert (
            wait_for_job(base, reindex["id"], key=admin, timeout=300, procs=[server])["status"] == "succeeded"
        )
        submitted = httpx.post(
            f"{base}/v1/videos", json={"article": ARTICLE, "aspect": "16:9"}, headers=headers, timeout=30
        )
        assert submitted.status_code == 202
        job = wait_for_job(base, submitted.json()["id"], key=admin, timeout=400, procs=[server])
        assert job["status"] == "succeeded", job
        yield VideoService(base, admin, headers, job["id"], server)
    finally:
        server.stop()


def test_video_job_results(video_service: VideoService, tmp_path: Path) -> None:
    base = video_service.base
    job = httpx.get(
        f"{base}/v1/jobs/{video_service.job_id}", headers=video_service.headers, timeout=10
    ).json()
    assert any("visual channel unavailable" in w for w in job["warnings"]) or job["warnings"] == []
    links = job["links"]["results"]
    assert {"video", "srt", "vtt", "timeline", "otio", "poster"} <= set(links)

    video = httpx.get(f"{base}{links['video']}", timeout=60)
    assert video.status_code == 200 and video.headers["accept-ranges"] == "bytes"
    part = httpx.get(f"{base}{links['video']}", headers={"Range": "bytes=0-1023"}, timeout=60)
    assert part.status_code == 206 and part.content == video.content[:1024]
    target = tmp_path / "downloaded.mp4"
    target.write_bytes(video.content)
    probe = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(target)],
            capture_output=True, text=True, check=True,
        ).stdout
    )  # fmt: skip
    assert {stream["codec_type"] for stream in probe["streams"]} == {"video", "audio"}

    assert httpx.get(f"{base}{links['vtt']}", timeout=30).text.startswith("WEBVTT")
    assert "-->" in httpx.get(f"{base}{links['srt']}", timeout=30).text
    assert httpx.get(f"{base}{links['poster']}", timeout=30).content[:3] == b"\xff\xd8\xff"
    assert "OTIO_SCHEMA" in httpx.get(f"{base}{links['otio']}", timeout=30).text
    timeline = httpx.get(f"{base}{links['timeline']}", timeout=30).json()
    assert timeline["revision"] == 1 and timeline["status"] == "rendered"
    segments = timeline["timeline"]["segments"]
    assert segments and any(s["shot"] for s in segments)
    revisions = httpx.get(
        f"{base}/v1/jobs/{video_service.job_id}/revisions", headers=video_service.headers, timeout=30
    ).json()
    assert [r["number"] for r in revisions] == [1]


def test_private_address_url_is_refused_by_the_worker(video_service: VideoService) -> None:
    base = video_service.base
    refused = httpx.post(
        f"{base}/v1/videos",
        json={"article": "http://127.0.0.1:9/story"},
        headers=video_service.headers,
        timeout=30,
    )
    assert refused.status_code == 202  # accepted; the worker's article loader refuses the address
    failed = wait_for_job(
        base, refused.json()["id"], key=video_service.key, timeout=120, procs=[video_service.server]
    )
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == "url_private_address", failed
    assert failed["attempts"] == 1  # a user error is not retried


def test_edit_render_and_keep_revisions(video_service: VideoService) -> None:
    pytest.importorskip("montage.pipeline.edit")
    base, headers, job_id = video_service.base, video_service.headers, video_service.job_id
    first = httpx.get(
        f"{base}/v1/jobs/{job_id}/timeline?revision=1", headers=video_service.headers, timeout=30
    ).json()["timeline"]
    segment = next(
        s for s in first["segments"]
        if s["shot"] and any(a["shot_id"] != s["shot"]["shot_id"] for a in s["alternatives"])
    )  # fmt: skip
    index = segment["index"]
    alternative = next(a for a in segment["alternatives"] if a["shot_id"] != segment["shot"]["shot_id"])
    bad = httpx.post(
        f"{base}/v1/jobs/{job_id}/edits",
        json={"edits": [{"op": "swap", "segment": 999, "shot_id": alternative["shot_id"]}]},
        headers=headers,
        timeout=30,
    )
    assert bad.status_code == 422, bad.text
    edits = [
        {"op": "swap", "segment": index, "shot_id": alternative["shot_id"]},
        {"op": "sentence", "segment": index, "text": "Boats came back to the harbour with plenty of fish."},
    ]
    made = httpx.post(f"{base}/v1/jobs/{job_id}/edits", json={"edits": edits}, headers=headers, timeout=60)
    assert made.status_code == 201, made.text
    assert made.json()["number"] == 2 and made.json()["status"] == "draft"
    draft = httpx.get(
        f"{base}/v1/jobs/{job_id}/timeline?revision=2", headers=video_service.headers, timeout=30
    ).json()
    assert draft["status"] == "draft"
    assert draft["timeline"]["segments"][index]["shot"]["shot_id"] == alternative["shot_id"]
    render = httpx.post(f"{base}/v1/jobs/{job_id}/revisions/2/render", headers=headers, timeout=30)
    assert render.status_code == 202, render.text
    done = wait_for_job(
        base, render.json()["id"], key=video_service.key, timeout=400, procs=[video_service.server]
    )
    assert done["status"] == "succeeded", done
    assert done["kind"] == "render" and done["video_job_id"] == job_id and done["revision"] == 2
    second = httpx.get(
        f"{base}/v1/jobs/{job_id}/timeline?revision=2", headers=video_service.headers, timeout=30
    ).json()
    assert second["status"] == "rendered"
    assert second["timeline"]["segments"][index]["shot"]["shot_id"] == alternative["shot_id"]
    revisions = httpx.get(
        f"{base}/v1/jobs/{job_id}/revisions", headers=video_service.headers, timeout=30
    ).json()
    assert [(r["number"], r["status"]) for r in revisions] == [(1, "rendered"), (2, "rendered")]
    old = httpx.get(
        f"{base}/v1/jobs/{job_id}/video.mp4?revision=1", headers=video_service.headers, timeout=60
    )
    new = httpx.get(f"{base}/v1/jobs/{job_id}/video.mp4", headers=video_service.headers, timeout=60)
    assert old.status_code == new.status_code == 200 and old.content != new.content
    assert (
        "Boats came back"
        in httpx.get(f"{base}/v1/jobs/{job_id}/subtitles.srt", headers=video_service.headers, timeout=30).text
    )
    assert (
        "Boats came back"
        not in httpx.get(
            f"{base}/v1/jobs/{job_id}/subtitles.srt?revision=1", headers=video_service.headers, timeout=30
        ).text
    )


def test_server_killed_mid_render_leaves_nothing_visible_and_retries(tmp_path: Path) -> None:
    library = tmp_path / "library"
    make_library(library, clips=6, shot_s=4.0)
    data = tmp_path / "data"
    env = service_env(data, library, MONTAGE_SERVICE_EMBEDDED_WORKERS="1")
    admin = create_key(env, "admin")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {admin}"}
    log = tmp_path / "serve.log"
    server = start_server(env, port, log)
    try:
        reindex = httpx.post(f"{base}/v1/library/reindex", json={}, headers=headers, timeout=30).json()
        assert (
            wait_for_job(base, reindex["id"], key=admin, timeout=300, procs=[server])["status"] == "succeeded"
        )
        job_id = httpx.post(
            f"{base}/v1/videos", json={"article": ARTICLE}, headers=headers, timeout=30
        ).json()["id"]

        def rendering() -> bool:
            job = httpx.get(f"{base}/v1/jobs/{job_id}", headers=headers, timeout=10).json()
            return bool(job["stage"] == "render" and 0 < job["progress"] < 1)

        wait_until(rendering, timeout=300, proc=server, what="the render to be under way")
    finally:
        server.kill()
    video_root = data / "artifacts" / "videos" / job_id
    assert not (video_root / "r1").exists()  # only the staging folder exists
    server = start_server(env, port, log)
    try:
        for route in ("video.mp4", "subtitles.srt", "timeline"):
            assert (
                httpx.get(f"{base}/v1/jobs/{job_id}/{route}", headers=headers, timeout=10).status_code == 404
            )
        job = wait_for_job(base, job_id, key=admin, timeout=400, procs=[server])
        assert job["status"] == "succeeded" and job["attempts"] == 2, job
        assert httpx.get(f"{base}/v1/jobs/{job_id}/video.mp4", headers=headers, timeout=60).status_code == 200
        assert sorted(p.name for p in video_root.iterdir()) == ["r1"]
        assert not [p for p in (video_root / "r1").iterdir() if p.name.startswith(".")]  # no leftovers
    finally:
        server.stop()
