"""Fixtures of the service tests: isolated settings, an in-process app, API keys, service processes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.service.api_keys import create_api_key
from api.service.app import create_app
from api.service.settings import ServiceSettings
from montage.config import Settings
from montage.db.database import open_database
from montage.db.session import transaction


@dataclass(frozen=True)
class Keys:
    """One key per scope set."""

    submit: str
    edit: str
    admin: str

    @staticmethod
    def header(key: str) -> dict[str, str]:
        """The Authorization header for a key."""
        return {"Authorization": f"Bearer {key}"}


def make_keys(settings: Settings) -> Keys:
    """Create a submit, an edit and an admin key in the settings' database (one team: they share jobs)."""
    db = open_database(settings)
    try:
        with transaction(db.sessions) as session:
            _row, submit = create_api_key(session, ["submit"], name="reporter", team="desk")
            _row, edit = create_api_key(session, ["edit"], name="editor", team="desk")
            _row, admin = create_api_key(session, ["admin"], name="ops", team="desk")
    finally:
        db.engine.dispose()
    return Keys(submit=submit, edit=edit, admin=admin)


@pytest.fixture
def library_root(tmp_path: Path) -> Path:
    """An empty library root folder."""
    root = tmp_path / "library"
    root.mkdir()
    return root


@pytest.fixture
def settings(tmp_path: Path, library_root: Path) -> Settings:
    """Settings with a private data dir and one library root."""
    return Settings(data_dir=tmp_path / "data", library_roots=[library_root])


@pytest.fixture
def service_settings() -> ServiceSettings:
    """Service settings with no embedded worker, so jobs stay queued and API behaviour is deterministic."""
    return ServiceSettings(
        embedded_workers=0, heartbeat_s=0.5, stale_after_s=3, sweep_every_s=0.5, log_json=False
    )


@pytest.fixture
def keys(settings: Settings) -> Keys:
    """API keys in the test database."""
    return make_keys(settings)


@pytest.fixture
def reader(keys: Keys) -> dict[str, str]:
    """Headers that read as the desk team (its submit key): reads need a key."""
    return Keys.header(keys.submit)


def key_id(settings: Settings, token: str) -> int:
    """The row id of an API key (to make jobs owned by it)."""
    from api.service.api_keys import verify_token

    db = open_database(settings)
    try:
        with db.sessions() as session:
            principal = verify_token(session, token)
    finally:
        db.engine.dispose()
    assert principal is not None
    return principal.key_id


@pytest.fixture
def client(settings: Settings, service_settings: ServiceSettings, keys: Keys) -> Iterator[TestClient]:
    """The real app, in process, with its lifespan run."""
    with TestClient(create_app(settings, service_settings)) as test_client:
        yield test_client


POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"


def postgres_unreachable() -> str | None:
    """Why the local PostgreSQL cannot be used, or None when it answers."""
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # any failure means: skip with this reason
        return f"PostgreSQL at 127.0.0.1:5432/test not reachable: {type(exc).__name__}: {exc}"[:300]
    return None


def redis_unreachable() -> str | None:
    """Why the local Redis cannot be used, or None when it answers."""
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        client.close()
    except Exception as exc:  # any failure means: skip with this reason
        return f"Redis at 127.0.0.1:6379 not reachable: {type(exc).__name__}: {exc}"[:300]
    return None


@pytest.fixture
def redis_available() -> None:
    """Skip the test with the reason when the local Redis does not answer."""
    reason = redis_unreachable()
    if reason:
        pytest.skip(reason)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL of a fresh, empty PostgreSQL database (dropped afterwards); skips when there is no server."""
    import uuid

    from sqlalchemy import create_engine, text

    reason = postgres_unreachable()
    if reason:
        pytest.skip(reason)
    name = f"montage_svc_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'create database "{name}"'))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'drop database if exists "{name}" with (force)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db_settings(request: pytest.FixtureRequest, tmp_path: Path, library_root: Path) -> Settings:
    """Settings on SQLite, and on a fresh PostgreSQL database when the server answers."""
    url = None if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    return Settings(data_dir=tmp_path / "data", database_url=url, library_roots=[library_root])
