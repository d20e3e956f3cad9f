"""`montage make ARTICLE|URL -o OUT.mp4`: the whole pipeline from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from api.cli.context import CliContext, console, fail
from montage.errors import InputError, MontageError
from montage.pipeline.make import make_video
from montage.pipeline.types import STAGES, MakeRequest
from montage.pipeline.warm_up import start_warm_up

ASPECTS = ("16:9", "9:16", "1:1")


def request_from_argument(article: str, **options: object) -> MakeRequest:
    """An existing file is read as a file, an http(s) URL fetched, anything else refused as unclear."""
    if article.startswith(("http://", "https://")):
        return MakeRequest(article=article, kind="url", **options)  # type: ignore[arg-type]
    path = Path(article).expanduser()
    if path.is_file():
        return MakeRequest(article=str(path.resolve()), kind="file", **options)  # type: ignore[arg-type]
    if article == "-":
        import sys

        return MakeRequest(article=sys.stdin.read(), kind="auto", **options)  # type: ignore[arg-type]
    raise InputError(
        f"not a file or an http(s) URL: {article!r} (use '-' to read the article from stdin)",
        code="article_not_found",
    )


def make_command(
    article: Annotated[str, typer.Argument(help="Article file (text, Markdown, HTML), http(s) URL, or '-'.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Output MP4; SRT, VTT, timeline and OTIO go beside it.")
    ] = Path("montage.mp4"),
    duration: Annotated[
        float | None, typer.Option("--duration", min=5, max=3600, help="Target seconds.")
    ] = None,
    words: Annotated[
        int | None, typer.Option("--words", min=10, help="Target words (instead of seconds).")
    ] = None,
    aspect: Annotated[str, typer.Option("--aspect", help="16:9, 9:16 or 1:1.")] = "16:9",
    voice: Annotated[str | None, typer.Option("--voice", help="Voice id (see `montage voices`).")] = None,
    music: Annotated[
        Path | None, typer.Option("--music", help="Background music, ducked under speech.")
    ] = None,
    burn_subtitles: Annotated[
        bool, typer.Option("--burn-subtitles", help="Draw subtitles into the picture.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Stop after the timeline (no render).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Turn an article into a narrated video cut from the indexed footage."""
    ctx = CliContext()
    if aspect not in ASPECTS:
        fail(
            InputError(f"aspect must be one of {', '.join(ASPECTS)}", code="invalid_aspect"), as_json=as_json
        )
    aspect_value: Literal["16:9", "9:16", "1:1"] = aspect  # type: ignore[assignment]
    out = out.expanduser().resolve()
    try:
        request = request_from_argument(
            article,
            duration_s=duration,
            words=words,
            aspect=aspect_value,
            voice=voice,
            music_path=music.expanduser().resolve() if music else None,
            burn_subtitles=burn_subtitles,
            dry_run=dry_run,
        )
        bars = Progress(
            TextColumn("{task.description:>10}"), BarColumn(), TimeElapsedColumn(), console=console
        )
        tasks: dict[str, TaskID] = {}
        with bars:
            for stage in STAGES:
                if not (dry_run and stage == "render"):
                    tasks[stage] = bars.add_task(stage, total=1.0)

            def report(stage: str, fraction: float) -> None:
                if stage in tasks:
                    bars.update(tasks[stage], completed=fraction)

            warming = start_warm_up()  # overlaps with loading the text model
            channels = ctx.channels
            warming.join()
            result = make_video(
                request,
                settings=ctx.settings,
                db=ctx.db,
                channels=channels,
                out_dir=out.parent,
                name=out.stem,
                progress=report,
            )
    except MontageError as exc:
        fail(exc, as_json=as_json)
    outputs = result.outputs
    if as_json:
        print(
            json.dumps(
                {
                    "outputs": {k: (str(v) if v else None) for k, v in vars(outputs).items()},
                    "warnings": result.warnings,
                    "stage_seconds": result.stage_seconds,
                    "segments": len(result.timeline.segments),
                    "duration_s": result.timeline.duration_s,
                },
                indent=2,
            )
        )
        return
    for warning in result.warnings:
        console.print(f"[yellow]warning[/] {warning}")
    segments = result.timeline.segments
    fallbacks = sum(1 for s in segments if s.fallback)
    console.print(
        f"{len(segments)} segments ({fallbacks} title cards), {result.timeline.duration_s:.1f} s; "
        f"stages: {result.stage_seconds}"
    )
    for label, path in vars(outputs).items():
        if path is not None:
            console.print(f"  {label:9} {path}")
