"""The CLIP image tower on ONNX Runtime (float and int8): close to the float model, cached, checked, and
replaced by the float model when its check fails.

A tiny random open_clip model (tests/embedding/tiny_clip.py) is exported for real; the export cache lives in
the test's own folder.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest
import torch

from montage.embedding import clip_runtime
from montage.embedding.clip_encoder import load_clip_encoder
from montage.embedding.clip_runtime import build_image_tower, export_path
from montage.embedding.clip_weights import resolve_clip_weights
from montage.embedding.protocol import ImageTextEmbedder
from montage.embedding.tower_check import MIN_COSINE
from montage.options.embedding import EmbeddingOptions
from tests.embedding.real_looking_images import real_looking_images
from tests.embedding.tiny_clip import TinyClip, write_tiny_clip

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> TinyClip:
    return write_tiny_clip(tmp_path_factory.mktemp("tiny-clip"))


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clip-onnx")


def _options(
    tiny: TinyClip, runtime: str, cache_dir: Path, checkpoint: Path | None = None
) -> EmbeddingOptions:
    return EmbeddingOptions(
        clip_model=str(tiny.config),
        clip_pretrained=str(checkpoint or tiny.checkpoint),
        clip_runtime=runtime,  # type: ignore[arg-type]
        clip_onnx_cache_dir=str(cache_dir),
    )


@pytest.fixture(scope="module")
def reference(tiny: TinyClip, cache_dir: Path) -> ImageTextEmbedder:
    return load_clip_encoder(_options(tiny, "torch", cache_dir))


@pytest.mark.parametrize("runtime", ["onnx", "onnx-int8"])
def test_onnx_vectors_stay_within_cosine_099_of_the_float_model(
    runtime: str, tiny: TinyClip, cache_dir: Path, reference: ImageTextEmbedder
) -> None:
    encoder = load_clip_encoder(_options(tiny, runtime, cache_dir))
    assert getattr(encoder, "image_runtime", None) == runtime
    assert encoder.model_id == reference.model_id  # the same weights, the same vector space
    images = real_looking_images(16)
    vectors, expected = encoder.embed_images(images), reference.embed_images(images)
    assert vectors.shape == expected.shape == (16, 32) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(vectors * expected, axis=1)
    assert cosines.min() >= MIN_COSINE, cosines
    if runtime == "onnx":
        np.testing.assert_allclose(vectors, expected, atol=1e-4)
    else:  # int8 is an approximation: close, not equal
        assert not np.allclose(vectors, expected, atol=1e-6)
    assert float(vectors[0] @ vectors[-1]) < 0.9999  # different pictures, different vectors
    texts = ["a red square", "grey gradient"]
    np.testing.assert_allclose(encoder.embed_texts(texts), reference.embed_texts(texts), atol=1e-6)


def test_an_image_vector_does_not_depend_on_its_batch(tiny: TinyClip, cache_dir: Path) -> None:
    encoder = load_clip_encoder(_options(tiny, "onnx-int8", cache_dir))
    images = real_looking_images(6)
    together = encoder.embed_images(images)
    alone = np.concatenate([encoder.embed_images([image]) for image in images])
    np.testing.assert_allclose(alone, together, atol=1e-6)
    reversed_order = encoder.embed_images(images[::-1])[::-1]
    np.testing.assert_allclose(reversed_order, together, atol=1e-6)


def test_the_export_is_cached_per_weights_checksum_and_runtime(
    tiny: TinyClip, cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_clip_encoder(_options(tiny, "onnx-int8", cache_dir))
    weights = resolve_clip_weights(_options(tiny, "onnx-int8", cache_dir))
    cached = export_path(cache_dir, weights, "onnx-int8", (32, 32))
    assert cached.is_file() and cached.name.startswith("montage-tiny-clip-")
    record = json.loads(cached.with_suffix(".json").read_text())
    assert record["passed"] and record["min_cosine"] >= MIN_COSINE and record["images"] >= 10
    assert export_path(cache_dir, weights, "onnx", (32, 32)) != cached

    # Loading again uses the file: the exporter is not called.
    def no_export(*_args: object) -> None:
        raise AssertionError("exported again although the export is cached")

    monkeypatch.setattr(clip_runtime, "export_image_tower", no_export)
    tower = build_image_tower(tiny.model, tiny.preprocess, weights, _options(tiny, "onnx-int8", cache_dir))
    assert tower.runtime == "onnx-int8"

    # Other weights (same file name, other content) get another file.
    other = write_tiny_clip(tmp_path, seed=1)
    other_weights = resolve_clip_weights(_options(tiny, "onnx-int8", cache_dir, other.checkpoint))
    assert export_path(cache_dir, other_weights, "onnx-int8", (32, 32)) != cached


def _with_activation_outliers(tiny: TinyClip, folder: Path) -> Path:
    """The tiny model with one MLP channel always at 2000 whose output weights are 0: the float model's
    vectors barely change, but int8 activations quantised with one scale per run lose the other channels
    (the outlier features of real transformers, made extreme)."""
    model = write_tiny_clip(folder, name="montage-tiny-clip").model
    with torch.no_grad():
        for block in model.visual.transformer.resblocks:
            block.mlp.c_fc.bias[0] = 2000.0
            block.mlp.c_proj.weight[:, 0] = 0.0
    checkpoint = folder / "outliers.pt"
    torch.save(model.state_dict(), checkpoint)
    return checkpoint


def test_a_tower_that_fails_the_check_falls_back_to_the_float_model(
    tiny: TinyClip, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkpoint = _with_activation_outliers(tiny, tmp_path / "clip")
    options = _options(tiny, "onnx-int8", tmp_path / "cache", checkpoint)
    with caplog.at_level(logging.WARNING, logger="montage.embedding.clip_runtime"):
        encoder = load_clip_encoder(options)
    assert getattr(encoder, "image_runtime", None) == "torch"
    warning = next(r for r in caplog.records if r.name == "montage.embedding.clip_runtime")
    assert warning.levelno == logging.WARNING
    assert "runs in torch, not onnx-int8" in warning.getMessage()
    assert "not within cosine 0.99" in warning.getMessage()
    records = list((tmp_path / "cache").glob("*.json"))
    assert len(records) == 1 and not list((tmp_path / "cache").glob("*.onnx"))
    record = json.loads(records[0].read_text())
    assert not record["passed"] and record["min_cosine"] < MIN_COSINE

    # The float ONNX export of the same model is fine: the outliers only hurt int8.
    assert (
        getattr(load_clip_encoder(options.model_copy(update={"clip_runtime": "onnx"})), "image_runtime", "")
        == "onnx"
    )

    # The next start reads the failed check and does not export again.
    monkeypatch.setattr(clip_runtime, "export_image_tower", lambda *_: pytest.fail("exported again"))
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="montage.embedding.clip_runtime"):
        tower = build_image_tower(
            encoder_model(checkpoint, tiny), tiny.preprocess, resolve_clip_weights(options), options
        )
    assert tower.runtime == "torch"
    assert "checked when exported" in caplog.records[-1].getMessage()


def encoder_model(checkpoint: Path, tiny: TinyClip) -> object:
    """The tiny architecture with ``checkpoint``'s weights."""
    import open_clip

    model = open_clip.create_model(tiny.config.stem, pretrained=str(checkpoint))
    return model.eval()


