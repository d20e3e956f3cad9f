"""`montage models` as an operator runs it: install from a real local HTTP server, doctor, export/import."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.article.local_http import LocalServer
from tests.embedding.tiny_clip import write_tiny_clip

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
CLIP_CHECK = "clip weights (visual channel)"


def _environment(base: Path) -> dict[str, str]:
    """A machine of its own: data dir, Hugging Face cache, and a custom tiny CLIP model configured."""
    models = base / "models"
    models.mkdir(parents=True, exist_ok=True)
    (base / "data").mkdir(exist_ok=True)
    env = dict(
        os.environ,
        MONTAGE_DATA_DIR=str(base / "data"),
        HF_HOME=str(base / "hf"),
        HF_HUB_OFFLINE="1",
        MONTAGE_EMBEDDING__CLIP_MODEL=str(models / "montage-tiny-clip.json"),
        MONTAGE_EMBEDDING__CLIP_PRETRAINED=str(models / "tiny-clip.pt"),
    )
    env.pop("MONTAGE_DATABASE_URL", None)
    env.pop("HF_HUB_CACHE", None)
    return env


def montage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


def clip_check(env: dict[str, str]) -> dict[str, object]:
    checks = json.loads(montage(env, "doctor", "--json").stdout)
    return next(check for check in checks if check["name"] == CLIP_CHECK)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    made = write_tiny_clip(tmp_path_factory.mktemp("tiny"))
    return made.config, made.checkpoint.read_bytes()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer().start()
    yield local
    local.close()


@pytest.fixture
def machine(tmp_path: Path, tiny: tuple[Path, bytes]) -> dict[str, str]:
    env = _environment(tmp_path / "machine")
    shutil.copyfile(tiny[0], env["MONTAGE_EMBEDDING__CLIP_MODEL"])
    return env


def _drop_midway(body: bytes) -> object:
    def handler(request: BaseHTTPRequestHandler, _stop: threading.Event) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/octet-stream")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body[: len(body) // 2])
        request.wfile.flush()
        request.connection.shutdown(2)

    return handler


def _nothing_installed(env: dict[str, str]) -> None:
    checkpoint = Path(env["MONTAGE_EMBEDDING__CLIP_PRETRAINED"])
    assert not checkpoint.exists()
    assert sorted(p.name for p in checkpoint.parent.iterdir()) == ["montage-tiny-clip.json"]
    check = clip_check(env)
    assert check["ok"] is False and "montage models install" in str(check["detail"])


def test_install_over_http_makes_the_visual_channel_ready(
    machine: dict[str, str], server: LocalServer, tiny: tuple[Path, bytes]
) -> None:
    _config, body = tiny
    server.serve("/weights/tiny.pt", body, "application/octet-stream")
    before = clip_check(machine)
    assert before["ok"] is False
    assert "montage models install <url-or-file> --sha256 <hex>" in str(before["detail"])

    digest = hashlib.sha256(body).hexdigest()
    result = montage(machine, "models", "install", server.url("/weights/tiny.pt"), "--sha256", digest)
    assert result.returncode == 0, result.stderr

    installed = Path(machine["MONTAGE_EMBEDDING__CLIP_PRETRAINED"])
    assert installed.read_bytes() == body
    after = clip_check(machine)
    assert after["ok"] is True, after
    assert f"file:{digest[:16]}" in str(after["detail"])
    listing = json.loads(montage(machine, "models", "list", "--json").stdout)
    visual = next(row for row in listing["models"] if row["channel"] == "visual")
    assert visual["present"] and visual["location"] == str(installed)


@pytest.mark.parametrize("failure", ["dropped", "wrong bytes", "not a checkpoint"])
def test_failed_install_leaves_nothing_montage_would_use(
    machine: dict[str, str], server: LocalServer, tiny: tuple[Path, bytes], failure: str
) -> None:
    _config, body = tiny
    digest = hashlib.sha256(body).hexdigest()
    if failure == "dropped":
        server.routes["/tiny.pt"] = _drop_midway(body)  # type: ignore[assignment]
        expected = f"closed after {len(body) // 2} of {len(body)} bytes"
    elif failure == "wrong bytes":
        server.serve("/tiny.pt", body[:-64] + bytes(64), "application/octet-stream")
        expected = "checksum mismatch"
    else:
        junk = b"these bytes are no open_clip checkpoint" * 100
        server.serve("/tiny.pt", junk, "application/octet-stream")
        digest = hashlib.sha256(junk).hexdigest()
        expected = "is not a usable CLIP"
    result = montage(machine, "models", "install", server.url("/tiny.pt"), "--sha256", digest)
    assert result.returncode == 2
    assert expected in " ".join(result.stderr.split()), result.stderr
    _nothing_installed(machine)


def test_export_then_import_on_another_machine(
    machine: dict[str, str], tmp_path: Path, tiny: tuple[Path, bytes]
) -> None:
    config, body = tiny
    source_file = tmp_path / "from-usb.pt"
    source_file.write_bytes(body)
    assert montage(machine, "models", "install", str(source_file)).returncode == 0
    bundle = tmp_path / "bundle.tar"
    exported = montage(machine, "models", "export", str(bundle))
    assert exported.returncode == 0, exported.stderr

    other = _environment(tmp_path / "offline")
    assert clip_check(other)["ok"] is False
    imported = montage(other, "models", "import", str(bundle))
    assert imported.returncode == 0, imported.stderr
    assert Path(other["MONTAGE_EMBEDDING__CLIP_PRETRAINED"]).read_bytes() == body
    assert Path(other["MONTAGE_EMBEDDING__CLIP_MODEL"]).read_bytes() == config.read_bytes()
    assert clip_check(other)["ok"] is True


TEXT_CHECK = "text model (text channel)"
HUB_TEXT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def text_check(env: dict[str, str]) -> dict[str, object]:
    checks = json.loads(montage(env, "doctor", "--json").stdout)
    return next(check for check in checks if check["name"] == TEXT_CHECK)


@pytest.fixture(scope="module")
def minilm_archive(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A tar of a sentence-transformers model folder (the MiniLM package's), its top folder included."""
    import tarfile

    from montage.embedding.text_encoder import bundled_minilm_dir

    folder = bundled_minilm_dir()
    assert folder is not None
    archive = tmp_path_factory.mktemp("text") / "minilm.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(folder, arcname="all-MiniLM-L6-v2")
    return archive.read_bytes()


