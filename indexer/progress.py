"""How long-running indexer work reports progress (the CLI shows a rich bar, the service a job record)."""

from __future__ import annotations

from typing import Protocol


class ProgressSink(Protocol):
    """Receives progress; implementations must be cheap to call."""

    def start(self, total: int, description: str) -> None:
        """A phase of ``total`` units begins."""

    def advance(self, units: int = 1, detail: str = "") -> None:
        """``units`` more are done."""

    def finish(self) -> None:
        """The phase is over."""


class SilentProgress:
    """A sink that ignores everything."""

    def start(self, total: int, description: str) -> None:
        """Ignore."""

    def advance(self, units: int = 1, detail: str = "") -> None:
        """Ignore."""

    def finish(self) -> None:
        """Ignore."""
