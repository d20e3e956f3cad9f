"""Find CLIP weights on this machine — fast, without torch and without the network.

``clip_availability`` answers in milliseconds (plus one hash of a local checkpoint file, cached per process),
so health checks and the CLI can say up front whether the visual channel will work. Offline, open_clip would
retry a hub download for most of a minute before failing; montage never lets it try: weights are looked up
in the caches here and handed to open_clip as a file path.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

from montage.embedding.file_fingerprint import file_fingerprint
from montage.embedding.hub_cache import cached_hub_file, hub_cache_dir, hub_snapshot_dir, url_cache_dir
from montage.embedding.open_clip_tags import (
    PretrainedSource,
    clean_tag,
    known_tags,
    open_clip_package_dir,
    pretrained_source,
)
from montage.errors import ModelUnavailableError
from montage.options.embedding import EmbeddingOptions

_HF_WEIGHTS_NAME = "open_clip_pytorch_model.bin"
_HF_SAFE_WEIGHTS_NAME = "open_clip_model.safetensors"
_CHECKPOINT_SUFFIXES = {".pt", ".pth", ".bin", ".safetensors", ".ckpt", ".npz"}
CLIP_INSTALL_HINT = (
    "install them with `montage models install <url-or-file> --sha256 <hex>` (see `montage models list`)"
)
"""The command a missing-weights message points to (docs/models.md)."""


@dataclass(frozen=True)
class ClipAvailability:
    """Whether the configured CLIP model can be loaded here; ``reason`` says why not."""

    available: bool
    reason: str
    model_id: str


@dataclass(frozen=True)
class ClipWeights:
    """A CLIP architecture and the local checkpoint file to load into it."""

    architecture: str
    config_file: Path | None
    checkpoint: Path
    pretrained_tag: str | None
    quick_gelu: bool
    model_id: str


def is_checkpoint_path(value: str) -> bool:
    """Whether a ``clip_pretrained`` value names a checkpoint file (rather than an open_clip tag)."""
    return (
        "/" in value or "\\" in value or value.startswith("~") or Path(value).suffix in _CHECKPOINT_SUFFIXES
    )


def _architecture(options: EmbeddingOptions) -> tuple[str, Path | None]:
    """The open_clip model name and, for a custom model, its config JSON file."""
    if options.clip_model.endswith(".json"):
        config = Path(options.clip_model).expanduser()
        if not config.is_file():
            raise ModelUnavailableError(f"CLIP model config file {config} does not exist")
        return config.stem, config
    package = open_clip_package_dir()
    if package is None:
        raise ModelUnavailableError("open_clip is not installed (pip install open_clip_torch)")
    if not (package / "model_configs" / f"{options.clip_model}.json").is_file():
        raise ModelUnavailableError(
            f"open_clip has no model named {options.clip_model!r}; use one of its architectures "
            "(e.g. ViT-B-32) or the path of a model config JSON"
        )
    return options.clip_model, None


def _hub_filenames(filename: str) -> list[str]:
    """The file names open_clip would fetch for a hub entry, safetensors first (as open_clip prefers)."""
    name = filename or _HF_WEIGHTS_NAME
    if name == _HF_WEIGHTS_NAME:
        return [_HF_SAFE_WEIGHTS_NAME, name]
    if name.endswith((".bin", ".pth")):
        return [name[:-4] + ".safetensors", name]
    return [name]


def _cached_weights(source: PretrainedSource, options: EmbeddingOptions) -> tuple[Path | None, list[str]]:
    """The cached weights file of a pretrained tag, and the places looked at."""
    looked: list[str] = []
    if source.hf_repo:
        cache = hub_cache_dir(options.hf_cache_dir)
        for filename in _hub_filenames(source.hf_filename):
            found = cached_hub_file(cache, source.hf_repo, filename)
            if found is not None:
                return found, looked
        looked.append(f"{source.hf_repo} in {cache}")
    if source.url:
        candidate = url_cache_dir(options.hf_cache_dir) / posixpath.basename(source.url)
        if candidate.is_file():
            return candidate, looked
        looked.append(str(candidate))
    return None, looked


def resolve_clip_weights(options: EmbeddingOptions) -> ClipWeights:
    """The architecture and local checkpoint the options name. Raises ModelUnavailableError plainly."""
    if not options.clip_enabled:
        raise ModelUnavailableError("CLIP is disabled by configuration (clip_enabled = false)")
    architecture, config_file = _architecture(options)
    pretrained = options.clip_pretrained
    if is_checkpoint_path(pretrained):
        checkpoint = Path(pretrained).expanduser()
        if not checkpoint.is_file():
            raise ModelUnavailableError(
                f"CLIP checkpoint file {checkpoint} does not exist; {CLIP_INSTALL_HINT}"
            )
        model_id = f"open_clip/{architecture}/file:{file_fingerprint(checkpoint)}"
        return ClipWeights(architecture, config_file, checkpoint, None, False, model_id)
    if config_file is not None:
        raise ModelUnavailableError(
            f"a custom CLIP model config ({config_file.name}) needs a checkpoint file path, "
            f"not the tag {pretrained!r}"
        )
    source = pretrained_source(architecture, pretrained)
    if source is None:
        tags = ", ".join(known_tags(architecture)) or "none"
        raise ModelUnavailableError(
            f"open_clip knows no pretrained tag {pretrained!r} for {architecture} (known: {tags})"
        )
    checkpoint_or_none, looked = _cached_weights(source, options)
    if checkpoint_or_none is None:
        raise ModelUnavailableError(
            f"CLIP weights {architecture}/{pretrained} are not on this machine (looked for "
            f"{'; '.join(looked)}); montage does not download models on its own: {CLIP_INSTALL_HINT}, "
            "or set MONTAGE_EMBEDDING__CLIP_PRETRAINED to a checkpoint file"
        )
    tag = clean_tag(pretrained)
    return ClipWeights(
        architecture, None, checkpoint_or_none, tag, source.quick_gelu, f"open_clip/{architecture}/{tag}"
    )


def clip_model_id(options: EmbeddingOptions) -> str:
    """The model id CLIP vectors would carry with these options (best effort when weights are absent)."""
    pretrained = options.clip_pretrained
    architecture = (
        Path(options.clip_model).stem if options.clip_model.endswith(".json") else options.clip_model
    )
    if is_checkpoint_path(pretrained):
        checkpoint = Path(pretrained).expanduser()
        suffix = file_fingerprint(checkpoint) if checkpoint.is_file() else "missing"
        return f"open_clip/{architecture}/file:{suffix}"
    return f"open_clip/{architecture}/{clean_tag(pretrained)}"


def clip_availability(options: EmbeddingOptions) -> ClipAvailability:
    """Whether CLIP can be loaded with these options, checked on disk only (no torch, no network)."""
    try:
        weights = resolve_clip_weights(options)
    except ModelUnavailableError as exc:
        return ClipAvailability(available=False, reason=exc.message, model_id=clip_model_id(options))
    return ClipAvailability(available=True, reason="", model_id=weights.model_id)


def is_safetensors(path: Path) -> bool:
    """Whether ``path`` starts like a safetensors file (a little-endian header length, then a JSON object)."""
    with open(path, "rb") as handle:
        head = handle.read(9)
    if len(head) < 9 or head[8:9] != b"{":
        return False
    header_length = int.from_bytes(head[:8], "little")
    return 0 < header_length < path.stat().st_size


def clip_weights_destination(options: EmbeddingOptions, *, safetensors: bool) -> Path:
    """Where a checkpoint for the configured CLIP model must be put so :func:`resolve_clip_weights` finds it.

    A checkpoint path setting → that path. A pretrained tag → the Hugging Face cache layout open_clip uses
    (``models--ORG--NAME/snapshots/<refs/main or montage-installed>/<file>``, safetensors or pickle name by
    ``safetensors``), or for tags with only a URL the open_clip URL cache. Raises ModelUnavailableError when
    the options name no model that weights could be installed for.
    """
    if not options.clip_enabled:
        raise ModelUnavailableError("CLIP is disabled by configuration (clip_enabled = false)")
    architecture, config_file = _architecture(options)
    pretrained = options.clip_pretrained
    if is_checkpoint_path(pretrained):
        return Path(pretrained).expanduser().absolute()
    if config_file is not None:
        raise ModelUnavailableError(
            f"a custom CLIP model config ({config_file.name}) loads its weights from a checkpoint file: set "
            "MONTAGE_EMBEDDING__CLIP_PRETRAINED to the path the checkpoint should be installed at"
        )
    source = pretrained_source(architecture, pretrained)
    if source is None:
        tags = ", ".join(known_tags(architecture)) or "none"
        raise ModelUnavailableError(
            f"open_clip knows no pretrained tag {pretrained!r} for {architecture} (known: {tags})"
        )
    if source.hf_repo:
        safe_name, *pickle_names = _hub_filenames(source.hf_filename)
        filename = safe_name if safetensors or not pickle_names else pickle_names[0]
        return hub_snapshot_dir(hub_cache_dir(options.hf_cache_dir), source.hf_repo) / filename
    return url_cache_dir(options.hf_cache_dir) / posixpath.basename(source.url)
