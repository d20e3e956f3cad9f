"""What a worker needs to run jobs: settings, the database, encoders (loaded once) and a way to enqueue."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from api.service.settings import ServiceSettings
from montage.config import Settings
from montage.db.database import Database
from montage.search.channels import Channels


def make_worker_id(label: str) -> str:
    """A worker id naming the host, the process and a random suffix."""
    return f"{label}:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class WorkerRuntime:
    """Shared by every job a worker process runs. ``enqueue`` puts a job id back on the queue (retries).

    ``stopping`` is set when the worker process shuts down; long jobs (a re-index) then stop early.
    ``enqueue_index_task`` and ``index_backlog`` exist in ``montage worker`` processes (scale-out mode): a
    re-index is then fanned out as per-file tasks on the queue, and ``index_backlog`` says how many task
    messages Redis holds (so a sweeper re-sends queued tasks only when their messages can be lost).
    """

    settings: Settings
    service: ServiceSettings
    db: Database
    worker_id: str
    enqueue: Callable[[str], None]
    enqueue_index_task: Callable[[int], None] | None = None
    index_backlog: Callable[[], int] | None = None
    stopping: threading.Event = field(default_factory=threading.Event)
    _channels: Channels | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def channels(self) -> Channels:
        """The encoders, loaded on first use and then shared by all jobs of this process."""
        with self._lock:
            if self._channels is None:
                from montage.search.channels import open_channels

                self._channels = open_channels(self.settings.embedding)
            return self._channels
