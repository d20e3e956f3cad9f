"""The REST API in process (no worker threads, so jobs stay queued): submission, limits, paths, paging,
cancellation, events, errors, CORS, metrics and the OpenAPI document."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.service.app import create_app
from api.service.settings import ServiceSettings
from montage.config import Settings
from tests.render.media import make_tone
from tests.service.conftest import Keys, make_keys

ARTICLE = "Divers found a wooden shipwreck off the coast. The hull is remarkably well preserved."


def submit(client: TestClient, keys: Keys, **extra: object) -> dict[str, object]:
    response = client.post("/v1/videos", json={"article": ARTICLE, **extra}, headers=Keys.header(keys.submit))
    assert response.status_code == 202, response.text
    body: dict[str, object] = response.json()
    assert response.headers["location"] == f"/v1/jobs/{body['id']}"
    return body


def test_submit_then_read_job(reader: dict[str, str], client: TestClient, keys: Keys) -> None:
    job = submit(client, keys, duration_s=30, aspect="9:16", subtitles=True)
    assert job["status"] == "queued" and job["kind"] == "video" and job["progress"] == 0
    read = client.get(f"/v1/jobs/{job['id']}", headers=reader).json()
    assert read["id"] == job["id"] and read["status"] == "queued"
    assert read["links"]["events"] == f"/v1/jobs/{job['id']}/events"
    assert read["error"] is None and read["warnings"] == []
    assert (
        read["title"] == "Divers found a wooden shipwreck off the coast."
    )  # a plain article: its first sentence


def test_jobs_carry_a_title_people_recognise(client: TestClient, keys: Keys) -> None:
    """Issue 9: the jobs list showed hex ids; a job's title is its article's title line (or URL)."""
    cases = {
        "# Harbour reopens\n\nBoats came back at dawn.": "Harbour reopens",
        "<h1>City <b>budget</b> approved</h1><p>Council voted.</p>": "City budget approved",
        "https://example.org/news/story": "https://example.org/news/story",
        "word " * 40: ("word " * 16).strip()[:79] + "…",
    }
    for article, title in cases.items():
        response = client.post("/v1/videos", json={"article": article}, headers=Keys.header(keys.submit))
        assert response.status_code == 202, response.text
        assert response.json()["title"] == title


def test_unknown_job_is_a_404_with_error_body(reader: dict[str, str], client: TestClient) -> None:
    response = client.get("/v1/jobs/nope", headers=reader)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "no job nope"}}
    assert client.get("/v1/jobs/nope/video.mp4", headers=reader).status_code == 404
    assert client.get("/v1/jobs/nope/timeline", headers=reader).status_code == 404


def test_results_of_an_unrendered_job_are_404(reader: dict[str, str], client: TestClient, keys: Keys) -> None:
    job = submit(client, keys)
    for route in ("video.mp4", "subtitles.srt", "subtitles.vtt", "timeline.otio", "poster.jpg", "timeline"):
        response = client.get(f"/v1/jobs/{job['id']}/{route}", headers=reader)
        assert response.status_code == 404, route
        assert "no" in response.json()["error"]["message"]


def test_invalid_options_are_422(client: TestClient, keys: Keys) -> None:
    headers = Keys.header(keys.submit)
    for body in (
        {"article": ""},
        {"article": ARTICLE, "aspect": "4:3"},
        {"article": ARTICLE, "duration_s": -5},
        {"article": ARTICLE, "unknown": 1},
        {"article": "ftp://example.org/story", "kind": "url"},
        {"article": ARTICLE, "kind": "file"},
    ):
        response = client.post("/v1/videos", json=body, headers=headers)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] in {"invalid_request", "invalid_url"}


@pytest.mark.reliability
def test_request_body_limit(settings: Settings, keys: Keys) -> None:
    service = ServiceSettings(embedded_workers=0, max_body_bytes=4096, log_json=False)
    with TestClient(create_app(settings, service)) as client:
        big = {"article": "word " * 2000}
        response = client.post("/v1/videos", json=big, headers=Keys.header(keys.submit))
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "body_too_large"
        assert (
            client.post("/v1/videos", json={"article": ARTICLE}, headers=Keys.header(keys.submit)).status_code
            == 202
        )
        # Issue 10: a chunked body (no Content-Length) over the limit answered 400.
        chunks = (json.dumps(big).encode()[i : i + 1000] for i in range(0, 12_000, 1000))
        headers = {**Keys.header(keys.submit), "content-type": "application/json"}
        chunked = client.post("/v1/videos", content=chunks, headers=headers)
        assert chunked.status_code == 413
        assert chunked.json()["error"]["code"] == "body_too_large"


def test_article_length_limit(settings: Settings, keys: Keys) -> None:
    service = ServiceSettings(embedded_workers=0, max_article_chars=200, log_json=False)
    with TestClient(create_app(settings, service)) as client:
        response = client.post("/v1/videos", json={"article": "x " * 150}, headers=Keys.header(keys.submit))
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "article_too_large"


@pytest.mark.reliability
def test_articles_without_words_are_refused_at_submit(client: TestClient, keys: Keys) -> None:
    """Issue 10: these were accepted (202) and then failed in the worker."""
    headers = Keys.header(keys.submit)
    for empty in ("   \n\t ", "\u200b\u200c\u200d\ufeff", "... !!! ???", "。，、"):
        response = client.post("/v1/videos", json={"article": empty}, headers=headers)
        assert response.status_code == 422, repr(empty)
        assert response.json()["error"]["code"] == "article_empty"


@pytest.mark.reliability
def test_music_must_stay_inside_library_roots(
    reader: dict[str, str], client: TestClient, keys: Keys, library_root: Path, tmp_path: Path
) -> None:
    (library_root / "music").mkdir()
    make_tone(library_root / "music" / "bed.mp3", frequency=440, seconds=1.0)
    outside = tmp_path / "secret.mp3"
    outside.write_bytes(b"ID3")
    os.symlink(outside, library_root / "music" / "escape.mp3")
    headers = Keys.header(keys.submit)
    ok = client.post("/v1/videos", json={"article": ARTICLE, "music": "music/bed.mp3"}, headers=headers)
    assert ok.status_code == 202
    stored = client.get(f"/v1/jobs/{ok.json()['id']}", headers=reader)
    assert stored.status_code == 200
    # "~nonexistentuser" crashed the path check with a 500 (issue 10, bug 3).
    for bad in (str(outside), "../secret.mp3", "music/escape.mp3", "/etc/passwd", "~nonexistentuser/x.mp3"):
        response = client.post("/v1/videos", json={"article": ARTICLE, "music": bad}, headers=headers)
        assert response.status_code == 403, bad
        assert response.json()["error"]["code"] == "path_outside_library"


def test_reindex_paths_stay_inside_roots_and_one_runs_at_a_time(
    reader: dict[str, str], client: TestClient, keys: Keys, library_root: Path, tmp_path: Path
) -> None:
    headers = Keys.header(keys.admin)
    refused = client.post("/v1/library/reindex", json={"paths": [str(tmp_path)]}, headers=headers)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "path_outside_library"
    first = client.post("/v1/library/reindex", json={}, headers=headers)
    assert first.status_code == 202
    job = client.get(first.headers["location"], headers=reader).json()
    assert job["kind"] == "reindex"
    second = client.post("/v1/library/reindex", json={"full": True}, headers=headers)
    assert second.status_code == 409
    assert first.json()["id"] in second.json()["error"]["message"]


def test_reindex_without_roots_says_so(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    keys = make_keys(settings)
    with TestClient(create_app(settings, ServiceSettings(embedded_workers=0, log_json=False))) as client:
        response = client.post("/v1/library/reindex", json={}, headers=Keys.header(keys.admin))
        assert response.status_code == 403
        assert "MONTAGE_LIBRARY_ROOTS" in response.json()["error"]["message"]


def test_pages_cover_every_job_once(reader: dict[str, str], client: TestClient, keys: Keys) -> None:
    ids = {str(submit(client, keys)["id"]) for _ in range(7)}
    seen: list[str] = []
    url: str | None = "/v1/jobs?limit=3"
    while url:
        page = client.get(url, headers=reader).json()
        assert page["total"] == 7 and len(page["items"]) <= 3
        seen.extend(item["id"] for item in page["items"])
        url = page["next"]
    assert len(seen) == 7 and set(seen) == ids
    assert client.get("/v1/jobs?status=running", headers=reader).json()["total"] == 0
    assert client.get("/v1/jobs?kind=video&status=queued", headers=reader).json()["total"] == 7
    assert client.get("/v1/jobs?status=bogus", headers=reader).status_code == 422


@pytest.mark.reliability
def test_events_of_an_unknown_job_are_404(reader: dict[str, str], client: TestClient) -> None:
    """Issue 10: the stream answered 200 with an error event."""
    response = client.get("/v1/jobs/no-such-job/events", headers=reader)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_cancel_a_queued_job_and_follow_its_events(
    reader: dict[str, str], client: TestClient, keys: Keys
) -> None:
    job = submit(client, keys)
    assert client.post(f"/v1/jobs/{job['id']}/cancel").status_code == 401
    response = client.post(f"/v1/jobs/{job['id']}/cancel", headers=Keys.header(keys.submit))
    assert response.status_code == 202
    assert response.json()["status"] == "cancelled"
    again = client.post(f"/v1/jobs/{job['id']}/cancel", headers=Keys.header(keys.submit))
    assert again.json()["status"] == "cancelled"
    with client.stream("GET", f"/v1/jobs/{job['id']}/events", headers=reader) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        text = "".join(stream.iter_text())
    events = [block for block in text.split("\n\n") if block.strip()]
    assert events[0].startswith("event: job")
    data = json.loads(next(line[6:] for line in events[0].splitlines() if line.startswith("data: ")))
    assert data["status"] == "cancelled"
    assert events[-1].startswith("event: end")


def test_cors_is_configurable(settings: Settings, keys: Keys) -> None:
    service = ServiceSettings(embedded_workers=0, cors_origins=["https://newsroom.example"], log_json=False)
    with TestClient(create_app(settings, service)) as client:
        allowed = client.get("/healthz", headers={"Origin": "https://newsroom.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://newsroom.example"
        other = client.get("/healthz", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        preflight = client.options(
            "/v1/videos",
            headers={"Origin": "https://newsroom.example", "Access-Control-Request-Method": "POST"},
        )
        assert preflight.status_code == 200


def test_health_readiness_and_metrics(reader: dict[str, str], client: TestClient, keys: Keys) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 503  # no worker threads in this app
    checks = {check["name"]: check for check in ready.json()["checks"]}
    assert checks["database"]["ok"] is True
    assert checks["workers"]["ok"] is False and "no worker threads" in checks["workers"]["detail"]
    assert checks["text index"]["ok"] is False
    assert ready.json()["visual_channel"].startswith(("available", "unavailable"))
    submit(client, keys)
    client.get("/v1/jobs/missing", headers=reader)
    metrics = client.get("/metrics", headers=reader)
    assert metrics.status_code == 200
    text = metrics.text
    assert 'montage_jobs{status="queued"} 1.0' in text
    assert 'montage_http_requests_total{method="GET",route="/v1/jobs/{job_id}",status="404"} 1.0' in text
    assert "montage_http_request_seconds_bucket" in text


def test_openapi_documents_every_route(reader: dict[str, str], client: TestClient) -> None:
    spec = client.get("/openapi.json", headers=reader).json()
    paths = set(spec["paths"])
    for path in (
        "/v1/videos",
        "/v1/jobs",
        "/v1/jobs/{job_id}",
        "/v1/jobs/{job_id}/events",
        "/v1/jobs/{job_id}/cancel",
        "/v1/jobs/{job_id}/video.mp4",
        "/v1/jobs/{job_id}/subtitles.srt",
        "/v1/jobs/{job_id}/subtitles.vtt",
        "/v1/jobs/{job_id}/timeline",
        "/v1/jobs/{job_id}/timeline.otio",
        "/v1/jobs/{job_id}/poster.jpg",
        "/v1/jobs/{job_id}/revisions",
        "/v1/jobs/{job_id}/edits",
        "/v1/jobs/{job_id}/revisions/{number}/render",
        "/v1/jobs/{job_id}/revisions/{number}/approve",
        "/v1/library/reindex",
        "/v1/library/stats",
        "/v1/shots/search",
        "/v1/shots/{shot_id}/thumbnail.jpg",
        "/v1/shots/{shot_id}/preview.mp4",
        "/healthz",
        "/readyz",
        "/metrics",
    ):
        assert path in paths, path
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["type"] == "http"


def test_openapi_lists_the_timeline_and_edit_types(reader: dict[str, str], client: TestClient) -> None:
    """The API reuses the pipeline's typed timeline and edits, so clients can generate code from them."""
    spec = client.get("/openapi.json", headers=reader).json()
    schemas = spec["components"]["schemas"]
    timeline_ref = spec["paths"]["/v1/jobs/{job_id}/timeline"]["get"]["responses"]["200"]["content"]
    assert timeline_ref["application/json"]["schema"]["$ref"].endswith("/TimelineOut")
    for name in ("Timeline", "Segment", "ShotUse", "Alternative", "NarrationClip", "SwapEdit", "TrimEdit"):
        assert any(key == name or key.startswith(f"{name}-") for key in schemas), name
    segment = next(value for key, value in schemas.items() if key.startswith("Segment"))
    assert {"start", "end", "shot", "fill"} <= set(segment["properties"])
    edits = schemas["EditsIn"]["properties"]["edits"]["items"]
    assert edits["discriminator"]["propertyName"] == "op"


