"""Fixtures for the library-text tests: the shared footage folder and tiny generated videos."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED_FOOTAGE = (REPO_ROOT / ".." / "shared" / "footage").resolve()

MakeVideo = Callable[..., Path]


@pytest.fixture
def shared_footage() -> Path:
    """The shared footage folder beside the repo (skips the test when it is absent)."""
    if not (SHARED_FOOTAGE / "manifest.csv").is_file():
        pytest.skip(f"shared footage (with manifest.csv) not present at {SHARED_FOOTAGE}")
    return SHARED_FOOTAGE


def run_ffmpeg(args: Sequence[str]) -> None:
    """Run ffmpeg quietly and fail the test with its error output if it fails."""
    completed = subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y", *args],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")


@pytest.fixture
def make_video() -> MakeVideo:
    """Return a function writing a 1 s, 64x36 test video (extra ffmpeg output options allowed)."""

    def make(path: Path, *output_args: str, inputs: Sequence[str] = ()) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        run_ffmpeg(
            [
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=64x36:rate=10:duration=1",
                *inputs,
                *output_args,
                str(path),
            ]
        )
        return path

    return make
