"""`montage index` and `montage search`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.cli.context import CliContext, console, fail
from api.cli.rich_progress import RichProgress
from api.cli.termination import TERMINATED_EXIT_CODE, Terminated, sigterm_raises
from montage.errors import MontageError
from montage.retrieval.shot_search import search_shots


def index_command(
    paths: Annotated[list[Path], typer.Argument(help="Video files or folders to index.")],
    manifest: Annotated[
        list[Path] | None, typer.Option("--manifest", "-m", help="Manifest CSV/JSON.")
    ] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Re-analyse unchanged files too, regroup near-duplicates and build the vector indexes anew.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    queue: Annotated[
        bool,
        typer.Option(
            "--queue",
            help="Start a re-index job on the service's queue instead (scale-out: `montage worker` "
            "processes analyse the files); prints the job id.",
        ),
    ] = False,
    wait: Annotated[
        bool,
        typer.Option(
            "--wait", help="With --queue: follow the job until it ends (exit 1 unless it succeeds)."
        ),
    ] = False,
) -> None:
    """Index footage: new, changed and deleted files are handled; unchanged files are skipped.

    SIGTERM (or Ctrl-C) stops the run and its worker processes; files finished by then stay indexed and
    the same command run again resumes with the rest.
    """
    ctx = CliContext()
    if queue:
        from api.cli.queued_index import follow_job, submit_reindex

        job_id = submit_reindex(ctx, list(paths), list(manifest or []), full)
        if not wait:
            print(json.dumps({"id": job_id}) if as_json else job_id)
            return
        console.print(f"re-index job {job_id}")
        follow_job(ctx, job_id, as_json=as_json)
        return
    if wait:
        console.print("[red]--wait needs --queue[/]")
        raise typer.Exit(2)
    # Imported here: the indexer stack (PyAV, OpenCV, PySceneDetect) takes ~0.4 s to load, which
    # `montage make` and the other commands sharing this CLI should not pay.
    from indexer.runner import IndexRequest, run_index

    try:
        with sigterm_raises(), RichProgress() as progress:
            report = run_index(
                ctx.settings,
                ctx.db,
                ctx.channels,
                IndexRequest(list(paths), list(manifest or []), full),
                progress,
            )
    except MontageError as exc:
        fail(exc, as_json=as_json)
    except Terminated:
        console.print(
            "[yellow]stopped by SIGTERM[/]: finished files are stored; run the same command to resume"
        )
        raise typer.Exit(TERMINATED_EXIT_CODE) from None
    if as_json:
        print(json.dumps(report.to_json(), indent=2, default=str))
        return
    console.print(
        f"indexed {report.indexed}, unchanged {report.unchanged}, text refreshed {report.text_refreshed}, "
        f"deleted {report.deleted}, failed {len(report.failed)}; {report.shots_written} shots; "
        f"{report.media_seconds:.1f} s of footage in {report.seconds:.1f} s "
        f"({report.realtime_factor:.1f}x realtime)"
    )
    for failure in report.failed:
        console.print(f"[red]failed[/] {failure['path']}: {failure['code']}: {failure['message']}")
    for refused in report.refused:
        console.print(f"[yellow]refused[/] {refused['path']}: {refused['reason']}")
    for problem in report.manifest_problems:
        console.print(f"[yellow]manifest[/] {problem}")
    for sync in report.channels:
        console.print(
            f"{sync.channel} channel: {sync.vectors} vectors, model {sync.model_id}; index {sync.update}"
            + (f" (+{sync.added} −{sync.removed})" if sync.update == "incremental" else "")
        )
    if report.visual_channel != "available":
        console.print(f"[yellow]visual channel {report.visual_channel}[/]")


def search_command(
    query: Annotated[str, typer.Argument(help="What the shot should show.")],
    k: Annotated[int, typer.Option("--k", "-k", min=1, max=1000, help="Number of results.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list hits below the relevance floor (marked).")
    ] = False,
) -> None:
    """Search the library by meaning; shows each hit's score parts (only hits that clear the relevance
    floor unless --all)."""
    ctx = CliContext()
    try:
        hits = search_shots(
            ctx.db.sessions,
            ctx.channels,
            query,
            k=k,
            index_dir=ctx.settings.index_dir,
            settings=ctx.settings.search,
            weights=ctx.settings.relevance,
            only_relevant=not show_all,
        )
    except MontageError as exc:
        fail(exc, as_json=as_json)
    if as_json:
        print(json.dumps([hit.to_json() for hit in hits], indent=2, ensure_ascii=False))
        return
    if not hits:
        console.print("no shot clears the relevance floor for this query (--all lists the best anyway)")
        return
    table = Table("#", "score", "text", "visual", "path", "start–end", "title")
    for rank, hit in enumerate(hits, 1):
        visual = hit.scores.get("visual")
        table.add_row(
            str(rank),
            f"{hit.score:.3f}" + ("" if hit.relevant else " (below floor)"),
            f"{hit.scores.get('text') or 0:.3f}",
            "n/a" if visual is None else f"{visual:.3f}",
            hit.path,
            f"{hit.start:.2f}–{hit.end:.2f}",
            hit.title[:40],
        )
    console.print(table)
