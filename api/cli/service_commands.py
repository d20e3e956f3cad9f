"""`montage serve`, `montage worker` and `montage keys ...`: run the REST service and manage its API keys."""

from __future__ import annotations

import json
import logging
from typing import Annotated

import typer

from api.cli.context import console, fail
from api.service.settings import ServiceSettings
from montage.config import get_settings
from montage.db.database import open_database
from montage.db.session import transaction
from montage.errors import MontageError

keys_app = typer.Typer(help="Manage API keys of the REST service.", no_args_is_help=True)


def serve_command(
    host: Annotated[str | None, typer.Option("--host", help="Address (MONTAGE_SERVICE_HOST).")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port (MONTAGE_SERVICE_PORT).")] = None,
) -> None:
    """Run the REST API and editor UI; in the default embedded mode it runs jobs in-process too."""
    import uvicorn

    from api.service.app import create_app
    from api.service.json_logging import configure_json_logging

    service = ServiceSettings()
    if service.log_json:
        configure_json_logging(logging.INFO)
    app = create_app(get_settings(), service)
    uvicorn.run(
        app,
        host=host or service.host,
        port=port or service.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
    )


def worker_command(
    threads: Annotated[int | None, typer.Option("--threads", min=1, help="Jobs run at once.")] = None,
    index_threads: Annotated[
        int | None,
        typer.Option("--index-threads", min=0, help="Files analysed at once for a re-index over the queue."),
    ] = None,
) -> None:
    """Run jobs, and the per-file tasks of re-indexes, from the Redis queue (Dramatiq) until stopped with
    SIGTERM or Ctrl-C."""
    from api.jobs.dramatiq_worker import run_worker
    from api.service.json_logging import configure_json_logging

    service = ServiceSettings()
    if threads is not None:
        service = service.model_copy(update={"worker_threads": threads})
    if index_threads is not None:
        service = service.model_copy(update={"index_threads": index_threads})
    if service.log_json:
        configure_json_logging(logging.INFO)
    run_worker(get_settings(), service)


@keys_app.command("create")
def keys_create(
    scope: Annotated[list[str], typer.Option("--scope", help="submit, edit or admin; repeat for several.")],
    name: Annotated[str, typer.Option("--name", help="Who or what the key is for.")] = "",
    team: Annotated[
        str | None, typer.Option("--team", help="A team: its keys share their jobs (default: none).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Make an API key. It is printed once and only its hash is stored."""
    from api.service.api_keys import create_api_key

    db = open_database(get_settings())
    try:
        with transaction(db.sessions) as session:
            row, token = create_api_key(session, scope, name=name, team=team)
    except MontageError as exc:
        fail(exc, as_json=as_json)
    if as_json:
        print(
            json.dumps(
                {"key": token, "prefix": row.prefix, "scopes": row.scopes, "name": row.name, "team": row.team}
            )
        )
        return
    console.print(f"API key (shown once; scopes: {', '.join(row.scopes)}):")
    print(token)


@keys_app.command("list")
def keys_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List keys by prefix, with scopes and use; the keys themselves are never stored."""
    from api.service.api_keys import list_api_keys

    db = open_database(get_settings())
    with db.sessions() as session:
        rows = [
            {
                "prefix": row.prefix,
                "name": row.name,
                "scopes": row.scopes,
                "team": row.team,
                "created_at": str(row.created_at),
                "last_used_at": str(row.last_used_at) if row.last_used_at else None,
                "revoked": row.revoked_at is not None,
            }
            for row in list_api_keys(session)
        ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    for item in rows:
        state = "revoked" if item["revoked"] else "active"
        scopes = ",".join(item["scopes"])  # type: ignore[arg-type]
        console.print(f"{item['prefix']}  {state:8} {scopes}  {item['team'] or '-'}  {item['name']}")


@keys_app.command("revoke")
def keys_revoke(prefix: Annotated[str, typer.Argument(help="The key prefix (`montage keys list`).")]) -> None:
    """Revoke a key at once."""
    from api.service.api_keys import revoke_api_key

    db = open_database(get_settings())
    with transaction(db.sessions) as session:
        found = revoke_api_key(session, prefix)
    if not found:
        console.print(f"[red]no key with prefix {prefix}[/]")
        raise typer.Exit(1)
    console.print(f"revoked {prefix}")
