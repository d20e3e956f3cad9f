"""Fixtures shared by the whole suite: an isolated data directory per test, a manual job clock, and a check
that fails a test which logs an error it did not declare (``@pytest.mark.logs_errors``)."""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.manual_clock import ManualClock

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
if "MONTAGE_EMBEDDING__CLIP_ONNX_CACHE_DIR" not in os.environ:
    # CLIP image-tower exports made by tests (and by the CLI subprocesses they start) go to a folder of
    # this test session, never the user's ~/.cache/montage/clip-onnx.
    _ONNX_CACHE = tempfile.mkdtemp(prefix="montage-test-clip-onnx-")
    os.environ["MONTAGE_EMBEDDING__CLIP_ONNX_CACHE_DIR"] = _ONNX_CACHE
    atexit.register(shutil.rmtree, _ONNX_CACHE, ignore_errors=True)

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


@pytest.fixture(autouse=True)
def no_logged_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test during which an ERROR (or higher) record is logged in this process.

    Records are seen where every logger hands them to its handlers (``Logger.callHandlers``), so loggers
    that do not propagate and code that replaces the root handlers (the service's JSON logging) are
    covered too. An error in the log is a bug unless the test provokes it on purpose; such tests carry
    ``@pytest.mark.logs_errors``.
    """
    if request.node.get_closest_marker("logs_errors") is not None:
        yield
        return
    errors: list[logging.LogRecord] = []
    call_handlers = logging.Logger.callHandlers

    def recording(logger: logging.Logger, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            errors.append(record)
        call_handlers(logger, record)

    logging.Logger.callHandlers = recording  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        logging.Logger.callHandlers = call_handlers  # type: ignore[method-assign]
    if errors:
        logged = "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in errors[:10])
        pytest.fail(
            f"{len(errors)} error record(s) logged during the test (mark it logs_errors if that is "
            f"expected):\n{logged}",
            pytrace=False,
        )


@pytest.fixture
def manual_clock() -> Iterator[ManualClock]:
    """The jobs' clock (``api.jobs.clock``) under the test's control: call ``advance`` instead of sleeping."""
    from api.jobs.clock import time_source

    clock = ManualClock()
    with time_source(clock):
        yield clock