def test_editor_is_served(client: TestClient) -> None:
    response = client.get("/editor/")
    assert response.status_code == 200 and "<html" in response.text.lower()
    assert client.get("/", follow_redirects=False).headers["location"] == "/editor/"


def test_odd_paths_are_refused_plainly(client: TestClient, keys: Keys, library_root: Path) -> None:
    (library_root / "loop").symlink_to(library_root / "loop")
    for bad in ("\u0000", "music/\u0000.mp3", "loop/x.mp3", "~root/x.mp3"):
        response = client.post(
            "/v1/library/reindex", json={"manifests": [bad]}, headers=Keys.header(keys.admin)
        )
        assert response.status_code == 403, bad
        assert response.json()["error"]["code"] == "path_outside_library"


@pytest.mark.reliability
def test_an_unexpected_failure_answers_the_json_error_shape(
    reader: dict[str, str], settings: Settings, service_settings: ServiceSettings, keys: Keys
) -> None:
    """Issue 10: a 500 came back as plain text, not the error body every other answer uses."""
    app = create_app(settings, service_settings)

    @app.get("/v1/test-only-boom")
    def boom() -> None:
        raise RuntimeError("a bug the client must not see")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/test-only-boom", headers=reader)
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"]["code"] == "internal_error"
    assert "a bug" not in response.text


@pytest.mark.reliability
def test_the_editor_is_served_with_a_strict_content_security_policy(client: TestClient) -> None:
    """Issue 10: the editor sent no CSP or frame-ancestors headers."""
    page = client.get("/editor/")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in client.get("/healthz").headers  # only the editor's pages


def test_a_keys_last_use_is_still_recorded(client: TestClient, keys: Keys, settings: Settings) -> None:
    from montage.db.database import open_database
    from montage.db.models import ApiKey

    response = client.post("/v1/videos", json={"article": ARTICLE}, headers=Keys.header(keys.submit))
    assert response.status_code == 202
    db = open_database(settings)
    with db.sessions() as session:
        used = [key.last_used_at for key in session.query(ApiKey).all() if key.last_used_at is not None]
    db.engine.dispose()
    assert used  # written once a minute per key at most, never at the cost of a request
