"""The CLIP code path through the indexer: a tiny random open_clip model and a checkpoint written here.

Random weights say nothing about meaning, so this checks plumbing (keyframes embedded, a visual FAISS index
built and kept in step, visual score parts reported, model changes refused or rebuilt), not relevance.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.runner import IndexRequest, run_index
from montage.config import Settings
from montage.db.database import open_database
from montage.errors import IndexMismatchError
from montage.options.embedding import EmbeddingOptions
from montage.retrieval.shot_search import search_shots
from montage.search.channels import open_channels
from montage.search.vector_index import load_vector_index, read_manifest
from tests.embedding.tiny_clip import write_tiny_clip
from tests.indexer.generated_footage import make_clip

pytestmark = pytest.mark.slow


def test_index_and_search_with_a_local_clip_checkpoint(tmp_path: Path) -> None:
    tiny = write_tiny_clip(tmp_path / "clip")
    library = tmp_path / "footage"
    make_clip(library / "a.mp4", [("bars", 1.5), ("mandel", 1.5)], description="a harbour at dawn")
    make_clip(library / "b.mp4", [("red", 1.5)], description="a red wall")
    embedding = EmbeddingOptions(clip_model=str(tiny.config), clip_pretrained=str(tiny.checkpoint))
    settings = Settings(data_dir=tmp_path / "data", embedding=embedding)
    db = open_database(settings)
    channels = open_channels(settings.embedding)
    assert channels.visual is not None and channels.visual.model_id.startswith("open_clip/")
    report = run_index(settings, db, channels, IndexRequest([library]))
    assert report.visual_channel == "available" and report.indexed == 2
    visual = read_manifest(settings.index_dir, "visual")
    text = read_manifest(settings.index_dir, "text")
    assert visual is not None and text is not None
    assert visual.count == text.count == report.shots_written and visual.dim == 32
    hits = search_shots(
        db.sessions, channels, "harbour", k=3, index_dir=settings.index_dir, settings=settings.search
    )
    assert hits and all(hit.scores["visual"] is not None for hit in hits)
    with pytest.raises(IndexMismatchError):
        load_vector_index(
            settings.index_dir, channel="visual", expected_model_id="open_clip/other", expected_dim=32
        )

    # Another checkpoint = another model: the next run re-embeds every keyframe and rebuilds the index.
    other = write_tiny_clip(tmp_path / "clip2", name="montage-tiny-clip", seed=1)
    settings2 = Settings(
        data_dir=tmp_path / "data",
        embedding=EmbeddingOptions(clip_model=str(other.config), clip_pretrained=str(other.checkpoint)),
    )
    channels2 = open_channels(settings2.embedding)
    assert channels2.visual is not None and channels2.visual.model_id != channels.visual.model_id
    again = run_index(settings2, db, channels2, IndexRequest([library]))
    assert again.indexed == 0
    sync = {s.channel: s for s in again.channels}
    assert sync["visual"].rebuilt and sync["visual"].backfilled == report.shots_written
    rebuilt = read_manifest(settings.index_dir, "visual")
    assert rebuilt is not None and rebuilt.model_id == channels2.visual.model_id
    db.engine.dispose()
