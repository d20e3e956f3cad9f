"""SIGTERM as an exception: a terminated command unwinds (and stops its worker processes) like Ctrl-C.

Python's default for SIGTERM is to die on the spot, which skips every ``finally`` and leaves child
processes running; inside :func:`sigterm_raises` the signal raises :class:`Terminated` instead.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

TERMINATED_EXIT_CODE = 128 + int(signal.SIGTERM)
"""The exit status of a command stopped by SIGTERM (what a shell shows for a process killed by it)."""


class Terminated(BaseException):
    """SIGTERM arrived. A ``BaseException`` so that ``except Exception`` handlers do not swallow it."""


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(f"stopped by signal {signal.Signals(signum).name}")


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` in the main thread; restored afterwards.

    Does nothing outside the main thread (only it can set signal handlers).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
