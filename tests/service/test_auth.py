"""API keys: hashed storage, bearer auth, scopes, revocation."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.service.api_keys import create_api_key, hash_token, revoke_api_key, verify_token
from montage.config import Settings
from montage.db.database import open_database
from montage.db.models import ApiKey
from montage.db.session import transaction
from tests.service.conftest import Keys

ARTICLE = {"article": "City council approves a new bicycle lane network. Work starts in spring."}


def test_keys_are_stored_as_hashes_only(settings: Settings) -> None:
    db = open_database(settings)
    with transaction(db.sessions) as session:
        row, token = create_api_key(session, ["submit", "edit"], name="desk")
    with db.sessions() as session:
        stored = session.scalars(select(ApiKey).where(ApiKey.id == row.id)).one()
        assert stored.token_sha256 == hash_token(token)
        assert token not in {stored.prefix, stored.token_sha256, stored.name}
        assert token.startswith(f"mtg_{stored.prefix}_")
        assert stored.scopes == ["edit", "submit"]
        principal = verify_token(session, token)
        assert principal is not None and principal.allows("edit") and not principal.allows("admin")
        assert verify_token(session, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert verify_token(session, "mtg_000000000000_nothing") is None
        assert verify_token(session, "not-a-key") is None
    db.engine.dispose()


def test_mutating_routes_need_a_key(client: TestClient) -> None:
    response = client.post("/v1/videos", json=ARTICLE)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthorized"
    for path in ("/v1/library/reindex", "/v1/jobs/abc/cancel", "/v1/jobs/abc/edits"):
        assert client.post(path, json={}).status_code in (401, 422), path


def test_unknown_key_is_refused(client: TestClient) -> None:
    response = client.post("/v1/videos", json=ARTICLE, headers=Keys.header("mtg_0123456789ab_forged"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_key"


def test_scopes_are_enforced(client: TestClient, keys: Keys) -> None:
    assert client.post("/v1/videos", json=ARTICLE, headers=Keys.header(keys.edit)).status_code == 403
    assert client.post("/v1/videos", json=ARTICLE, headers=Keys.header(keys.submit)).status_code == 202
    assert client.post("/v1/videos", json=ARTICLE, headers=Keys.header(keys.admin)).status_code == 202
    refused = client.post("/v1/library/reindex", json={}, headers=Keys.header(keys.submit))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"


def test_revoked_key_stops_working(client: TestClient, keys: Keys, settings: Settings) -> None:
    assert client.post("/v1/videos", json=ARTICLE, headers=Keys.header(keys.submit)).status_code == 202
    db = open_database(settings)
    with transaction(db.sessions) as session:
        assert revoke_api_key(session, keys.submit.split("_")[1])
    db.engine.dispose()
    assert client.post("/v1/videos", json=ARTICLE, headers=Keys.header(keys.submit)).status_code == 401
