"""`montage doctor`: what is installed and usable."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from api.cli.context import CliContext, console
from montage.health import checks_to_json, run_checks


def doctor_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Check ffmpeg, TTS engines, CLIP weights, the database and the indexes."""
    ctx = CliContext()
    checks = run_checks(ctx.settings)
    if as_json:
        print(json.dumps(checks_to_json(checks), indent=2))
    else:
        for check in checks:
            mark = "[green]ok[/]" if check.ok else ("[red]missing[/]" if check.required else "[yellow]no[/]")
            console.print(f"{mark:>20}  {check.name}: {check.detail}")
    if any(not c.ok and c.required for c in checks):
        raise typer.Exit(1)
