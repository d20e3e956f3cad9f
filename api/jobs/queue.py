"""The queue seen by the API: it carries job ids only, and says whether any worker is there to take them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class WorkerPresence:
    """Whether workers are available, how many, and a plain sentence about it."""

    available: bool
    count: int
    detail: str


class JobQueue(Protocol):
    """Where job ids go after the job's row is committed."""

    def enqueue(self, job_id: str) -> None:
        """Put a job id on the queue."""

    def workers(self) -> WorkerPresence:
        """Which workers are there to run jobs."""
