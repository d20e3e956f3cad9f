"""The `montage` command line: one Typer app; `api` is the composition root that wires the stages."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.context import configure_logging
from api.cli.db_commands import db_app
from api.cli.demo_command import demo_command
from api.cli.doctor_command import doctor_command
from api.cli.export_command import export_command
from api.cli.index_commands import index_command, search_command
from api.cli.library_commands import library_app
from api.cli.make_command import make_command
from api.cli.models_command import models_app
from api.cli.service_commands import keys_app, serve_command, worker_command
from api.cli.voices_command import voices_command

app = typer.Typer(
    help="montage: articles in, narrated videos cut from real footage out.", no_args_is_help=True
)
app.command("index")(index_command)
app.command("search")(search_command)
app.command("doctor")(doctor_command)
app.command("demo")(demo_command)
app.command("make")(make_command)
app.command("export")(export_command)
app.command("voices")(voices_command)
app.add_typer(library_app, name="library")
app.command("serve")(serve_command)
app.command("worker")(worker_command)
app.add_typer(keys_app, name="keys")
app.add_typer(db_app, name="db")
app.add_typer(models_app, name="models")


@app.callback()
def _root(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug output.")] = False,
) -> None:
    configure_logging(verbose)


def main() -> None:
    """Console-script entry point."""
    app()