def test_an_export_that_fails_falls_back_to_the_float_model(
    tiny: TinyClip, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_export(*_args: object) -> None:
        raise RuntimeError("unsupported operator aten::frobnicate")

    monkeypatch.setattr(clip_runtime, "export_image_tower", broken_export)
    options = _options(tiny, "onnx", tmp_path / "cache")
    with caplog.at_level(logging.WARNING, logger="montage.embedding.clip_runtime"):
        tower = build_image_tower(tiny.model, tiny.preprocess, resolve_clip_weights(options), options)
    assert tower.runtime == "torch"
    assert "could not be exported: RuntimeError: unsupported operator" in caplog.records[-1].getMessage()
    assert not list((tmp_path / "cache").glob("*.onnx"))


def test_int8_quantises_the_weight_products_and_keeps_activation_products_float(
    tiny: TinyClip, tmp_path: Path
) -> None:
    import onnx

    from montage.embedding.onnx_export import export_image_tower, quantise_int8

    exported, quantised = tmp_path / "float.onnx", tmp_path / "int8.onnx"
    export_image_tower(tiny.model, (32, 32), exported)
    graph = onnx.load(str(exported)).graph
    weights = {i.name for i in graph.initializer}
    weights |= {n.output[0] for n in graph.node if n.op_type == "Constant"}
    kinds = [n.op_type for n in graph.node]
    two_activations = sum(1 for n in graph.node if n.op_type == "MatMul" and n.input[1] not in weights)
    assert two_activations > 0  # attention's products, which the exporter writes as MatMul

    quantise_int8(exported, quantised)
    quantised_kinds = [n.op_type for n in onnx.load(str(quantised)).graph.node]
    assert quantised_kinds.count("MatMul") == two_activations  # still float
    assert (
        quantised_kinds.count("MatMulInteger")
        == kinds.count("MatMul") + kinds.count("Gemm") - two_activations
    )
