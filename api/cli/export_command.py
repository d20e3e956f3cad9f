"""`montage export TIMELINE_OR_JOB --format FORMAT -o PATH`: hand a cut to an editing suite."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from api.cli.context import CliContext, console, fail
from api.jobs.job_timeline import rendered_timeline
from montage.errors import InputError, MontageError
from montage.export.formats import FORMATS
from montage.export.write import export_timeline
from montage.timeline.json_io import read_timeline_json
from montage.timeline.model import Timeline

FORMAT_HELP = f"{', '.join(FORMATS)} or all (repeat for several)."


def _timeline_file(path: Path) -> Path:
    """``path`` itself, or the one ``*.timeline.json`` inside a folder of make's outputs."""
    if path.is_file():
        return path
    found = sorted(path.glob("*.timeline.json"))
    if len(found) != 1:
        raise InputError(
            f"{path} holds {len(found)} *.timeline.json files (name one)", code="invalid_timeline"
        )
    return found[0]


def load_timeline(argument: str, ctx: CliContext, revision: int | None) -> Timeline:
    """A timeline JSON file (or a folder holding one), else the rendered timeline of the job with that id."""
    path = Path(argument).expanduser()
    if path.exists():
        return read_timeline_json(_timeline_file(path))
    with ctx.db.sessions() as session:
        timeline, _number = rendered_timeline(session, argument, revision)
    return timeline


def parse_relink(pairs: list[str]) -> dict[str, str]:
    """``OLD=NEW`` path prefixes as a mapping (InputError for anything else)."""
    relink: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old or not new:
            raise InputError(f"--relink wants OLD=NEW path prefixes, not {pair!r}", code="bad_relink")
        relink[old] = new
    return relink


def export_command(
    source: Annotated[
        str, typer.Argument(help="A timeline JSON file (or make's output folder), or a job id.")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The file to write; with --bundle, the project folder.")
    ],
    formats: Annotated[list[str], typer.Option("--format", "-f", help=FORMAT_HELP)],
    bundle: Annotated[
        bool,
        typer.Option("--bundle", help="Copy (hard-link) the used media into the folder; relative paths."),
    ] = False,
    relink: Annotated[
        list[str] | None, typer.Option("--relink", help="OLD=NEW: write media under NEW instead of OLD.")
    ] = None,
    revision: Annotated[
        int | None, typer.Option("--revision", min=1, help="Job revision (default: newest rendered).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was written as JSON.")] = False,
) -> None:
    """Export a cut for Premiere, Resolve, Avid, Final Cut, Kdenlive or Shotcut (docs/nle-export.md)."""
    ctx = CliContext()
    try:
        timeline = load_timeline(source, ctx, revision)
        chosen = "all" if "all" in formats else formats
        result = export_timeline(
            timeline,
            out,
            chosen,
            bundle=bundle,
            relink=parse_relink(relink or []),
            options=ctx.settings.render,
        )
    except MontageError as exc:
        fail(exc, as_json=as_json)
    if as_json:
        files = {name: str(path) for name, path in result.paths.items()}
        print(json.dumps({"files": files, "folder": str(result.folder), "media": result.media}, indent=2))
        return
    for name, path in result.paths.items():
        console.print(f"  {FORMATS[name].label:34} {path}")
    console.print(f"  {'cards, subtitles, relink.csv':34} {result.folder}")
