"""Run ffmpeg, report progress from ``-progress pipe:1``, and turn failures into MediaError."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from montage.errors import MediaError

STDERR_TAIL_CHARS = 3000


def parse_progress_seconds(line: str) -> float | None:
    """Seconds of output written, from a ``-progress`` line (``out_time_us=``/``out_time_ms=``), else None."""
    key, _, value = line.strip().partition("=")
    if key in ("out_time_us", "out_time_ms"):  # both are microseconds in ffmpeg's progress output
        try:
            return max(int(value), 0) / 1_000_000
        except ValueError:
            return None
    return None


def _tail(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return data[-STDERR_TAIL_CHARS:].decode("utf-8", "replace")


def run_ffmpeg(
    argv: Sequence[str],
    *,
    total_s: float,
    stderr_path: Path,
    progress: Callable[[float], None] | None = None,
    timeout_s: float | None = None,
) -> None:
    """Run ``argv`` (an ffmpeg command) to completion, calling ``progress`` with the fraction done (0..1).

    Raises MediaError with the tail of ffmpeg's stderr when it fails or exceeds ``timeout_s``.
    """
    args = [argv[0], "-progress", "pipe:1", "-nostats", *argv[1:]]
    started = time.monotonic()
    last = -1.0
    with stderr_path.open("wb") as stderr:
        try:
            process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=stderr, text=True, bufsize=1)
        except OSError as exc:
            raise MediaError(f"cannot run ffmpeg: {exc}", code="ffmpeg_missing") from exc
        with process:  # closes the progress pipe however this ends
            assert process.stdout is not None
            try:
                for line in process.stdout:
                    if timeout_s is not None and time.monotonic() - started > timeout_s:
                        process.kill()
                        process.wait()
                        raise MediaError(
                            f"ffmpeg took longer than {timeout_s:g} s", stderr_tail=_tail(stderr_path)
                        )
                    seconds = parse_progress_seconds(line)
                    if seconds is not None and progress is not None and total_s > 0:
                        fraction = min(seconds / total_s, 1.0)
                        if fraction > last:
                            last = fraction
                            progress(fraction)
                code = process.wait()
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
    if code != 0:
        raise MediaError(
            f"ffmpeg failed to render the video (exit code {code})", stderr_tail=_tail(stderr_path)
        )
    if progress is not None and last < 1.0:
        progress(1.0)
