"""Run ffmpeg commands (one, or several at the same time), report progress from ``-progress pipe:1``, and
turn failures into MediaError.

Progress pipes are read by the calling thread (a selector over all of them), so ``progress`` is always
called from the thread that started the render.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from montage.errors import MediaError

STDERR_TAIL_CHARS = 3000
POLL_S = 0.5
"""How often a quiet ffmpeg is checked for having exceeded its time."""


@dataclass(frozen=True)
class FfmpegJob:
    """One ffmpeg command, the seconds of output it writes (for progress) and where its stderr goes."""

    argv: Sequence[str]
    total_s: float
    stderr_path: Path


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


def _stop(processes: Sequence[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()
    for process in processes:
        process.wait()


def _start(job: FfmpegJob) -> subprocess.Popen[bytes]:
    args = [job.argv[0], "-progress", "pipe:1", "-nostats", *job.argv[1:]]
    with job.stderr_path.open("wb") as stderr:
        try:
            return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=stderr)
        except OSError as exc:
            raise MediaError(f"cannot run ffmpeg: {exc}", code="ffmpeg_missing") from exc


def run_ffmpeg_jobs(
    jobs: Sequence[FfmpegJob],
    *,
    progress: Callable[[float], None] | None = None,
    timeout_s: float | None = None,
) -> None:
    """Run all ``jobs`` at the same time and wait for them, calling ``progress`` with the fraction of all
    their output written (0..1, never decreasing, ending with 1.0).

    When one fails (or they exceed ``timeout_s`` together), the others are killed and MediaError carries
    the tail of the failed command's stderr.
    """
    started = time.monotonic()
    processes: list[subprocess.Popen[bytes]] = []
    total = sum(job.total_s for job in jobs)
    written = [0.0] * len(jobs)
    last = -1.0
    try:
        for job in jobs:
            processes.append(_start(job))
        selector = selectors.DefaultSelector()
        pending = {index: b"" for index in range(len(jobs))}
        for index, process in enumerate(processes):
            assert process.stdout is not None
            selector.register(process.stdout, selectors.EVENT_READ, index)
        while pending:
            if timeout_s is not None and time.monotonic() - started > timeout_s:
                _stop(processes)
                tails = "\n".join(_tail(job.stderr_path) for job in jobs)
                raise MediaError(
                    f"ffmpeg took longer than {timeout_s:g} s", stderr_tail=tails[-STDERR_TAIL_CHARS:]
                )
            for key, _ in selector.select(timeout=POLL_S):
                index = key.data
                chunk = os.read(key.fd, 65536)
                if not chunk:  # this ffmpeg closed its progress pipe: it is exiting
                    selector.unregister(key.fileobj)
                    del pending[index]
                    code = processes[index].wait()
                    if code != 0:
                        _stop(processes)
                        raise MediaError(
                            f"ffmpeg failed to render the video (exit code {code})",
                            stderr_tail=_tail(jobs[index].stderr_path),
                        )
                    written[index] = jobs[index].total_s
                else:
                    *lines, pending[index] = (pending[index] + chunk).split(b"\n")
                    for line in lines:
                        seconds = parse_progress_seconds(line.decode("ascii", "replace"))
                        if seconds is not None:
                            written[index] = min(seconds, jobs[index].total_s)
                if progress is not None and total > 0:
                    fraction = min(sum(written) / total, 1.0)
                    if fraction > last:
                        last = fraction
                        progress(fraction)
        selector.close()
    finally:
        _stop(processes)
        for process in processes:
            if process.stdout is not None:
                process.stdout.close()
    if progress is not None and last < 1.0:
        progress(1.0)


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
    run_ffmpeg_jobs([FfmpegJob(argv, total_s, stderr_path)], progress=progress, timeout_s=timeout_s)
