"""clip_availability looks for weights on disk only: fast, no torch, no network."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from montage.embedding.clip_encoder import load_clip_encoder
from montage.embedding.clip_weights import clip_availability
from montage.errors import ModelUnavailableError
from montage.options.embedding import EmbeddingOptions

REPO_ROOT = Path(__file__).resolve().parents[2]
LAION_REPO = "models--laion--CLIP-ViT-B-32-laion2B-s34B-b79K"


def _fake_hub_file(cache: Path, repo_dir: str, commit: str, filename: str) -> Path:
    path = cache / repo_dir / "snapshots" / commit / filename
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not really weights")
    return path


def test_missing_tag_weights_are_reported_quickly(tmp_path: Path) -> None:
    started = time.monotonic()
    result = clip_availability(EmbeddingOptions(hf_cache_dir=str(tmp_path)))
    assert time.monotonic() - started < 1.0
    assert not result.available
    assert "laion/CLIP-ViT-B-32-laion2B-s34B-b79K" in result.reason
    assert str(tmp_path) in result.reason
    assert result.model_id == "open_clip/ViT-B-32/laion2b_s34b_b79k"


def test_cached_tag_weights_are_found_in_the_hub_layout(tmp_path: Path) -> None:
    _fake_hub_file(tmp_path, LAION_REPO, "abc123", "open_clip_model.safetensors")
    result = clip_availability(EmbeddingOptions(hf_cache_dir=str(tmp_path)))
    assert result.available, result.reason
    assert result.reason == ""
    assert result.model_id == "open_clip/ViT-B-32/laion2b_s34b_b79k"


def test_refs_main_snapshot_is_preferred(tmp_path: Path) -> None:
    from montage.embedding.hub_cache import cached_hub_file

    _fake_hub_file(tmp_path, LAION_REPO, "old", "open_clip_pytorch_model.bin")
    newest = _fake_hub_file(tmp_path, LAION_REPO, "main-commit", "open_clip_pytorch_model.bin")
    (tmp_path / LAION_REPO / "refs").mkdir()
    (tmp_path / LAION_REPO / "refs" / "main").write_text("main-commit")
    found = cached_hub_file(tmp_path, "laion/CLIP-ViT-B-32-laion2B-s34B-b79K", "open_clip_pytorch_model.bin")
    assert found == newest


def test_url_weights_in_the_clip_cache_count(tmp_path: Path) -> None:
    options = EmbeddingOptions(clip_pretrained="openai", hf_cache_dir=str(tmp_path))
    assert not clip_availability(options).available
    (tmp_path / "ViT-B-32.pt").write_bytes(b"weights")
    result = clip_availability(options)
    assert result.available, result.reason
    assert result.model_id == "open_clip/ViT-B-32/openai"


def test_missing_checkpoint_file(tmp_path: Path) -> None:
    started = time.monotonic()
    result = clip_availability(EmbeddingOptions(clip_pretrained=str(tmp_path / "absent.pt")))
    assert time.monotonic() - started < 1.0
    assert not result.available
    assert "absent.pt does not exist" in result.reason


def test_present_checkpoint_file_is_named_by_content(tmp_path: Path) -> None:
    checkpoint = tmp_path / "weights.pt"
    checkpoint.write_bytes(b"abc")
    result = clip_availability(EmbeddingOptions(clip_pretrained=str(checkpoint)))
    assert result.available
    # sha256("abc") = ba7816bf8f01cfea...
    assert result.model_id == "open_clip/ViT-B-32/file:ba7816bf8f01cfea"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (EmbeddingOptions(clip_pretrained="no_such_tag"), "knows no pretrained tag 'no_such_tag'"),
        (EmbeddingOptions(clip_model="ViT-Nonexistent-1"), "no model named 'ViT-Nonexistent-1'"),
        (EmbeddingOptions(clip_enabled=False), "disabled by configuration"),
        (EmbeddingOptions(clip_model="/nowhere/custom.json"), "custom.json does not exist"),
    ],
)
def test_unusable_settings_say_why(options: EmbeddingOptions, expected: str) -> None:
    result = clip_availability(options)
    assert not result.available
    assert expected in result.reason


def test_load_without_weights_raises_at_once(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(ModelUnavailableError, match="not on this machine"):
        load_clip_encoder(EmbeddingOptions(hf_cache_dir=str(tmp_path)))
    assert time.monotonic() - started < 1.0


def test_check_imports_neither_torch_nor_open_clip(tmp_path: Path) -> None:
    code = (
        "import sys, time\n"
        "started = time.monotonic()\n"
        "from montage.embedding.clip_weights import clip_availability\n"
        "from montage.options.embedding import EmbeddingOptions\n"
        f"result = clip_availability(EmbeddingOptions(hf_cache_dir={str(tmp_path)!r}))\n"
        "elapsed = time.monotonic() - started\n"
        "print(result.available, 'torch' in sys.modules, 'open_clip' in sys.modules, elapsed)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, timeout=60
    ).stdout.split()
    assert output[:3] == ["False", "False", "False"]
    assert float(output[3]) < 1.0
