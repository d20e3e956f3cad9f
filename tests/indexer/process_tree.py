"""Look at a real process tree: a command's pool workers and resource tracker, and whether they are gone."""

from __future__ import annotations

import time
from collections.abc import Callable

import psutil


def descendants(pid: int) -> list[psutil.Process]:
    """Every live process below ``pid`` (children, grandchildren, ...)."""
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def pool_workers(pid: int) -> list[psutil.Process]:
    """The spawned multiprocessing workers below ``pid`` (not the resource tracker)."""
    found = []
    for process in descendants(pid):
        try:
            command = " ".join(process.cmdline())
        except psutil.Error:
            continue
        if "spawn_main" in command:
            found.append(process)
    return found


def alive(process: psutil.Process) -> bool:
    """True while the process runs (a zombie waiting for a reaper counts as gone)."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def wait_until_gone(processes: list[psutil.Process], timeout_s: float) -> list[psutil.Process]:
    """Wait up to ``timeout_s`` for all to exit; returns those still alive."""
    deadline = time.monotonic() + timeout_s
    left = [p for p in processes if alive(p)]
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = [p for p in left if alive(p)]
    return left


def wait_for(check: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Poll ``check`` every 0.1 s; fail with ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what}")


def describe(processes: list[psutil.Process]) -> str:
    """``pid: command`` lines, for assertion messages."""
    lines = []
    for process in processes:
        try:
            lines.append(f"{process.pid}: {' '.join(process.cmdline())[:160]}")
        except psutil.Error:
            lines.append(f"{process.pid}: ?")
    return "\n".join(lines)
