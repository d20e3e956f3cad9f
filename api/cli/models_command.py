"""`montage models`: which models each channel uses, installing CLIP weights, bundles for offline machines."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.context import CliContext, console, fail
from montage.embedding.model_fetch import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_SECONDS, is_url
from montage.embedding.model_inventory import model_statuses
from montage.errors import MontageError

if TYPE_CHECKING:
    from montage.embedding.model_install import InstalledFile
    from montage.embedding.text_model_install import InstalledFolder
from montage.options.embedding import EmbeddingOptions
from montage.speech.registry import list_voices

models_app = typer.Typer(
    help="The models each channel uses: list them, install CLIP weights, move them between machines.",
    invoke_without_command=True,
)


@models_app.callback()
def _default(ctx: typer.Context) -> None:
    """With no sub-command, `montage models` lists the models."""
    if ctx.invoked_subcommand is None:
        list_command(as_json=False)


@models_app.command("list")
def list_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show the text encoder, the CLIP model and the TTS engines: present or not, and where."""
    settings = CliContext().settings
    models = [asdict(status) for status in model_statuses(settings.embedding)]
    speech = [
        {
            "engine": entry.engine,
            "selected": entry.engine == settings.speech.engine,
            "available": entry.availability.available,
            "detail": entry.availability.reason,
            "voices": len(entry.voices),
        }
        for entry in list_voices(settings.speech)
    ]
    if as_json:
        print(json.dumps({"models": models, "speech": speech}, indent=2, ensure_ascii=False))
        return
    for row in models:
        state = "[green]present[/]" if row["present"] else "[yellow]missing[/]"
        console.print(f"[bold]{row['channel']}[/] {row['model']}: {state}")
        console.print(f"    {row['location'] or row['detail']}")
        if row["present"]:
            console.print(f"    model id {row['detail']}")
    for engine in speech:
        state = "[green]usable[/]" if engine["available"] else "[yellow]not usable[/]"
        chosen = " (selected)" if engine["selected"] else ""
        voices = f"{engine['voices']} voice" + ("" if engine["voices"] == 1 else "s")
        console.print(f"[bold]speech[/] {engine['engine']}{chosen}: {state}, {voices}")


def _clip_target(options: EmbeddingOptions, model: str | None, pretrained: str | None) -> EmbeddingOptions:
    update = {key: value for key, value in (("clip_model", model), ("clip_pretrained", pretrained)) if value}
    return options.model_copy(update=update) if update else options


@models_app.command("install")
def install_command(
    source: Annotated[
        str,
        typer.Argument(
            help="An http(s) URL or a local file: a CLIP checkpoint, or with --text a .tar/.tar.gz/.zip of a "
            "sentence-transformers model folder."
        ),
    ],
    sha256: Annotated[
        str | None, typer.Option("--sha256", help="The file's SHA-256 (hex); required for URLs.")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model", help="Install for this open_clip architecture instead of the configured one."
        ),
    ] = None,
    pretrained: Annotated[
        str | None,
        typer.Option("--pretrained", help="Install as this pretrained tag (or checkpoint path) instead."),
    ] = None,
    text: Annotated[
        bool,
        typer.Option(
            "--text", help="Install a text model (an archive of its folder) instead of CLIP weights."
        ),
    ] = False,
    text_model: Annotated[
        str | None,
        typer.Option(
            "--text-model", help="With --text: install as this hub name or folder, not the configured one."
        ),
    ] = None,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", min=1, help="Refuse a download larger than this.")
    ] = DEFAULT_MAX_BYTES,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1.0, help="Seconds each network read may wait.")
    ] = DEFAULT_TIMEOUT_SECONDS,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Install CLIP weights where montage looks: checksum and load check first, then an atomic rename."""
    from montage.embedding.model_install import install_clip_weights

    if is_url(source) and not sha256:
        console.print("[red]error[/]: a download needs --sha256 HEX (the checksum of the file you expect)")
        raise typer.Exit(2)
    settings = CliContext().settings
    if text:
        _install_text(source, settings.embedding, text_model, sha256, max_bytes, timeout, as_json)
        return
    options = _clip_target(settings.embedding, model, pretrained)
    try:
        with console.status("fetching and checking the weights"):
            installed = install_clip_weights(
                source, options, sha256=sha256, max_bytes=max_bytes, timeout=timeout
            )
    except MontageError as exc:
        fail(exc, as_json=as_json)
    _report(installed, as_json=as_json)
    if options != settings.embedding:
        console.print(
            "[yellow]note[/]: this is not the configured CLIP model; to use it set "
            f"MONTAGE_EMBEDDING__CLIP_MODEL={options.clip_model} "
            f"MONTAGE_EMBEDDING__CLIP_PRETRAINED={options.clip_pretrained}"
        )


def _report(installed: InstalledFile | InstalledFolder, *, as_json: bool) -> None:
    """Say what was installed where: one JSON object, or one line."""
    if as_json:
        print(json.dumps({**asdict(installed), "path": str(installed.path)}))
    else:
        console.print(
            f"[green]installed[/] {installed.model_id} at {installed.path} (sha256 {installed.sha256})"
        )


def _install_text(
    source: str,
    configured: EmbeddingOptions,
    text_model: str | None,
    sha256: str | None,
    max_bytes: int,
    timeout: float,
    as_json: bool,
) -> None:
    from montage.embedding.text_model_install import install_text_model

    options = configured.model_copy(update={"text_model": text_model}) if text_model else configured
    try:
        with console.status("fetching, unpacking and checking the text model"):
            installed = install_text_model(
                source, options, sha256=sha256, max_bytes=max_bytes, timeout=timeout
            )
    except MontageError as exc:
        fail(exc, as_json=as_json)
    _report(installed, as_json=as_json)
    if options.text_model != configured.text_model:
        console.print(
            "[yellow]note[/]: this is not the configured text model; to use it set "
            f"MONTAGE_EMBEDDING__TEXT_MODEL={options.text_model} (the library is then embedded again)"
        )


@models_app.command("export")
def export_command(
    bundle: Annotated[Path, typer.Argument(help="The tar file to write.")],
) -> None:
    """Write the configured models that are present into a bundle (tar + manifest with SHA-256s)."""
    from montage.embedding.model_bundle import export_bundle

    settings = CliContext().settings
    try:
        models, skipped = export_bundle(settings.embedding, bundle)
    except MontageError as exc:
        fail(exc)
    for model in models:
        files = sum(f.size for f in model.files)
        console.print(
            f"[green]exported[/] {model.channel} {model.kind} {model.details['model_id']} ({files} bytes)"
        )
    for reason in skipped:
        console.print(f"[yellow]left out[/] {reason}")
    console.print(f"wrote {bundle}")


@models_app.command("import")
def import_command(
    bundle: Annotated[Path, typer.Argument(help="A bundle written by `montage models export`.")],
) -> None:
    """Install every model of a bundle where this machine's configuration looks (checked, then renamed in)."""
    from montage.embedding.model_bundle import import_bundle

    settings = CliContext().settings
    try:
        lines = import_bundle(bundle.expanduser(), settings.embedding)
    except MontageError as exc:
        fail(exc)
    for line in lines:
        console.print(line)
