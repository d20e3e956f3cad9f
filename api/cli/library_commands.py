"""`montage library stats` and `montage library shots PATH`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.cli.context import CliContext, console, fail
from montage.db.repositories.shots import shots_of_source
from montage.db.repositories.sources import find_source
from montage.errors import InputError
from montage.library_stats import library_stats

library_app = typer.Typer(help="Inspect the shot library.", no_args_is_help=True)


@library_app.command("stats")
def stats_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Sources, shots, failed files with reasons, channels and models."""
    ctx = CliContext()
    with ctx.db.sessions() as session:
        stats = library_stats(session, ctx.settings.index_dir)
    if as_json:
        print(json.dumps(stats, indent=2))
        return
    console.print(f"sources: {stats['sources']} {stats['sources_by_status']}  shots: {stats['shots']}")
    for name, channel in stats["channels"].items():  # type: ignore[attr-defined]
        console.print(f"{name} channel: {channel}")
    for failure in stats["failed"]:  # type: ignore[attr-defined]
        console.print(f"[red]failed[/] {failure['path']}: {failure['code']}: {failure['message']}")


@library_app.command("shots")
def shots_command(
    path: Annotated[str, typer.Argument(help="A source path (absolute, or relative to its library root).")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The shots of one file with frame ranges, quality and text."""
    ctx = CliContext()
    candidate = str(Path(path).expanduser().resolve()) if Path(path).exists() else path
    with ctx.db.sessions() as session:
        source = find_source(session, candidate) or find_source(session, path)
        if source is None:
            fail(InputError(f"not in the library: {path}", code="source_not_found"), as_json=as_json)
        rows = [
            {
                "shot_id": shot.id,
                "start": round(shot.start_s, 3),
                "end": round(shot.end_s, 3),
                "start_frame": shot.start_frame,
                "end_frame": shot.end_frame,
                "quality": {
                    "score": round(shot.quality, 4),
                    "sharpness": round(shot.sharpness, 4),
                    "brightness": round(shot.brightness, 4),
                    "black_fraction": round(shot.black_fraction, 4),
                    "motion": round(shot.motion, 4),
                },
                "duplicate_group": shot.duplicate_group,
                "keyframe": shot.keyframe_path,
                "text": shot.text,
            }
            for shot in shots_of_source(session, source.id)
        ]
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table("shot_id", "start", "end", "frames", "quality", "text")
    for row in rows:
        table.add_row(
            str(row["shot_id"]),
            str(row["start"]),
            str(row["end"]),
            f"{row['start_frame']}–{row['end_frame']}",
            str(row["quality"]["score"]),  # type: ignore[index]
            str(row["text"])[:60],
        )
    console.print(table)
