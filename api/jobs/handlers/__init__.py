"""One handler per job kind: plain functions from a claimed job to its result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from api.jobs.reporting import JobReporter
from api.jobs.repository import Claim
from api.jobs.runtime import WorkerRuntime


@dataclass
class HandlerOutcome:
    """A finished job's result, warnings and DB writes to commit together with the job's success."""

    result: dict[str, object]
    warnings: list[str] = field(default_factory=list)
    on_success: Callable[[Session], None] | None = None


Handler = Callable[[WorkerRuntime, Claim, JobReporter], HandlerOutcome]
