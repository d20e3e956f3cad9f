"""`montage demo`: build the demo library, index it and search it (the README's main job)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli.context import CliContext, console, fail
from api.cli.rich_progress import RichProgress
from api.demo.library import build_demo_library
from montage.errors import MontageError
from montage.pipeline.make import make_video
from montage.pipeline.types import MakeRequest
from montage.retrieval.shot_search import search_shots
from montage.timeline.model import Segment

DEMO_MAX_SHOT_S = 4.0
FILLS_WITH_SHOT = ("relevant", "named", "held", "broll", "editor")
SAMPLE_ARTICLE = Path(__file__).resolve().parents[1] / "demo" / "sample_article.md"

DEMO_QUERIES = (
    "people riding bicycles in the city",
    "a cartoon rabbit in a green meadow",
    "a man on the phone while driving",
    "cells growing under a microscope",
)


def cut_figures(segments: Sequence[Segment]) -> dict[str, Any]:
    """How the demo cut was filled: segments per kind of fill, the share of title cards, and how many shots
    were shown without clearing the relevance floor (by construction none: the planner never does)."""
    fills = Counter(segment.fill for segment in segments)
    return {
        "segments": len(segments),
        "fills": dict(sorted(fills.items())),
        "card_share": round(fills.get("card", 0) / len(segments), 3) if segments else 0.0,
        "shots_below_floor": sum(
            1 for segment in segments if segment.shot is not None and segment.fill not in FILLS_WITH_SHOT
        ),
    }


def demo_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """Build the demo footage library in the data directory, index it and run sample searches."""
    # Imported here: the indexer stack (PyAV, OpenCV, PySceneDetect) takes ~0.4 s to load, which the
    # other commands sharing this CLI should not pay.
    from indexer.runner import IndexRequest, run_index

    ctx = CliContext()
    # Short sub-shots give the small demo library enough distinct shots for a whole video.
    ctx.settings.index.max_shot_s = min(ctx.settings.index.max_shot_s, DEMO_MAX_SHOT_S)
    try:
        folder, manifest = build_demo_library(ctx.settings.data_dir / "demo-library")
        console.print(f"demo library: {folder}")
        with RichProgress() as progress:
            report = run_index(
                ctx.settings, ctx.db, ctx.channels, IndexRequest([folder], [manifest]), progress
            )
        console.print(
            f"indexed {report.indexed} files ({report.unchanged} unchanged), {report.shots_written} shots, "
            f"{report.realtime_factor:.1f}x realtime; visual channel {report.visual_channel}"
        )
        results = {}
        for query in DEMO_QUERIES:
            hits = search_shots(
                ctx.db.sessions,
                ctx.channels,
                query,
                k=3,
                index_dir=ctx.settings.index_dir,
                settings=ctx.settings.search,
                weights=ctx.settings.relevance,
                only_relevant=True,
            )
            results[query] = [hit.to_json() for hit in hits]
            console.print(f"[bold]{query}[/]")
            for hit in hits:
                console.print(f"  {hit.score:.3f}  {hit.path} {hit.start:.1f}–{hit.end:.1f}s  {hit.title}")
        out_dir = ctx.settings.artifact_dir / "demo"
        console.print(f"[bold]making a video from {SAMPLE_ARTICLE.name}[/]")
        made = make_video(
            MakeRequest(article=str(SAMPLE_ARTICLE), kind="file", duration_s=60, burn_subtitles=True),
            settings=ctx.settings,
            db=ctx.db,
            channels=ctx.channels,
            out_dir=out_dir,
            name="demo",
            progress=None,
        )
    except MontageError as exc:
        fail(exc, as_json=as_json)
    cut = cut_figures(made.timeline.segments)
    console.print(
        f"video: {made.outputs.video} ({made.timeline.duration_s:.1f} s, {cut['segments']} segments); "
        f"timeline: {made.outputs.timeline}"
    )
    console.print(
        f"cut: {cut['fills']} — title cards {cut['card_share']:.0%} of segments; every shot on screen "
        f"clears the relevance floor for its sentence or the story ({cut['shots_below_floor']} do not)"
    )
    if as_json:
        print(
            json.dumps(
                {
                    "index": report.to_json(),
                    "searches": results,
                    "video": {k: (str(v) if v else None) for k, v in vars(made.outputs).items()},
                    "warnings": made.warnings,
                    "stage_seconds": made.stage_seconds,
                    "cut": cut,
                },
                indent=2,
                default=str,
            )
        )
