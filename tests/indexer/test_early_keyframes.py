"""CLIP vectors of a long file's keyframes embedded while the file is still decoding (a real worker
process, a tiny random open_clip model): most are found early, and every stored vector is the vector of
its stored keyframe."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.file_worker import EARLY_KEYFRAMES_MIN_S
from indexer.keyframe_store import KeyframeStore
from indexer.runner import IndexRequest, run_index
from montage.config import Settings
from montage.db.database import open_database
from montage.db.repositories.shots import all_shots, vectors_for
from montage.options.embedding import EmbeddingOptions
from montage.search.channels import VISUAL, open_channels
from tests.embedding.tiny_clip import write_tiny_clip
from tests.indexer.generated_footage import make_clip

pytestmark = pytest.mark.slow

PATTERN = [("bars", 2.0), ("mandel", 3.0), ("red", 1.5), ("testsrc", 2.5), ("blue", 2.0), ("noise", 2.0)]


def test_a_long_files_keyframes_are_embedded_during_its_pass(tmp_path: Path) -> None:
    repeats = int(EARLY_KEYFRAMES_MIN_S // sum(s for _, s in PATTERN)) + 1
    library = tmp_path / "footage"
    make_clip(library / "long.mp4", repeats * PATTERN)
    make_clip(library / "short.mp4", PATTERN)  # below the length that offers keyframes early
    tiny = write_tiny_clip(tmp_path / "clip")
    settings = Settings(
        data_dir=tmp_path / "data",
        embedding=EmbeddingOptions(clip_model=str(tiny.config), clip_pretrained=str(tiny.checkpoint)),
    )
    db = open_database(settings)
    channels = open_channels(settings.embedding)
    assert channels.visual is not None

    report = run_index(settings, db, channels, IndexRequest([library]))

    assert report.indexed == 2 and not report.failed
    with db.sessions() as session:
        shots = all_shots(session)
        long_shots = [shot for shot in shots if shot.source.path.endswith("long.mp4")]
        vectors = vectors_for(
            session, [shot.id for shot in shots], channel=VISUAL, model_id=channels.visual.model_id
        )
    # All but the last shot or two of the long file; none of the short one (it ends soon enough anyway).
    assert len(long_shots) - 2 <= report.keyframes_embedded_early <= len(long_shots)
    keyframes = KeyframeStore(settings.keyframe_dir)
    ids = sorted(vectors)
    assert ids == sorted(shot.id for shot in shots)
    expected = channels.visual.embed_images([keyframes.load(shot_id) for shot_id in ids])
    np.testing.assert_allclose(np.stack([vectors[i] for i in ids]), expected, atol=1e-5)
