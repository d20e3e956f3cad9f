"""Access control (issue 10): reads need a key, jobs belong to their key's team, media goes by signed links,
and server paths stay hidden from keys without ``admin``. The real app in process on real SQLite."""

from __future__ import annotations

import json
import re
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from typer.testing import CliRunner

from api.jobs import states
from api.jobs.clock import utcnow
from api.jobs.repository import claim_job, create_job, fail_job
from api.service.api_keys import create_api_key
from api.service.app import create_app
from api.service.media_secret import SECRET_FILE, media_secret
from api.service.settings import ServiceSettings
from api.service.signed_urls import UrlSigner
from montage.config import Settings
from montage.db.database import open_database
from montage.db.models import Shot, Source
from montage.db.session import transaction
from tests.service.conftest import Keys, key_id, make_keys
from tests.service.published import publish_video_job

pytestmark = pytest.mark.reliability

TITLE = "Harbour pilots strike over night shifts"
OPEN = {"/healthz", "/readyz"}


@dataclass(frozen=True)
class World:
    """A desk team's published video (with a draft revision 2 and a render job), a shot of the library, and
    keys: the desk's, a rival team's and a key without a team."""

    keys: Keys
    rival: str
    loner: str
    job_id: str
    render_id: str
    shot_id: int
    library: Path


def _add_shot(settings: Settings, library: Path) -> int:
    """A failed source (its error names its absolute path) and one shot of a good source."""
    now = utcnow()
    db = open_database(settings)
    with transaction(db.sessions) as session:
        common: dict[str, Any] = dict(
            library_root=str(library), content_hash="0" * 64, size_bytes=1, mtime_ns=1,
            analyzer_version="t", updated_at=now,
        )  # fmt: skip
        good = Source(path=str(library / "harbour.mp4"), rel_path="harbour.mp4", status="indexed", **common)
        bad_path = library / "broken" / "shadow.mp4"
        broken = Source(
            path=str(bad_path), rel_path="broken/shadow.mp4", status="failed", error_code="media_error",
            error_message=f"ffprobe could not read {bad_path} (see /etc/montage/ffprobe.log)", **common,
        )  # fmt: skip
        session.add_all([good, broken])
        session.flush()
        shot = Shot(
            id=4_611_686_018_427_387_904, source_id=good.id, ordinal=0, start_frame=0, end_frame=50,
            start_s=0.0, end_s=2.0, text="boats",
        )  # fmt: skip
        session.add(shot)
    db.engine.dispose()
    return shot.id


@pytest.fixture
def world(settings: Settings, keys: Keys, library_root: Path) -> World:
    db = open_database(settings)
    with transaction(db.sessions) as session:
        _row, rival = create_api_key(session, ["submit", "edit"], name="rival", team="rivals")
        _row, loner = create_api_key(session, ["submit", "edit"], name="loner")
    db.engine.dispose()
    owner = key_id(settings, keys.submit)
    job_id = publish_video_job(settings, owner=owner, article=f"# {TITLE}\n\nPilots stopped work at dawn.")
    return World(keys, rival, loner, job_id, "", _add_shot(settings, library_root), library_root)


@pytest.fixture
def app_client(settings: Settings, service_settings: ServiceSettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, service_settings)) as test_client:
        yield test_client


def _with_draft_and_render(client: TestClient, world: World) -> World:
    """Revision 2 (a draft from an edit) and a render job of it (cancelled), made by the desk's keys."""
    edit = Keys.header(world.keys.edit)
    body = {"edits": [{"op": "sentence", "segment": 0, "text": "Pilots stopped work."}]}
    made = client.post(f"/v1/jobs/{world.job_id}/edits", json=body, headers=edit)
    assert made.status_code == 201, made.text
    render = client.post(f"/v1/jobs/{world.job_id}/revisions/2/render", headers=edit)
    assert render.status_code == 202, render.text
    # cancelled, so a leaking event stream would end (and show) instead of waiting for a worker
    cancel = client.post(f"/v1/jobs/{render.json()['id']}/cancel", headers=Keys.header(world.keys.submit))
    assert cancel.json()["status"] == "cancelled"
    return replace(world, render_id=render.json()["id"])


