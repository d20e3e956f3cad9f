"""Build the CLIP image tower for the configured runtime: torch, or an ONNX export (float32 or int8).

An ONNX tower is exported on first use and cached on disk, one file per architecture, weights checksum and
runtime (plus the torch / ONNX Runtime / exporter versions and export format, which change what the file
holds). Before an export is used, its vectors of :func:`~montage.embedding.tower_check.check_images` are
compared with the float torch model's; the result is kept beside the file (``.json``). When the check fails,
or the export itself fails, the torch model embeds and a warning says why — on every start, without
exporting again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from montage.embedding.clip_weights import ClipWeights
from montage.embedding.file_fingerprint import file_fingerprint
from montage.embedding.image_preprocess import ImagePreprocessor
from montage.embedding.image_tower import ImageTower, TorchImageTower
from montage.embedding.onnx_export import export_image_tower, quantise_int8
from montage.embedding.onnx_image_tower import OnnxImageTower
from montage.embedding.tower_check import MIN_COSINE, TowerAgreement, check_images, tower_agreement
from montage.options.embedding import EmbeddingOptions

log = logging.getLogger(__name__)

EXPORT_FORMAT = 3
"""Bump when the exported graph or the quantisation recipe changes: old cache files are then not used."""
ROWS_PER_RUN: dict[str, int | None] = {"onnx": None, "onnx-int8": 1}
"""Images per ONNX Runtime call (see :class:`OnnxImageTower` for why int8 runs one image at a time)."""


class TowerRejected(Exception):
    """An ONNX tower cannot be used; the message says why (export error or failed check)."""


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/montage/clip-onnx``, or ``~/.cache/montage/clip-onnx``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "montage" / "clip-onnx"


def check_pixels(preprocess: Any) -> NDArray[np.float32]:
    """The check images through the model's own preprocessing, as one (N, 3, H, W) batch."""
    pixels = ImagePreprocessor(preprocess)
    return np.stack([pixels(image) for image in check_images()])


def export_path(cache_dir: Path, weights: ClipWeights, runtime: str, image_size: tuple[int, int]) -> Path:
    """Where the export of ``weights`` for ``runtime`` lives: named by model, weights checksum and runtime."""
    import onnxruntime
    import torch

    weights_sha = file_fingerprint(weights.checkpoint)
    identity = {
        "architecture": weights.architecture,
        "config": file_fingerprint(weights.config_file) if weights.config_file is not None else None,
        "weights": weights_sha,
        "quick_gelu": weights.quick_gelu,
        "image_size": list(image_size),
        "runtime": runtime,
        "torch": torch.__version__,
        "onnxruntime": onnxruntime.__version__,
        "onnx": version("onnx"),  # the exporter's versions from metadata: importing them takes ~3 s
        "onnxscript": version("onnxscript"),
        "format": EXPORT_FORMAT,
    }
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:10]
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", weights.architecture)
    return cache_dir / f"{slug}-{weights_sha}-{runtime}-{digest}.onnx"


def _record_path(model_path: Path) -> Path:
    return model_path.with_suffix(".json")


def _write_record(model_path: Path, record: dict[str, Any]) -> None:
    target = _record_path(model_path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(record, indent=2), encoding="utf-8")
    os.replace(temporary, target)


def _rejection(record: dict[str, Any]) -> str:
    return (
        f"its vectors of {record['images']} check images are not within cosine {record['threshold']} of "
        f"the float model's (lowest {record['min_cosine']:.4f}, mean {record['mean_cosine']:.4f})"
    )


def _export(model: Any, runtime: str, image_size: tuple[int, int], target: Path) -> None:
    """Write the ``runtime`` export of ``model`` to ``target`` (int8: via a temporary float export)."""
    if runtime == "onnx":
        export_image_tower(model, image_size, target)
        return
    float_copy = target.with_name(f".{target.stem}.{os.getpid()}.float.onnx")
    try:
        export_image_tower(model, image_size, float_copy)
        quantise_int8(float_copy, target)
    finally:
        float_copy.unlink(missing_ok=True)


def onnx_image_tower(
    model: Any, preprocess: Any, weights: ClipWeights, runtime: str, threads: int, cache_dir: Path
) -> OnnxImageTower:
    """The checked ONNX tower for ``runtime`` ("onnx" or "onnx-int8"), exported now unless cached.

    Raises:
        TowerRejected: the export failed, or its vectors are not within cosine :data:`MIN_COSINE` of the
            float model's on the check images (now or when it was exported).
    """
    pixels = check_pixels(preprocess)
    image_size = (int(pixels.shape[2]), int(pixels.shape[3]))
    path = export_path(cache_dir, weights, runtime, image_size)
    record_file = _record_path(path)
    if record_file.is_file():
        record = json.loads(record_file.read_text(encoding="utf-8"))
        if not record["passed"]:
            raise TowerRejected(_rejection(record) + f" (checked when exported; {record_file})")
        if path.is_file():
            try:
                return OnnxImageTower(
                    path, runtime=runtime, threads=threads, rows_per_run=ROWS_PER_RUN[runtime]
                )
            except Exception as exc:  # a damaged cache file: export it again
                log.warning("cached CLIP export %s cannot be loaded (%s); exporting again", path, exc)
    log.info(
        "exporting the CLIP image tower of %s for %s (once; cached at %s)", weights.model_id, runtime, path
    )
    started = time.perf_counter()
    try:
        _export(model, runtime, image_size, path)
        tower = OnnxImageTower(path, runtime=runtime, threads=threads, rows_per_run=ROWS_PER_RUN[runtime])
    except Exception as exc:  # the exporters raise many kinds: unsupported operators, torch.export errors...
        path.unlink(missing_ok=True)
        raise TowerRejected(f"it could not be exported: {type(exc).__name__}: {exc}") from exc
    check = tower_agreement(TorchImageTower(model, "cpu"), tower, pixels)
    record = _record(weights, runtime, check, seconds=time.perf_counter() - started)
    _write_record(path, record)
    if not record["passed"]:
        path.unlink(missing_ok=True)
        raise TowerRejected(_rejection(record))
    log.info(
        "CLIP %s tower ready in %.1f s: lowest cosine to the float model %.4f on %d check images",
        runtime,
        record["seconds"],
        check.min_cosine,
        check.images,
    )
    return tower


def _record(weights: ClipWeights, runtime: str, check: TowerAgreement, *, seconds: float) -> dict[str, Any]:
    return {
        "model_id": weights.model_id,
        "checkpoint": str(weights.checkpoint),
        "runtime": runtime,
        "passed": check.passes(MIN_COSINE),
        "threshold": MIN_COSINE,
        **check.to_json(),
        "seconds": round(seconds, 1),
    }


def build_image_tower(
    model: Any, preprocess: Any, weights: ClipWeights, options: EmbeddingOptions
) -> ImageTower:
    """The image tower ``options.clip_runtime`` asks for, or the float torch model (logging why) when an
    ONNX tower cannot be used."""
    reference = TorchImageTower(model, options.device)
    runtime = options.clip_runtime
    if runtime == "torch":
        return reference
    if options.device != "cpu":
        log.info("CLIP runtime %s runs on the CPU only; using torch on %s", runtime, options.device)
        return reference
    cache_dir = (
        Path(options.clip_onnx_cache_dir).expanduser() if options.clip_onnx_cache_dir else default_cache_dir()
    )
    try:
        return onnx_image_tower(model, preprocess, weights, runtime, options.torch_threads, cache_dir)
    except TowerRejected as exc:
        log.warning("CLIP image tower runs in torch, not %s: %s", runtime, exc)
        return reference
