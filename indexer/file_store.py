"""Store one analysed file: keyframes on disk, then source, shots and vectors in one transaction.

Used by the in-process index run and by queue workers alike; the latter pass ``also``, which runs inside
the same transaction (it marks the file's task done only while the worker still owns it, and raises to
roll everything back otherwise), so a file is stored exactly once per successful attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image
from sqlalchemy.orm import Session, sessionmaker

from indexer.discover import DiscoveredFile
from indexer.early_keyframes import EarlyKeyframes
from indexer.file_worker import FileOutcome
from indexer.keyframe_store import KeyframeStore
from indexer.library_manifests import LibraryManifests
from indexer.library_text import SourceText, build_source_text
from indexer.library_writer import shot_ids_for, write_failed, write_indexed
from indexer.shot_vectors import text_vectors, visual_vectors
from montage.db.session import transaction
from montage.search.channels import TEXT, VISUAL, Channels
from montage.text.cues import Cue


@dataclass(frozen=True)
class StoreContext:
    """What storing a file needs: encoders, the keyframe store, the analyser version and the manifests."""

    channels: Channels
    keyframes: KeyframeStore
    version: str
    manifest: LibraryManifests


@dataclass(frozen=True)
class StoredFile:
    """What storing did: shots written and seconds of footage, or the failure recorded."""

    shots: int = 0
    media_seconds: float = 0.0
    error_code: str | None = None
    error_message: str | None = None


def source_text(
    found: DiscoveredFile, manifest: LibraryManifests, tags: dict[str, str], cues: list[Cue]
) -> SourceText:
    """The text of a file from its manifests, sidecars, name, container tags and subtitles."""
    return build_source_text(
        found.path, root=found.root, manifest=manifest, container_tags=tags, embedded_subtitles=cues
    )


def store_outcome(
    factory: sessionmaker[Session],
    context: StoreContext,
    item: DiscoveredFile,
    outcome: FileOutcome,
    *,
    also: Callable[[Session, StoredFile], None] | None = None,
    early: EarlyKeyframes | None = None,
) -> StoredFile:
    """Write one file's outcome (success or failure) in one transaction; ``also`` runs inside it.

    ``early`` holds keyframe vectors embedded while the file was decoding (the embedded index run)."""
    if outcome.error_code is not None:
        stored = StoredFile(error_code=outcome.error_code, error_message=outcome.error_message or "")
        with transaction(factory) as session:
            if also is not None:
                also(session, stored)
            write_failed(session, discovered=item, outcome=outcome, analyzer_version=context.version)
        return stored
    assert outcome.info is not None
    channels = context.channels
    text = source_text(item, context.manifest, dict(outcome.info.tags), outcome.subtitles)
    ids = shot_ids_for(outcome)
    keyframe_paths: dict[int, str] = {}
    images: dict[int, Image.Image] = {}
    jpegs: dict[int, bytes] = {}
    for shot_id, shot in zip(ids, outcome.shots, strict=True):
        if shot.keyframe_jpeg is not None:
            jpegs[shot_id] = shot.keyframe_jpeg
            keyframe_paths[shot_id] = str(context.keyframes.save_bytes(shot_id, shot.keyframe_jpeg))
            if channels.visual is not None:
                images[shot_id] = context.keyframes.load(shot_id)
    texts = {
        shot_id: text.shot_text(shot.start_s, shot.end_s)
        for shot_id, shot in zip(ids, outcome.shots, strict=True)
    }
    vectors = {(TEXT, channels.text.model_id): text_vectors(channels.text, texts)}
    if channels.visual is not None:
        vectors[(VISUAL, channels.visual.model_id)] = (
            visual_vectors(channels.visual, images)
            if early is None
            else early.vectors(item.path, images, jpegs)
        )
    stored = StoredFile(shots=len(ids), media_seconds=outcome.info.duration_s or 0.0)
    with transaction(factory) as session:
        if also is not None:
            also(session, stored)
        write_indexed(
            session,
            discovered=item,
            outcome=outcome,
            text=text,
            analyzer_version=context.version,
            keyframe_paths=keyframe_paths,
            vectors=vectors,
        )
    return stored