def _operations(client: TestClient) -> list[tuple[str, str]]:
    spec = client.app.openapi()  # type: ignore[attr-defined]
    return [(path, method) for path, item in spec["paths"].items() for method in item]


def _fill(path: str, world: World, job_id: str) -> str:
    filled = (
        path.replace("{job_id}", job_id).replace("{number}", "1").replace("{shot_id}", str(world.shot_id))
    )
    return filled.replace("{format_name}", "otio")


BODIES: dict[str, Any] = {
    "/v1/jobs/{job_id}/edits": {"edits": [{"op": "sentence", "segment": 0, "text": "A rival's words."}]},
    "/v1/videos": {"article": "A rival's story about something else entirely."},
    "/v1/library/reindex": {},
    "/v1/media/sign": {"urls": ["/v1/jobs/JOB/video.mp4"]},
}


def _call(client: TestClient, method: str, path: str, url: str, job_id: str, headers: dict[str, str]) -> Any:
    body = json.loads(json.dumps(BODIES.get(path)).replace("JOB", job_id)) if path in BODIES else None
    params = {"q": "boats"} if path == "/v1/shots/search" else None
    return client.request(method.upper(), url, json=body, params=params, headers=headers)


def test_every_route_refuses_a_foreign_key(app_client: TestClient, world: World) -> None:
    """Every operation of the OpenAPI document, with a rival team's key and a key without a team, filled with
    the desk's real job, revision and shot: a job route answers 404 (as for a missing job) or 401/403, and
    no answer carries the job's id or title. The desk's own key reaches the same job (a positive control)."""
    world = _with_draft_and_render(app_client, world)
    operations = _operations(app_client)
    assert len(operations) >= 20
    leaks: list[str] = []
    for foreign in (world.rival, world.loner):
        headers = Keys.header(foreign)
        for target in (world.job_id, world.render_id):
            for path, method in operations:
                url = _fill(path, world, target)
                response = _call(app_client, method, path, url, target, headers)
                text = response.text
                label = f"{method.upper()} {url}: {response.status_code}"
                if "{job_id}" in path and response.status_code not in (401, 403, 404):
                    leaks.append(f"{label} (expected 404)")
                if "{job_id}" in path and response.status_code == 404:
                    assert response.json()["error"]["message"] in (f"no job {target}",), label
                elif TITLE in text or target in text.replace(f"no job {target}", ""):
                    leaks.append(f"{label} shows the job")
    assert leaks == []
    # the desk's own key sees both jobs (so the refusals above are about ownership, not broken routes)
    desk = Keys.header(world.keys.submit)
    for target in (world.job_id, world.render_id):
        assert app_client.get(f"/v1/jobs/{target}", headers=desk).status_code == 200
    listed = app_client.get("/v1/jobs", headers=desk).json()
    assert {world.job_id, world.render_id} <= {item["id"] for item in listed["items"]}
    rival_list = app_client.get("/v1/jobs", headers=Keys.header(world.rival)).json()
    assert rival_list["total"] >= 1  # the videos it submitted in the loop above, nothing of the desk's
    assert not {world.job_id, world.render_id} & {item["id"] for item in rival_list["items"]}


