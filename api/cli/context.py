"""Shared CLI state: settings, database and encoders, opened lazily and once per command."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass, field
from typing import NoReturn

import typer
from rich.console import Console

from montage.config import Settings, get_settings
from montage.db.database import Database, open_database
from montage.errors import MontageError
from montage.search.channels import Channels, open_channels

console = Console(stderr=True)


@dataclass
class CliContext:
    """Lazily opened resources of one CLI invocation."""

    settings: Settings = field(default_factory=get_settings)
    _db: Database | None = None
    _channels: Channels | None = None

    @property
    def db(self) -> Database:
        """The migrated database."""
        if self._db is None:
            self._db = open_database(self.settings)
        return self._db

    @property
    def channels(self) -> Channels:
        """The loaded encoders (text always; visual when CLIP weights are present)."""
        if self._channels is None:
            with console.status("loading models"):
                self._channels = open_channels(self.settings.embedding)
            if self._channels.visual is None:
                console.print(f"[yellow]visual channel unavailable:[/] {self._channels.visual_reason}")
        return self._channels


def fail(error: MontageError, *, as_json: bool = False) -> NoReturn:
    """Print a montage error plainly (or as JSON) and exit with status 2."""
    if as_json:
        print(json.dumps({"error": error.to_json()}))
    console.print(f"[red]error[/] ({error.code}): {error.message}")
    raise typer.Exit(2)


def configure_logging(verbose: bool) -> None:
    """Log warnings (or everything with --verbose) to stderr."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
