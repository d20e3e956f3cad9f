"""An index run with the int8 ONNX image tower stores the vectors the float torch model would, within
cosine 0.99, under the same model id (a tiny random open_clip model; real keyframes of generated clips)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from indexer.runner import IndexRequest, run_index
from montage.config import Settings
from montage.db.database import open_database
from montage.db.repositories.shots import all_shots, iter_embeddings
from montage.embedding.tower_check import MIN_COSINE
from montage.options.embedding import EmbeddingOptions
from montage.search.channels import VISUAL, open_channels
from tests.embedding.tiny_clip import write_tiny_clip
from tests.indexer.generated_footage import make_clip

pytestmark = pytest.mark.slow


def _index(
    tmp_path: Path, library: Path, embedding: EmbeddingOptions, name: str
) -> dict[tuple[str, int], NDArray[np.float32]]:
    """Index ``library`` into a fresh data dir; return (file name, shot ordinal) → stored visual vector."""
    settings = Settings(data_dir=tmp_path / name, embedding=embedding)
    db = open_database(settings)
    channels = open_channels(settings.embedding)
    assert channels.visual is not None
    assert getattr(channels.visual, "image_runtime", None) == embedding.clip_runtime
    report = run_index(settings, db, channels, IndexRequest([library]))
    assert report.indexed == 2 and report.visual_channel == "available"
    with db.sessions() as session:
        keys = {shot.id: (Path(shot.source.path).name, shot.ordinal) for shot in all_shots(session)}
        vectors: dict[tuple[str, int], NDArray[np.float32]] = {}
        for ids, rows in iter_embeddings(session, channel=VISUAL, model_id=channels.visual.model_id):
            vectors.update({keys[int(shot_id)]: row for shot_id, row in zip(ids, rows, strict=True)})
    db.engine.dispose()
    return vectors


def test_int8_index_run_stores_vectors_within_cosine_099_of_torch(tmp_path: Path) -> None:
    tiny = write_tiny_clip(tmp_path / "clip")
    library = tmp_path / "footage"
    make_clip(library / "a.mp4", [("bars", 1.5), ("mandel", 1.5), ("testsrc", 1.5)])
    make_clip(library / "b.mp4", [("red", 1.5), ("blue", 1.5)])
    base = {
        "clip_model": str(tiny.config),
        "clip_pretrained": str(tiny.checkpoint),
        "clip_onnx_cache_dir": str(tmp_path / "clip-onnx"),
    }
    reference = _index(tmp_path, library, EmbeddingOptions(**base, clip_runtime="torch"), "torch")
    quantised = _index(tmp_path, library, EmbeddingOptions(**base, clip_runtime="onnx-int8"), "int8")
    assert set(quantised) == set(reference) and len(reference) >= 5
    cosines = [float(quantised[key] @ reference[key]) for key in reference]
    assert min(cosines) >= MIN_COSINE, cosines
    assert not all(np.array_equal(quantised[key], reference[key]) for key in reference)  # really int8
