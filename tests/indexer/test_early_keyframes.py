"""CLIP vectors of a long file's keyframes embedded while the file is still decoding (a tiny random
open_clip model), in the embedded index run (a real worker process) and in a ``montage worker``'s index
task (its own threads): most are found early, and every stored vector is the vector of its stored
keyframe."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from api.jobs import index_tasks, states
from api.jobs.index_file_task import IndexTaskRunner
from api.jobs.repository import create_job
from api.jobs.runtime import WorkerRuntime
from api.service.settings import ServiceSettings
from indexer.discover import DiscoveredFile
from indexer.file_worker import EARLY_KEYFRAMES_MIN_S
from indexer.keyframe_store import KeyframeStore
from indexer.runner import IndexRequest, run_index
from montage.config import Settings
from montage.db.database import Database, open_database
from montage.db.repositories.shots import all_shots, vectors_for
from montage.db.session import transaction
from montage.options.embedding import EmbeddingOptions
from montage.search.channels import VISUAL, Channels, open_channels
from tests.embedding.tiny_clip import write_tiny_clip
from tests.indexer.generated_footage import make_clip

pytestmark = pytest.mark.slow

PATTERN = [("bars", 2.0), ("mandel", 3.0), ("red", 1.5), ("testsrc", 2.5), ("blue", 2.0), ("noise", 2.0)]


def _library_and_settings(tmp_path: Path) -> tuple[Path, Settings]:
    """A library with a file long enough to offer its keyframes early and one that is not."""
    repeats = int(EARLY_KEYFRAMES_MIN_S // sum(s for _, s in PATTERN)) + 1
    library = tmp_path / "footage"
    make_clip(library / "long.mp4", repeats * PATTERN)
    make_clip(library / "short.mp4", PATTERN)  # below the length that offers keyframes early
    tiny = write_tiny_clip(tmp_path / "clip")
    settings = Settings(
        data_dir=tmp_path / "data",
        embedding=EmbeddingOptions(clip_model=str(tiny.config), clip_pretrained=str(tiny.checkpoint)),
    )
    return library, settings


def _assert_vectors_are_their_keyframes(
    settings: Settings, db: Database, channels: Channels, early: int
) -> None:
    """All but the last shot or two of the long file were found early, none of the short one, and every
    stored vector is its stored keyframe's."""
    assert channels.visual is not None
    with db.sessions() as session:
        shots = all_shots(session)
        long_shots = [shot for shot in shots if shot.source.path.endswith("long.mp4")]
        vectors = vectors_for(
            session, [shot.id for shot in shots], channel=VISUAL, model_id=channels.visual.model_id
        )
    assert len(long_shots) - 2 <= early <= len(long_shots)
    keyframes = KeyframeStore(settings.keyframe_dir)
    ids = sorted(vectors)
    assert ids == sorted(shot.id for shot in shots)
    expected = channels.visual.embed_images([keyframes.load(shot_id) for shot_id in ids])
    np.testing.assert_allclose(np.stack([vectors[i] for i in ids]), expected, atol=1e-5)


def test_a_long_files_keyframes_are_embedded_during_its_pass(tmp_path: Path) -> None:
    library, settings = _library_and_settings(tmp_path)
    db = open_database(settings)
    channels = open_channels(settings.embedding)

    report = run_index(settings, db, channels, IndexRequest([library]))

    assert report.indexed == 2 and not report.failed
    _assert_vectors_are_their_keyframes(settings, db, channels, report.keyframes_embedded_early)


def test_a_queue_workers_index_tasks_embed_keyframes_during_the_pass(tmp_path: Path) -> None:
    library, settings = _library_and_settings(tmp_path)
    db = open_database(settings)
    with transaction(db.sessions) as session:
        job_id = create_job(session, states.REINDEX, {"paths": [str(library)]}, max_attempts=3).id
    items = [DiscoveredFile(library / name, library, name) for name in ("long.mp4", "short.mp4")]
    task_ids = index_tasks.create_run(db.sessions, job_id, {"discovered": len(items)}, items)
    assert task_ids is not None
    runtime = WorkerRuntime(
        settings=settings,
        service=ServiceSettings(log_json=False),
        db=db,
        worker_id="early-keyframes-test",
        enqueue=lambda _job_id: None,
    )
    runner = IndexTaskRunner(runtime)
    try:
        assert [runner.run(task_id) for task_id in task_ids] == [index_tasks.STORED] * 2
        early = runner.keyframes_embedded_early
    finally:
        runner.close()

    _assert_vectors_are_their_keyframes(settings, db, runtime.channels(), early)
