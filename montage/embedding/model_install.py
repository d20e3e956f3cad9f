"""Install CLIP weights where montage looks for them: fetched, checksummed, load-checked, then renamed in.

The order makes a half-finished install harmless: the bytes go to a hidden temporary file in the destination
folder (:mod:`montage.embedding.model_fetch`), the SHA-256 is compared, the file is loaded into the
configured open_clip architecture through the same code as indexing (and one image and one text are
embedded), and only then is it renamed onto the name :func:`~montage.embedding.clip_weights.
resolve_clip_weights` looks up. Anything failing deletes the temporary file and the folders the install
created.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from montage.embedding.clip_weights import (
    clip_availability,
    clip_weights_destination,
    is_safetensors,
    resolve_clip_weights,
)
from montage.embedding.hub_cache import point_main_at
from montage.embedding.model_fetch import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT_SECONDS,
    PARTIAL_PREFIX,
    ModelInstallError,
    check_sha256,
    fetch,
)
from montage.errors import ModelUnavailableError
from montage.options.embedding import EmbeddingOptions

LoadCheck = Callable[[EmbeddingOptions, Path], None]


@dataclass(frozen=True)
class InstalledFile:
    """A model file put in place: where, its SHA-256 and size, and the model id vectors will carry."""

    path: Path
    sha256: str
    size: int
    model_id: str


def check_clip_loads(options: EmbeddingOptions, checkpoint: Path) -> None:
    """Load ``checkpoint`` into the architecture of ``options`` and embed one image and one text.

    Raises :class:`ModelInstallError` when open_clip refuses the file or the vectors are not finite.
    """
    import numpy as np
    from PIL import Image

    from montage.embedding.clip_encoder import load_clip_encoder

    trial = options.model_copy(update={"clip_pretrained": str(checkpoint)})
    try:
        encoder = load_clip_encoder(trial)
        vectors = np.concatenate(
            [
                encoder.embed_images([Image.new("RGB", (64, 64), (90, 120, 200))]),
                encoder.embed_texts(["a boat"]),
            ]
        )
    except ModelUnavailableError as exc:
        raise ModelInstallError(
            f"the file is not a usable CLIP {options.clip_model} checkpoint: {exc.message}"
        ) from exc
    if vectors.shape[0] != 2 or not np.isfinite(vectors).all():
        raise ModelInstallError(f"the file loads as CLIP {options.clip_model} but gives no finite embeddings")


def missing_folders(folder: Path) -> list[Path]:
    """``folder`` and its ancestors that do not exist yet, deepest first (to remove after a failure)."""
    missing = []
    current = folder.absolute()
    while not current.exists():
        missing.append(current)
        current = current.parent
    return missing


def remove_empty(folders: list[Path]) -> None:
    """Remove each folder of ``folders`` (deepest first) that is empty; stop at the first that is not."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def _matching_format(partial: Path, destination: Path) -> None:
    """open_clip picks its loader by the file name: refuse a checkpoint path whose suffix lies."""
    if destination.suffix == ".safetensors" and not is_safetensors(partial):
        raise ModelInstallError(
            f"{destination} ends in .safetensors but the file is not in safetensors format; set "
            "MONTAGE_EMBEDDING__CLIP_PRETRAINED to a path ending in .pt"
        )
    if destination.suffix != ".safetensors" and is_safetensors(partial):
        raise ModelInstallError(
            f"the file is in safetensors format but {destination} does not end in .safetensors; set "
            "MONTAGE_EMBEDDING__CLIP_PRETRAINED to a path ending in .safetensors"
        )


def install_clip_weights(
    source: str,
    options: EmbeddingOptions,
    *,
    sha256: str | None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    load_check: LoadCheck = check_clip_loads,
) -> InstalledFile:
    """Install the checkpoint at ``source`` (http(s) URL or file) for the CLIP model ``options`` name.

    ``sha256`` is required for URLs (the caller enforces it). Raises :class:`ModelInstallError` or
    :class:`ModelUnavailableError`; on any failure nothing is left where montage looks.
    """
    destination = clip_weights_destination(options, safetensors=True)
    created = missing_folders(destination.parent)
    partial: Path | None = None
    try:
        fetched = fetch(source, destination.parent, destination.name, max_bytes=max_bytes, timeout=timeout)
        partial = fetched.path
        check_sha256(fetched, sha256, source)
        destination = clip_weights_destination(options, safetensors=is_safetensors(partial))
        _matching_format(partial, destination)
        if not partial.name.endswith(destination.name):
            renamed = partial.with_name(f"{PARTIAL_PREFIX}{fetched.sha256[:12]}-{destination.name}")
            os.replace(partial, renamed)
            partial = renamed
        load_check(options, partial)
        os.replace(partial, destination)
        partial = None
        if destination.parent.parent.name == "snapshots":
            point_main_at(destination.parent)
    except BaseException:
        if partial is not None:
            partial.unlink(missing_ok=True)
        remove_empty(created)
        raise
    availability = clip_availability(options)
    if not availability.available:  # the destination and the lookup disagree: a bug, said plainly
        raise ModelInstallError(
            f"installed {destination} but montage does not find it: {availability.reason}"
        )
    return InstalledFile(destination, fetched.sha256, fetched.size, resolve_clip_weights(options).model_id)