def test_reads_need_a_key(app_client: TestClient, world: World) -> None:
    """Every GET of the OpenAPI document and the docs answer 401 without a key, but /healthz and /readyz;
    the editor's files stay open."""
    open_to_all: list[str] = []
    for path, method in _operations(app_client):
        if method != "get" or path in OPEN:
            continue
        response = app_client.get(_fill(path, world, world.job_id), params={"q": "x"})
        if response.status_code != 401:
            open_to_all.append(f"{path}: {response.status_code}")
    for path in ("/openapi.json", "/docs", "/redoc"):
        if app_client.get(path).status_code != 401:
            open_to_all.append(path)
    assert open_to_all == []
    assert app_client.get("/healthz").status_code == 200
    assert app_client.get("/editor/").status_code == 200
    assert app_client.get("/editor/editor.js").status_code == 200
    keyed = Keys.header(world.keys.submit)
    assert app_client.get("/openapi.json", headers=keyed).json()["info"]["title"] == "montage"
    docs = app_client.get("/docs", headers=keyed)
    signed_spec = re.search(r"url: '(/openapi\.json\?[^']+)'", docs.text)
    assert signed_spec is not None, docs.text[:500]
    assert app_client.get(signed_spec.group(1)).status_code == 200  # the page's own link needs no key


def test_open_reads_serve_every_job_without_a_key_but_writes_still_need_one(
    settings: Settings, world: World
) -> None:
    service = ServiceSettings(embedded_workers=0, log_json=False, open_reads=True)
    with TestClient(create_app(settings, service)) as client:
        page = client.get("/v1/jobs").json()
        assert [item["id"] for item in page["items"]] == [world.job_id]
        assert client.get(f"/v1/jobs/{world.job_id}/timeline").status_code == 200
        assert client.get("/metrics").status_code == 200
        assert client.get("/openapi.json").status_code == 200
        assert client.post(f"/v1/jobs/{world.job_id}/cancel").status_code == 401
        rival = Keys.header(world.rival)
        assert client.get(f"/v1/jobs/{world.job_id}", headers=rival).status_code == 200  # reads are open
        assert client.post(f"/v1/jobs/{world.job_id}/revisions/1/approve", headers=rival).status_code == 404
        stats = client.get("/v1/library/stats").json()  # a keyless reader is no admin: no server paths
        assert str(world.library) not in json.dumps(stats)


def test_teams_share_jobs_and_nobody_else_does(
    app_client: TestClient, world: World, settings: Settings
) -> None:
    db = open_database(settings)
    with transaction(db.sessions) as session:
        _row, teammate = create_api_key(session, ["submit"], name="desk 2", team="desk")
    db.engine.dispose()
    article = {"article": "The ferry timetable changes on Monday. Evening crossings are cut."}
    made = app_client.post("/v1/videos", json=article, headers=Keys.header(world.loner)).json()
    assert app_client.get(f"/v1/jobs/{made['id']}", headers=Keys.header(world.loner)).status_code == 200
    for other in (teammate, world.rival, world.keys.submit):  # a key without a team shares with nobody
        assert app_client.get(f"/v1/jobs/{made['id']}", headers=Keys.header(other)).status_code == 404
        assert app_client.post(f"/v1/jobs/{made['id']}/cancel", headers=Keys.header(other)).status_code == 404
    assert app_client.get(f"/v1/jobs/{made['id']}", headers=Keys.header(world.keys.admin)).status_code == 200
    desk_job = app_client.get(f"/v1/jobs/{world.job_id}", headers=Keys.header(teammate))
    assert desk_job.status_code == 200 and desk_job.json()["title"] == TITLE
    cancelled = app_client.post(f"/v1/jobs/{made['id']}/cancel", headers=Keys.header(world.loner))
    assert cancelled.json()["status"] == "cancelled"


