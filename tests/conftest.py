"""Fixtures shared by the whole suite: an isolated data directory and settings per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_FOOTAGE = (REPO_ROOT / ".." / "shared" / "footage").resolve()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh MONTAGE_DATA_DIR for one test, so runs never mix."""
    path = tmp_path / "montage-data"
    monkeypatch.setenv("MONTAGE_DATA_DIR", str(path))
    monkeypatch.delenv("MONTAGE_DATABASE_URL", raising=False)
    from montage.config import get_settings

    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def shared_footage_or_skip() -> Path:
    """The shared footage folder beside the repo, or skip the test with the reason."""
    if not (SHARED_FOOTAGE / "manifest.csv").is_file():
        pytest.skip(f"shared footage not present at {SHARED_FOOTAGE}")
    return SHARED_FOOTAGE
