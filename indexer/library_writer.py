"""Write one file's index results to the database in a single transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from indexer.discover import DiscoveredFile, shot_id_for
from indexer.file_worker import FileOutcome
from indexer.library_text import SourceText
from montage.db.models import Shot, Source
from montage.db.repositories.library_state import bump_revision
from montage.db.repositories.shots import put_embeddings, release_duplicate_groups
from montage.db.repositories.sources import source_by_path
from montage.media.shot_activity import encode_activity


def shot_ids_for(outcome: FileOutcome) -> list[int]:
    """Deterministic ids of the outcome's shots (content fingerprint, path and frame range)."""
    key = f"{outcome.fingerprint}|{outcome.path}"
    return [shot_id_for(key, shot.start_frame, shot.end_frame) for shot in outcome.shots]


def _apply_text(source: Source, text: SourceText) -> None:
    source.title = text.title or ""
    source.description = text.description or ""
    source.tags = list(text.tags)
    source.language = text.language
    update_credits(source, text)
    source.text_digest = text.digest()


def update_credits(source: Source, text: SourceText) -> bool:
    """Apply what does not change shot texts (licence, attribution, source URL, manifest fields).

    For a file whose text digest is unchanged; returns True when anything changed.
    """
    before = (source.license, source.attribution, source.source_url, source.manifest_fields)
    manifest_fields = text.manifest_fields.to_json() if text.manifest_fields is not None else {}
    after = (text.license or "unknown", text.attribution or "", text.source_url or "", manifest_fields)
    if before == after:
        return False
    source.license, source.attribution, source.source_url, source.manifest_fields = after
    return True


def _replacement_source(
    session: Session, discovered: DiscoveredFile, outcome: FileOutcome, analyzer_version: str, status: str
) -> Source:
    """Delete what was stored for the path (shots and vectors cascade) and start its new row.

    What manifests said about the file is carried over (a failed file keeps it for its next run).
    """
    path = str(discovered.path)
    old = source_by_path(session, path)
    manifest_fields = dict(old.manifest_fields) if old is not None else {}
    if old is not None:
        release_duplicate_groups(session, [old.id])
        session.delete(old)
        session.flush()
    return Source(
        manifest_fields=manifest_fields,
        path=path,
        library_root=str(discovered.root),
        rel_path=discovered.rel_path,
        status=status,
        content_hash=outcome.fingerprint,
        size_bytes=outcome.size_bytes,
        mtime_ns=outcome.mtime_ns,
        analyzer_version=analyzer_version,
        updated_at=datetime.now(UTC),
    )


def write_indexed(
    session: Session,
    *,
    discovered: DiscoveredFile,
    outcome: FileOutcome,
    text: SourceText,
    analyzer_version: str,
    keyframe_paths: Mapping[int, str],
    vectors: Mapping[tuple[str, str], Mapping[int, NDArray[np.float32]]],
) -> Source:
    """Replace whatever was stored for this path with the new source, shots and vectors; bump the revision."""
    info = outcome.info
    assert info is not None
    source = _replacement_source(session, discovered, outcome, analyzer_version, "indexed")
    source.duration_s = info.duration_s
    source.fps_num = info.fps[0] if info.fps else None
    source.fps_den = info.fps[1] if info.fps else None
    source.is_vfr = info.is_vfr
    source.width = info.width
    source.height = info.height
    source.display_width = info.display_width
    source.display_height = info.display_height
    source.rotation = info.rotation
    source.has_audio = info.has_audio
    source.video_codec = info.video_codec
    source.partial = outcome.partial
    source.container_tags = dict(info.tags)
    source.embedded_subtitles = [[c.start_s, c.end_s, c.text] for c in outcome.subtitles]
    _apply_text(source, text)
    ids = shot_ids_for(outcome)
    source.shots = [
        Shot(
            id=shot_id,
            ordinal=shot.ordinal,
            start_frame=shot.start_frame,
            end_frame=shot.end_frame,
            start_s=shot.start_s,
            end_s=shot.end_s,
            keyframe_time_s=shot.keyframe_time_s,
            keyframe_path=keyframe_paths.get(shot_id),
            sharpness=shot.sharpness,
            brightness=shot.brightness,
            black_fraction=shot.black_fraction,
            motion=shot.motion,
            activity=encode_activity(shot.activity) if shot.activity else None,
            quality=shot.quality,
            phash=_signed64(shot.phash),
            text=text.shot_text(shot.start_s, shot.end_s),
        )
        for shot_id, shot in zip(ids, outcome.shots, strict=True)
    ]
    session.add(source)
    session.flush()
    for (channel, model_id), by_shot in vectors.items():
        put_embeddings(session, channel=channel, model_id=model_id, vectors=by_shot)
    bump_revision(session)
    return source


def write_failed(
    session: Session, *, discovered: DiscoveredFile, outcome: FileOutcome, analyzer_version: str
) -> Source:
    """Record a file that could not be indexed, with the reason; its earlier shots are removed."""
    source = _replacement_source(session, discovered, outcome, analyzer_version, "failed")
    source.error_code = outcome.error_code
    source.error_message = outcome.error_message
    session.add(source)
    session.flush()
    bump_revision(session)
    return source


def refresh_text(session: Session, source: Source, text: SourceText) -> None:
    """Apply a text-only change (manifest or sidecar edited): update the source and every shot's text."""
    _apply_text(source, text)
    for shot in source.shots:
        shot.text = text.shot_text(shot.start_s, shot.end_s)
    bump_revision(session)


def _signed64(value: int) -> int:
    """Store an unsigned 64-bit hash in a signed BIGINT column."""
    return value - (1 << 64) if value >= (1 << 63) else value
