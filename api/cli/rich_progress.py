"""A rich progress bar that implements the indexer's ProgressSink."""

from __future__ import annotations

from types import TracebackType

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from api.cli.context import console


class RichProgress:
    """Shows each phase as a bar on stderr."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[detail]}", style="dim"),
            console=console,
            transient=False,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._progress.stop()

    def start(self, total: int, description: str) -> None:
        """Begin a bar."""
        self._task = self._progress.add_task(description, total=total, detail="")

    def advance(self, units: int = 1, detail: str = "") -> None:
        """Move the bar."""
        if self._task is not None:
            self._progress.update(self._task, advance=units, detail=detail[-50:])

    def finish(self) -> None:
        """Complete the bar."""
        if self._task is not None:
            task = self._progress.tasks[self._task]
            self._progress.update(self._task, completed=task.total, detail="")