def test_media_links_are_signed_and_work_without_headers(app_client: TestClient, world: World) -> None:
    desk = Keys.header(world.keys.submit)
    job = app_client.get(f"/v1/jobs/{world.job_id}", headers=desk).json()
    links = job["links"]["results"]
    assert set(links) == {"video", "srt", "vtt", "otio", "poster"}
    for kind, link in links.items():
        assert "sig=" in link and "exp=" in link, kind
        assert app_client.get(link).status_code == 200, kind  # no header: the signature admits it
    revision = app_client.get(f"/v1/jobs/{world.job_id}/revisions", headers=desk).json()[0]
    video = revision["outputs"]["video"]
    assert "revision=1" in video and app_client.get(video).content[4:8] == b"ftyp"
    # a changed query, path or signature, or another job, is refused
    for forged in (
        video.replace("revision=1", "revision=2"),
        video.replace("video.mp4", "poster.jpg"),
        video[:-1] + ("0" if video[-1] != "0" else "1"),
        video.replace(world.job_id, "f" * 32),
    ):
        refused = app_client.get(forged)
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_signature", forged
    assert app_client.get(f"/v1/jobs/{world.job_id}/video.mp4").status_code == 401  # unsigned, no key
    shot = app_client.get(f"/v1/shots/{world.shot_id}", headers=desk).json()
    assert "sig=" in shot["thumbnail"] and "sig=" in shot["preview"]


def test_signed_links_expire(world: World, settings: Settings, app_client: TestClient) -> None:
    signer = UrlSigner(media_secret(ServiceSettings(), settings.data_dir), ttl_s=60)
    past = signer.sign(f"/v1/jobs/{world.job_id}/poster.jpg", now=time.time() - 120)
    assert app_client.get(past).status_code == 401
    fresh = signer.sign(f"/v1/jobs/{world.job_id}/poster.jpg")
    assert app_client.get(fresh).status_code == 200
    params = [("at", "1.5")]
    signed = signer.sign("/v1/shots/7/thumbnail.jpg?at=1.5", now=1000.0)
    query = dict(part.split("=") for part in signed.split("?")[1].split("&"))
    full = [*params, ("exp", query["exp"]), ("sig", query["sig"])]
    assert signer.verify("/v1/shots/7/thumbnail.jpg", full, now=1000.0)
    assert not signer.verify("/v1/shots/7/thumbnail.jpg", full, now=1000.0 + 61)
    assert not signer.verify("/v1/shots/8/thumbnail.jpg", full, now=1000.0)


def test_the_sign_endpoint_signs_only_media_the_key_may_read(app_client: TestClient, world: World) -> None:
    desk, rival = Keys.header(world.keys.submit), Keys.header(world.rival)
    wanted = [
        f"/v1/jobs/{world.job_id}/video.mp4?revision=1",
        f"/v1/shots/{world.shot_id}/thumbnail.jpg?at=0.5",
    ]
    signed = app_client.post("/v1/media/sign", json={"urls": wanted}, headers=desk)
    assert signed.status_code == 200, signed.text
    urls = signed.json()["urls"]
    assert [u.split("&exp=")[0] for u in urls] == wanted
    assert app_client.get(urls[0]).status_code == 200
    assert app_client.post("/v1/media/sign", json={"urls": wanted[:1]}, headers=rival).status_code == 404
    assert app_client.post("/v1/media/sign", json={"urls": wanted[:1]}).status_code == 401
    for bad in ("/v1/jobs", "/v1/library/stats", "https://evil.example/v1/shots/1/thumbnail.jpg"):
        refused = app_client.post("/v1/media/sign", json={"urls": [bad]}, headers=desk)
        assert refused.status_code == 422 and refused.json()["error"]["code"] == "not_media", bad


