"""`montage voices`: the TTS engines and voices usable on this machine."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from api.cli.context import CliContext, console
from montage.speech.registry import list_voices


def voices_command(
    language: Annotated[
        str | None, typer.Option("--language", "-l", help="Only voices of this language.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List every TTS engine (with why it is or is not usable) and its voices."""
    ctx = CliContext()
    listing = list_voices(ctx.settings.speech)
    if as_json:
        rows = []
        for entry in listing:
            data = asdict(entry)
            data["voices"] = [v for v in data["voices"] if language is None or v["language"] == language]
            rows.append(data)
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for entry in listing:
        state = "[green]usable[/]" if entry.availability.available else "[yellow]not usable[/]"
        console.print(f"[bold]{entry.engine}[/] {state}: {entry.availability.reason}")
        for voice in entry.voices:
            if language is None or voice.language == language:
                console.print(f"    {voice.id:28} {voice.language:5} {voice.description}")
