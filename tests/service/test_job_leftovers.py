"""Jobs that end without a video leave no staging folder; music that is not audio is refused at submit.

The real app in process, real SQLite, a real embedded worker running the real pipeline, real ffprobe.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.service.app import create_app
from api.service.settings import ServiceSettings
from montage.config import Settings
from montage.evaluation.long_article import article_paragraphs, long_article
from tests.indexer.generated_footage import make_clip
from tests.render.media import make_tone
from tests.service.conftest import Keys

pytestmark = pytest.mark.reliability

REPO = Path(__file__).resolve().parents[2]
ARTICLE = "# Harbour\n\nFishing boats returned to the small harbour at dawn with a record catch.\n"


def test_music_that_is_not_audio_is_refused_at_submit(
    client: TestClient, keys: Keys, library_root: Path
) -> None:
    (library_root / "notes.mp3").write_text("these are my notes, not a song\n")
    make_clip(library_root / "silent.mp4", [("bars", 1.0)])  # a video without any sound
    make_tone(library_root / "bed.mp3", frequency=440, seconds=1.0)
    headers = Keys.header(keys.submit)
    for name in ("notes.mp3", "silent.mp4"):
        response = client.post("/v1/videos", json={"article": ARTICLE, "music": name}, headers=headers)
        assert response.status_code == 422, name
        assert response.json()["error"]["code"] == "music_not_audio", response.json()
        assert name in response.json()["error"]["message"]
    accepted = client.post("/v1/videos", json={"article": ARTICLE, "music": "bed.mp3"}, headers=headers)
    assert accepted.status_code == 202


@pytest.fixture
def working_client(settings: Settings, keys: Keys) -> Iterator[TestClient]:
    """The real app with one embedded worker that runs jobs."""
    service = ServiceSettings(
        embedded_workers=1, heartbeat_s=0.2, stale_after_s=30, sweep_every_s=1, log_json=False
    )
    with TestClient(create_app(settings, service)) as test_client:
        yield test_client


ENDED = {"succeeded", "failed", "cancelled"}


def _wait_for(
    client: TestClient, job_id: str, statuses: set[str], reader: dict[str, str], timeout_s: float = 180
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    job: dict[str, Any] = {}
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}", headers=reader).json()
        if job["status"] in statuses:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} never reached {statuses}: {job}")


@pytest.mark.slow
def test_cancelled_and_failed_jobs_leave_no_staging_folder(
    reader: dict[str, str], working_client: TestClient, keys: Keys, settings: Settings
) -> None:
    headers = Keys.header(keys.admin)
    long_text = long_article(article_paragraphs(REPO / "bench" / "eval" / "articles"), 200_000)
    cancelled = working_client.post("/v1/videos", json={"article": long_text}, headers=headers).json()
    deadline = time.monotonic() + 180  # cancel once the pipeline runs (its staging folder exists by then)
    job_url = f"/v1/jobs/{cancelled['id']}"
    while working_client.get(job_url, headers=reader).json().get("stage") not in ("article", "narration"):
        assert time.monotonic() < deadline, "the pipeline never started"
        time.sleep(0.05)
    assert working_client.post(f"/v1/jobs/{cancelled['id']}/cancel", headers=headers).status_code == 202
    assert _wait_for(working_client, cancelled["id"], ENDED, reader)["status"] == "cancelled"

    # The worker refuses private addresses: the job fails in the pipeline, after its staging folder exists.
    failed = working_client.post(
        "/v1/videos", json={"article": "http://127.0.0.1:9/story", "kind": "url"}, headers=headers
    ).json()
    assert _wait_for(working_client, failed["id"], ENDED, reader)["status"] == "failed"

    videos = settings.artifact_dir / "videos"
    deadline = time.monotonic() + 10  # the folder goes right after the job's end is recorded
    while time.monotonic() < deadline and any((videos / job["id"]).exists() for job in (cancelled, failed)):
        time.sleep(0.1)
    for job in (cancelled, failed):
        left = sorted(p.relative_to(videos).as_posix() for p in (videos / job["id"]).glob("**/*"))
        assert not (videos / job["id"]).exists(), f"left behind: {job['id']} {left}"