def test_server_paths_are_hidden_from_keys_without_admin(
    app_client: TestClient, world: World, settings: Settings
) -> None:
    db = open_database(settings)
    owner = key_id(settings, world.keys.submit)
    with transaction(db.sessions) as session:
        job_id = create_job(session, states.VIDEO, {"article": "x"}, max_attempts=1, api_key_id=owner).id
    claim = claim_job(db.sessions, job_id, "test-worker")
    assert claim is not None
    clip, cached = world.library / "clips" / "harbour.mp4", settings.data_dir / "cache" / "x.wav"
    fail_job(db.sessions, claim, "media_error", f"could not read {clip} or {cached}", retry=False)
    db.engine.dispose()
    secret_places = (str(world.library), str(settings.data_dir), "/etc/montage")
    desk, admin = Keys.header(world.keys.submit), Keys.header(world.keys.admin)
    shown = {
        "job": app_client.get(f"/v1/jobs/{job_id}", headers=desk).text,
        "stats": app_client.get("/v1/library/stats", headers=desk).text,
        "timeline": app_client.get(f"/v1/jobs/{world.job_id}/timeline", headers=desk).text,
        "error": app_client.post(
            "/v1/videos", json={"article": "Some words here.", "music": "/etc/passwd"}, headers=desk
        ).text,
    }
    for what, text in shown.items():
        assert not any(place in text for place in secret_places), (what, text)
    job = json.loads(shown["job"])
    assert job["error"]["message"] == "could not read clips/harbour.mp4 or x.wav"
    failed = json.loads(shown["stats"])["failed"][0]
    assert failed["path"] == "broken/shadow.mp4" and "ffprobe.log" in failed["message"]
    # an admin key sees where things are
    assert str(world.library) in app_client.get(f"/v1/jobs/{job_id}", headers=admin).text
    assert str(world.library) in app_client.get("/v1/library/stats", headers=admin).text


def test_the_media_secret_is_made_once_and_kept_private(tmp_path: Path) -> None:
    first = media_secret(ServiceSettings(), tmp_path)
    assert len(first) >= 40 and media_secret(ServiceSettings(), tmp_path) == first
    mode = stat.S_IMODE((tmp_path / SECRET_FILE).stat().st_mode)
    assert mode == 0o600, oct(mode)
    configured = ServiceSettings(media_url_secret=SecretStr("from-the-settings"))
    assert media_secret(configured, tmp_path) == b"from-the-settings"


def test_keys_create_takes_a_team(data_dir: Path) -> None:
    from api.cli.app import app

    runner = CliRunner()
    made = runner.invoke(app, ["keys", "create", "--scope", "submit", "--team", "night-desk", "--json"])
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["team"] == "night-desk"
    listed = runner.invoke(app, ["keys", "list", "--json"])
    assert [row["team"] for row in json.loads(listed.output)] == ["night-desk"]
    bad = runner.invoke(app, ["keys", "create", "--scope", "submit", "--team", "no spaces", "--json"])
    assert bad.exit_code != 0


def test_ownership_holds_on_every_database(
    any_db_settings: Settings, service_settings: ServiceSettings
) -> None:
    """The ownership filters (team sub-queries, renders of one's videos) on SQLite and PostgreSQL."""
    keys = make_keys(any_db_settings)
    db = open_database(any_db_settings)
    with transaction(db.sessions) as session:
        _row, rival = create_api_key(session, ["submit", "edit"], name="rival", team="rivals")
    db.engine.dispose()
    video = publish_video_job(any_db_settings, owner=key_id(any_db_settings, keys.submit))
    with TestClient(create_app(any_db_settings, service_settings)) as client:
        edit = Keys.header(keys.edit)
        sentence = {"edits": [{"op": "sentence", "segment": 0, "text": "Hi."}]}
        assert client.post(f"/v1/jobs/{video}/edits", json=sentence, headers=edit).status_code == 201
        render = client.post(f"/v1/jobs/{video}/revisions/2/render", headers=edit).json()["id"]
        mine = client.post(
            "/v1/videos", json={"article": "Rivals report the news."}, headers=Keys.header(rival)
        )
        for key, seen in ((keys.submit, {video, render}), (rival, {mine.json()["id"]})):
            page = client.get("/v1/jobs", headers=Keys.header(key)).json()
            assert {item["id"] for item in page["items"]} == seen and page["total"] == len(seen)
        assert client.get(f"/v1/jobs/{render}", headers=Keys.header(rival)).status_code == 404
        assert client.get("/v1/jobs", headers=Keys.header(keys.admin)).json()["total"] == 3
