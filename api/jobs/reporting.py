"""Progress and cancellation of one running job: written to the job record, read back by heartbeats."""

from __future__ import annotations

import threading
import time

from sqlalchemy.orm import Session, sessionmaker

from api.jobs.repository import Claim, heartbeat, record_progress


class JobCancelled(Exception):
    """Raised inside a job when cancellation was asked (or the job was taken away from this worker)."""


class WorkerStopping(Exception):
    """Raised inside a job that stopped early because its worker process is shutting down."""


class JobReporter:
    """A ``StageProgress`` (call it with stage and fraction), a ``ShouldCancel`` and an indexer ProgressSink.

    Progress writes are throttled to one every ``min_interval_s`` unless the stage changes.
    """

    def __init__(self, factory: sessionmaker[Session], claim: Claim, *, min_interval_s: float = 0.5) -> None:
        self._factory = factory
        self._claim = claim
        self._min_interval_s = min_interval_s
        self._last_write = 0.0
        self._stage = ""
        self._phase = "indexing"
        self._total = 0
        self._done = 0
        self.cancel_event = threading.Event()
        self.lost_event = threading.Event()

    def __call__(self, stage: str, fraction: float) -> None:
        """Record progress of ``stage`` (0..1)."""
        now = time.monotonic()
        if stage != self._stage or now - self._last_write >= self._min_interval_s or fraction >= 1.0:
            self._stage, self._last_write = stage, now
            record_progress(self._factory, self._claim, stage, fraction)

    def should_cancel(self) -> bool:
        """True once cancellation was asked or the job is no longer this worker's."""
        return self.cancel_event.is_set() or self.lost_event.is_set()

    def raise_if_cancelled(self) -> None:
        """Stop the job by raising :class:`JobCancelled` when it should stop."""
        if self.should_cancel():
            raise JobCancelled("cancelled")

    def beat(self) -> None:
        """Write a heartbeat and pick up a cancellation request."""
        answer = heartbeat(self._factory, self._claim)
        if answer is None:
            self.lost_event.set()
        elif answer:
            self.cancel_event.set()

    # indexer ProgressSink
    def start(self, total: int, description: str) -> None:
        """A phase of ``total`` units begins."""
        self._phase, self._total, self._done = description, max(total, 0), 0
        self(description, 0.0)
        self.raise_if_cancelled()

    def advance(self, units: int = 1, detail: str = "") -> None:
        """``units`` more are done; stops the run here if cancelled."""
        self._done += units
        self(self._phase, self._done / self._total if self._total else 1.0)
        self.raise_if_cancelled()

    def finish(self) -> None:
        """The phase is over."""
        self(self._phase, 1.0)


class Heartbeat:
    """A thread that beats for one job every ``interval_s`` seconds while the job runs."""

    def __init__(self, reporter: JobReporter, interval_s: float) -> None:
        self._reporter = reporter
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="job-heartbeat", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                self._reporter.beat()
            except Exception:  # a DB hiccup must not kill the beat; the next one retries
                continue

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
