"""Result files and revisions over HTTP: Range requests on a real MP4, subtitles, approve, conflicts.

The revision is published the way a worker publishes one (staging folder renamed into place, job and
revision rows written together); the files are real (ffmpeg) so the HTTP layer is tested on real media.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.jobs import artifacts
from api.jobs.revisions import RENDERED, add_revision
from montage.config import Settings
from montage.db.database import open_database
from montage.db.session import transaction
from tests.service.conftest import Keys, key_id
from tests.service.published import TIMELINE, publish_video_job


@pytest.fixture
def published_job(settings: Settings, client: TestClient, keys: Keys) -> str:
    """A succeeded video job of the desk team whose revision 1 was published from a staging folder."""
    return publish_video_job(settings, owner=key_id(settings, keys.submit))


def test_video_supports_range_requests(
    reader: dict[str, str], client: TestClient, published_job: str
) -> None:
    whole = client.get(f"/v1/jobs/{published_job}/video.mp4", headers=reader)
    assert whole.status_code == 200 and whole.headers["content-type"] == "video/mp4"
    assert whole.headers["accept-ranges"] == "bytes"
    size = len(whole.content)
    part = client.get(f"/v1/jobs/{published_job}/video.mp4", headers={**reader, "Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-199/{size}"
    assert part.content == whole.content[100:200]
    tail = client.get(
        f"/v1/jobs/{published_job}/video.mp4?revision=1", headers={**reader, "Range": "bytes=-50"}
    )
    assert tail.status_code == 206 and tail.content == whole.content[-50:]
    bad = client.get(
        f"/v1/jobs/{published_job}/video.mp4", headers={**reader, "Range": f"bytes={size + 10}-"}
    )
    assert bad.status_code == 416


def test_other_results_and_job_links(
    reader: dict[str, str], client: TestClient, keys: Keys, published_job: str
) -> None:
    job = client.get(f"/v1/jobs/{published_job}", headers=reader).json()
    assert job["status"] == "succeeded"
    links = job["links"]["results"]
    assert set(links) == {"video", "srt", "vtt", "otio", "poster"}
    assert client.get(links["srt"], headers=reader).text.startswith("1\n00:00:00,000")
    vtt = client.get(links["vtt"], headers=reader)
    assert vtt.headers["content-type"].startswith("text/vtt") and vtt.text.startswith("WEBVTT")
    assert client.get(links["poster"], headers=reader).content[:3] == b"\xff\xd8\xff"
    assert client.get(links["otio"], headers=reader).json()["OTIO_SCHEMA"] == "Timeline.1"
    timeline = client.get(f"/v1/jobs/{published_job}/timeline", headers=Keys.header(keys.admin)).json()
    assert timeline["revision"] == 1 and timeline["timeline"] == TIMELINE
    shown = client.get(f"/v1/jobs/{published_job}/timeline", headers=reader).json()["timeline"]
    assert shown["narration"][0]["path"] == "0.wav"  # no server path for a key without admin
    assert client.get(f"/v1/jobs/{published_job}/timeline?revision=2", headers=reader).status_code == 404
    assert client.get(f"/v1/jobs/{published_job}/video.mp4?revision=2", headers=reader).status_code == 404


def test_revisions_approve_and_conflicts(
    reader: dict[str, str], client: TestClient, keys: Keys, published_job: str
) -> None:
    revisions = client.get(f"/v1/jobs/{published_job}/revisions", headers=reader).json()
    assert [r["number"] for r in revisions] == [1]
    assert set(revisions[0]["outputs"]) == {"video", "srt", "vtt", "otio", "poster"}
    path = f"/v1/jobs/{published_job}/revisions/1"
    assert client.post(f"{path}/approve", headers=Keys.header(keys.submit)).status_code == 403
    approved = client.post(f"{path}/approve", headers=Keys.header(keys.edit))
    assert approved.status_code == 200 and approved.json()["approved"] is True
    again = client.post(f"{path}/render", headers=Keys.header(keys.edit))
    assert again.status_code == 409 and "already rendered" in again.json()["error"]["message"]
    # Issue 9: one final revision, and approval can be withdrawn.
    assert client.post(f"{path}/unapprove", headers=Keys.header(keys.submit)).status_code == 403
    withdrawn = client.post(f"{path}/unapprove", headers=Keys.header(keys.edit))
    assert withdrawn.status_code == 200 and withdrawn.json()["approved"] is False
    assert withdrawn.json()["approved_at"] is None
    assert client.post(f"{path}/unapprove", headers=Keys.header(keys.edit)).status_code == 409
    assert (
        client.post(
            f"/v1/jobs/{published_job}/revisions/9/approve", headers=Keys.header(keys.edit)
        ).status_code
        == 404
    )


def test_no_half_written_revision_is_served(
    reader: dict[str, str], client: TestClient, settings: Settings, published_job: str
) -> None:
    # a render of revision 2 that died mid-way leaves only its staging folder: nothing of it is visible
    staging = artifacts.staging_dir(settings.artifact_dir, published_job, 2)
    (staging / "video.mp4").write_bytes(b"\x00" * 1000)
    revisions = client.get(f"/v1/jobs/{published_job}/revisions", headers=reader).json()
    assert [r["number"] for r in revisions] == [1]
    whole = client.get(f"/v1/jobs/{published_job}/video.mp4", headers=reader)
    assert whole.status_code == 200 and whole.content[4:8] == b"ftyp"


def test_edits_are_checked_before_the_pipeline_sees_them(
    reader: dict[str, str], client: TestClient, keys: Keys, published_job: str
) -> None:
    path = f"/v1/jobs/{published_job}/edits"
    cases = [
        ({"op": "swap", "segment": 3, "shot_id": 1}, "segment_not_found", "no segment with index 3"),
        ({"op": "swap", "segment": 0, "shot_id": 12345}, "shot_not_found", "no shot 12345"),
        ({"op": "trim", "segment": 0, "in": 2.0, "out": 1.5}, "invalid_request", "must be after in"),
        ({"op": "sentence", "segment": 0, "text": ""}, "invalid_request", "text"),
        ({"op": "recolour", "segment": 0}, "invalid_request", "op"),
    ]
    assert client.post(path, json={"edits": [cases[0][0]]}).status_code == 401
    assert (
        client.post(path, json={"edits": [cases[0][0]]}, headers=Keys.header(keys.submit)).status_code == 403
    )
    for edit, code, words in cases:
        response = client.post(path, json={"edits": [edit]}, headers=Keys.header(keys.edit))
        assert response.status_code == 422, edit
        assert response.json()["error"]["code"] == code and words in response.json()["error"]["message"], edit
    assert client.post(path, json={"edits": []}, headers=Keys.header(keys.edit)).status_code == 422
    assert [
        r["number"] for r in client.get(f"/v1/jobs/{published_job}/revisions", headers=reader).json()
    ] == [1]


def test_a_cancelled_render_leaves_the_revision_renderable(
    reader: dict[str, str], client: TestClient, keys: Keys, settings: Settings, published_job: str
) -> None:
    db = open_database(settings)
    with transaction(db.sessions) as session:
        add_revision(session, published_job, timeline=TIMELINE, status="draft", base_number=1, edits=[])
    db.engine.dispose()
    path = f"/v1/jobs/{published_job}/revisions/2/render"
    first = client.post(path, headers=Keys.header(keys.edit))
    assert first.status_code == 202 and first.json()["kind"] == "render" and first.json()["revision"] == 2
    assert client.post(path, headers=Keys.header(keys.edit)).status_code == 409  # already rendering
    statuses = {
        r["number"]: r["status"]
        for r in client.get(f"/v1/jobs/{published_job}/revisions", headers=reader).json()
    }
    assert statuses == {1: "rendered", 2: "rendering"}
    cancelled = client.post(f"/v1/jobs/{first.json()['id']}/cancel", headers=Keys.header(keys.submit))
    assert cancelled.json()["status"] == "cancelled"
    statuses = {
        r["number"]: r["status"]
        for r in client.get(f"/v1/jobs/{published_job}/revisions", headers=reader).json()
    }
    assert statuses == {1: "rendered", 2: "render_failed"}
    second = client.post(path, headers=Keys.header(keys.edit))
    assert second.status_code == 202 and second.json()["id"] != first.json()["id"]


def test_one_revision_is_final(
    reader: dict[str, str], client: TestClient, keys: Keys, settings: Settings, published_job: str
) -> None:
    """Issue 9: several revisions could be approved at once; approving one now withdraws the others."""
    db = open_database(settings)
    with transaction(db.sessions) as session:
        add_revision(session, published_job, timeline=TIMELINE, status=RENDERED, base_number=1)
    db.engine.dispose()
    base = f"/v1/jobs/{published_job}/revisions"
    assert client.post(f"{base}/1/approve", headers=Keys.header(keys.edit)).status_code == 200
    assert client.post(f"{base}/2/approve", headers=Keys.header(keys.edit)).status_code == 200
    assert client.post(f"{base}/2/approve", headers=Keys.header(keys.edit)).status_code == 200  # idempotent
    rows = client.get(base, headers=reader).json()
    assert [(r["number"], r["approved"]) for r in rows] == [(1, False), (2, True)]
    assert rows[0]["approved_at"] is None and rows[1]["approved_at"] is not None