def test_text_model_install_over_http_makes_the_text_channel_ready(
    tmp_path: Path, server: LocalServer, minilm_archive: bytes
) -> None:
    env = {**_environment(tmp_path / "machine"), "MONTAGE_EMBEDDING__TEXT_MODEL": HUB_TEXT_MODEL}
    assert text_check(env)["ok"] is False
    server.serve("/models/minilm.tar", minilm_archive, "application/x-tar")
    url = server.url("/models/minilm.tar")

    wrong = montage(env, "models", "install", url, "--text", "--sha256", "0" * 64)
    assert wrong.returncode == 2 and "checksum mismatch" in " ".join(wrong.stderr.split())
    hub = Path(env["HF_HOME"]) / "hub"
    assert not any(hub.rglob("*.json")) if hub.exists() else True  # nothing montage would use

    digest = hashlib.sha256(minilm_archive).hexdigest()
    result = montage(env, "models", "install", url, "--text", "--sha256", digest, "--json")
    assert result.returncode == 0, result.stderr
    installed = json.loads(result.stdout)
    snapshot = Path(installed["path"])
    assert snapshot.parent.name == "snapshots" and (snapshot / "modules.json").is_file()
    assert (snapshot.parents[1] / "refs" / "main").read_text().strip() == snapshot.name
    after = text_check(env)
    assert after["ok"] is True, after
    assert HUB_TEXT_MODEL in str(after["detail"])


def test_text_model_install_refuses_unsafe_archives(tmp_path: Path) -> None:
    import io
    import tarfile

    env = {**_environment(tmp_path / "machine"), "MONTAGE_EMBEDDING__TEXT_MODEL": HUB_TEXT_MODEL}
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        data = b"{}"
        member = tarfile.TarInfo("../outside/modules.json")
        member.size = len(data)
        tar.addfile(member, io.BytesIO(data))
    result = montage(env, "models", "install", str(archive), "--text")
    assert result.returncode == 2 and "unsafe path" in " ".join(result.stderr.split())
    assert not (tmp_path / "outside").exists()
    packaged = {**env, "MONTAGE_EMBEDDING__TEXT_MODEL": "auto"}
    refused = montage(packaged, "models", "install", str(archive), "--text")
    assert refused.returncode == 2 and "PyPI package" in " ".join(refused.stderr.split())
