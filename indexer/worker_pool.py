"""The index run's process pool: workers that never outlive the run, and a stop that does not wait.

Workers are spawned processes of a ``ProcessPoolExecutor``. As each one starts it asks the Linux kernel to
kill it when the process that started it dies (``PR_SET_PDEATHSIG``) and also checks its parent's id from
a thread every ``PARENT_POLL_S`` seconds (the check that works everywhere), so a SIGKILLed
``montage index`` or ``montage serve`` leaves no worker behind. Once the workers are gone, the
multiprocessing resource tracker sees its pipe close and exits too.

Leaving a :class:`WorkerPool` block by an exception (SIGTERM turned into an exception by the CLI, a
cancelled job, a stopping service) drops the files not started and terminates the workers at once,
where ``ProcessPoolExecutor`` would first analyse every queued file.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import TypeVar

T = TypeVar("T")
A = TypeVar("A")

PARENT_POLL_S = 0.5
"""How often a worker checks that its parent is still alive."""
STOP_POLL_S = 0.5
"""How often :func:`completed` asks whether the run should stop while no file finishes."""
TERMINATE_GRACE_S = 3.0
"""How long terminated workers get to exit before they are killed."""
_PR_SET_PDEATHSIG = 1


class IndexStopped(Exception):
    """The run was stopped from outside (a cancelled job, a stopping service); files stored so far stay."""


def _ask_kernel_for_death_signal() -> bool:
    """Linux only: have the kernel SIGKILL this process when its parent dies. True when it was set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int) -> None:
    """Exit this process at once when it is no longer the child of ``parent_pid`` (the parent died)."""
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)
        time.sleep(PARENT_POLL_S)


def worker_init(
    parent_pid: int, setup: Callable[..., None] | None = None, setup_args: tuple[object, ...] = ()
) -> None:
    """Run first in every worker: tie its life to ``parent_pid``; leave Ctrl-C to the parent; then
    ``setup(*setup_args)``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _ask_kernel_for_death_signal()
    if os.getppid() != parent_pid:  # the parent died before the death signal was asked for
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="parent-watch", daemon=True).start()
    if setup is not None:
        setup(*setup_args)


class WorkerPool:
    """``workers`` spawned processes running one-argument functions; a context manager.

    A normal exit waits for the submitted work; an exit by exception calls :meth:`terminate`.
    ``setup(*setup_args)`` runs in each worker as it starts (picklable; multiprocessing queues may be
    passed here, at the start of a process).
    """

    def __init__(
        self, workers: int, *, setup: Callable[..., None] | None = None, setup_args: tuple[object, ...] = ()
    ) -> None:
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=worker_init,
            initargs=(os.getpid(), setup, setup_args),
        )

    def submit(self, function: Callable[[A], T], argument: A) -> Future[T]:
        """Queue ``function(argument)`` for a worker."""
        return self._executor.submit(function, argument)

    def processes(self) -> list[BaseProcess]:
        """The worker processes started so far."""
        return list((self._executor._processes or {}).values())

    def terminate(self, grace_s: float = TERMINATE_GRACE_S) -> None:
        """Cancel work not started, SIGTERM the workers, SIGKILL those still alive after ``grace_s``."""
        processes = self.processes()
        self._executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + grace_s
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(1.0)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self._executor.shutdown(wait=True)
        else:
            self.terminate()


def completed(
    futures: Iterable[Future[T]],
    should_stop: Callable[[], bool] | None = None,
    *,
    poll_s: float = STOP_POLL_S,
) -> Iterator[Future[T]]:
    """Yield futures as they finish; raise :class:`IndexStopped` as soon as ``should_stop()`` is true.

    ``should_stop`` is asked before each wait and at least every ``poll_s`` seconds.
    """
    remaining = set(futures)
    while remaining:
        if should_stop is not None and should_stop():
            raise IndexStopped("the index run was stopped before it finished")
        done, remaining = wait(remaining, timeout=poll_s, return_when=FIRST_COMPLETED)
        yield from done
