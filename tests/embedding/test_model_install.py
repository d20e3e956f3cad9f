"""Installing CLIP weights in-process: where a pretrained tag's file goes, and the download policy."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from montage.embedding.clip_weights import clip_availability
from montage.embedding.model_fetch import ModelInstallError
from montage.embedding.model_install import install_clip_weights
from montage.options.embedding import EmbeddingOptions
from tests.article.local_http import LocalServer

LAION_SNAPSHOT = "models--laion--CLIP-ViT-B-32-laion2B-s34B-b79K/snapshots"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer().start()
    yield local
    local.close()


def test_a_tag_is_installed_into_the_hub_layout_montage_reads(tmp_path: Path) -> None:
    options = EmbeddingOptions(hf_cache_dir=str(tmp_path / "hub"))
    assert not clip_availability(options).available
    source = tmp_path / "download.bin"
    source.write_bytes(b"pickled weights")
    checked: list[Path] = []
    installed = install_clip_weights(
        str(source), options, sha256=None, load_check=lambda _options, path: checked.append(path)
    )
    expected = tmp_path / "hub" / LAION_SNAPSHOT / "montage-installed" / "open_clip_pytorch_model.bin"
    assert installed.path == expected and expected.read_bytes() == b"pickled weights"
    assert checked[0].parent == expected.parent and checked[0].name.startswith(".montage-partial-")
    assert (
        tmp_path / "hub" / LAION_SNAPSHOT.replace("snapshots", "refs") / "main"
    ).read_text() == "montage-installed"
    assert clip_availability(options).available
    assert installed.model_id == "open_clip/ViT-B-32/laion2b_s34b_b79k"


def test_a_failed_load_check_leaves_no_folder_behind(tmp_path: Path) -> None:
    options = EmbeddingOptions(hf_cache_dir=str(tmp_path / "hub"))
    source = tmp_path / "download.bin"
    source.write_bytes(b"junk")

    def refuse(_options: EmbeddingOptions, _path: Path) -> None:
        raise ModelInstallError("does not load")

    with pytest.raises(ModelInstallError, match="does not load"):
        install_clip_weights(str(source), options, sha256=None, load_check=refuse)
    assert not (tmp_path / "hub").exists()


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("ftp://mirror.lan/weights.bin", "cannot install from a ftp:// URL"),
        ("file:///etc/passwd", "cannot install from a file:// URL"),
    ],
)
def test_only_http_urls_and_paths_are_accepted(tmp_path: Path, source: str, message: str) -> None:
    with pytest.raises(ModelInstallError, match=message):
        install_clip_weights(source, EmbeddingOptions(hf_cache_dir=str(tmp_path)), sha256="00")


def test_a_redirect_to_another_scheme_is_refused(tmp_path: Path, server: LocalServer) -> None:
    server.redirect("/weights.bin", "ftp://mirror.lan/weights.bin")
    with pytest.raises(ModelInstallError, match="refusing a redirect to ftp://"):
        install_clip_weights(
            server.url("/weights.bin"), EmbeddingOptions(hf_cache_dir=str(tmp_path)), sha256="0"
        )
    assert not any(tmp_path.rglob("*.bin"))


def test_a_download_over_the_size_limit_stops(tmp_path: Path, server: LocalServer) -> None:
    body = b"x" * 5000
    server.serve("/big.bin", body, "application/octet-stream", content_length=False)
    with pytest.raises(ModelInstallError, match="larger than the limit of 1000 bytes"):
        install_clip_weights(
            server.url("/big.bin"),
            EmbeddingOptions(hf_cache_dir=str(tmp_path)),
            sha256=hashlib.sha256(body).hexdigest(),
            max_bytes=1000,
        )
    assert list(tmp_path.iterdir()) == []


def test_credentials_in_a_url_are_not_repeated_in_errors(tmp_path: Path, server: LocalServer) -> None:
    url = server.url("/missing.bin").replace("http://", "http://user:secret@")
    with pytest.raises(ModelInstallError) as raised:
        install_clip_weights(url, EmbeddingOptions(hf_cache_dir=str(tmp_path)), sha256="00")
    assert "HTTP 404" in raised.value.message and "secret" not in raised.value.message
