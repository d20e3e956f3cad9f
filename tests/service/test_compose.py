"""docker-compose.yml and the Dockerfile agree with the code: services, commands, volumes and settings."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from api.service.settings import ServiceSettings
from montage.config import Settings

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
MONTAGE_SERVICES = ("migrate", "api", "worker")


@pytest.fixture(scope="module")
def compose() -> dict[str, object]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


def _services(compose: dict[str, object]) -> dict[str, dict[str, object]]:
    services = compose["services"]
    assert isinstance(services, dict)
    return services


def _env(service: dict[str, object]) -> dict[str, str]:
    env = service["environment"]
    assert isinstance(env, dict)
    return {str(k): str(v) for k, v in env.items() if k != "<<"}


def test_the_services_are_all_there(compose: dict[str, object]) -> None:
    services = _services(compose)
    assert set(services) == {"api", "worker", "postgres", "redis", "migrate"}
    assert services["api"]["command"] == ["montage", "serve", "--host", "0.0.0.0", "--port", "8000"]
    assert services["worker"]["command"] == ["montage", "worker"]
    assert services["migrate"]["command"] == ["montage", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    for name in ("api", "worker"):
        depends = services[name]["depends_on"]
        assert isinstance(depends, dict)
        assert depends["migrate"] == {"condition": "service_completed_successfully"}
        assert depends["redis"] == {"condition": "service_healthy"}
    volumes = compose["volumes"]
    assert isinstance(volumes, dict) and set(volumes) >= {"data", "artifacts", "pgdata"}


def test_footage_is_read_only_and_data_and_artifacts_are_volumes(compose: dict[str, object]) -> None:
    for name in ("api", "worker"):
        volumes = [str(v) for v in _services(compose)[name]["volumes"]]  # type: ignore[attr-defined]
        footage = [v for v in volumes if ":/footage" in v]
        assert footage and all(v.endswith(":ro") for v in footage)
        # what every process must share: published indexes, keyframes, results (docs/service.md)
        for shared in ("indexes:/data/indexes", "keyframes:/data/keyframes", "artifacts:/data/artifacts"):
            assert shared in volumes, f"{name}: {shared}"
    api_volumes = [str(v) for v in _services(compose)["api"]["volumes"]]  # type: ignore[attr-defined]
    worker_volumes = [str(v) for v in _services(compose)["worker"]["volumes"]]  # type: ignore[attr-defined]
    assert "data:/data" in api_volumes
    assert "/data" in worker_volumes  # each worker's own data dir (caches), as on separate machines


def test_environment_names_are_real_settings(
    compose: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    service_fields = {f"MONTAGE_SERVICE_{name.upper()}" for name in ServiceSettings.model_fields}
    settings_fields = {f"MONTAGE_{name.upper()}" for name in Settings.model_fields}
    for name in MONTAGE_SERVICES:
        env = _env(_services(compose)[name])
        for key in env:
            if key.startswith("MONTAGE_SERVICE_"):
                assert key in service_fields, f"{name}: {key} is not a ServiceSettings field"
            elif key.startswith("MONTAGE_"):
                assert key.split("__")[0] in settings_fields, f"{name}: {key} is not a Settings field"
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        service = ServiceSettings()
        settings = Settings()
        assert service.queue == "dramatiq"
        assert service.redis_url.startswith("redis://redis:6379")
        assert service.migrate_on_start is False  # the migrate service does it, once
        assert settings.data_dir == Path("/data")
        assert settings.library_roots == [Path("/footage")]
        assert settings.resolved_database_url.startswith("postgresql://")
        assert settings.resolved_database_url.split("@")[1].startswith("postgres:5432/")
        for key in env:
            monkeypatch.delenv(key)
    api_port = _services(compose)["api"]["ports"]
    assert api_port == ["8000:8000"]


def test_dockerfile_installs_what_the_service_runs() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    for needle in (
        "ffmpeg",
        "espeak-ng",
        "-c constraints.txt",
        "pip install -c constraints.txt -c requirements.lock .",
        "EXPOSE 8000",
    ):
        assert needle in dockerfile, needle
    assert "pip install -e" not in dockerfile  # a regular install: the wheel carries the migrations
    for path in ("migrations", "montage", "indexer", "api"):
        assert f"COPY {path}" in dockerfile, path
    ignored = (REPO / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".git" in ignored


def test_compose_file_validates() -> None:
    if (
        shutil.which("docker")
        and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        command = ["docker", "compose", "-f", str(COMPOSE), "config", "--quiet"]
    elif shutil.which("docker-compose"):
        command = ["docker-compose", "-f", str(COMPOSE), "config", "--quiet"]
    else:
        pytest.skip("neither `docker compose` nor Debian's `docker-compose` is installed")
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
