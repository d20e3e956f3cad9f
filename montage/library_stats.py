"""A summary of the shot library: sources, shots, failures, channels and their indexes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from montage.db.repositories.library_state import current_revision
from montage.db.repositories.shots import count_embeddings
from montage.db.repositories.sources import count_sources_by_status, list_sources, shot_count
from montage.search.vector_index import read_manifest


def library_stats(session: Session, index_dir: Path) -> dict[str, object]:
    """Sources by status, shots, failed files with reasons, and per-channel vectors and index manifests."""
    revision = current_revision(session)
    channels: dict[str, object] = {}
    for channel in ("text", "visual"):
        manifest = read_manifest(index_dir, channel)
        channels[channel] = {
            "vectors_in_db": count_embeddings(session, channel=channel),
            "index": None
            if manifest is None
            else {
                "model_id": manifest.model_id,
                "dim": manifest.dim,
                "metric": manifest.metric,
                "count": manifest.count,
                "index_type": manifest.index_type,
                "revision": manifest.revision,
                "current": manifest.revision == revision,
            },
        }
    failed = [
        {"path": s.path, "code": s.error_code, "message": s.error_message}
        for s in list_sources(session, status="failed")
    ]
    by_status = count_sources_by_status(session)
    return {
        "sources": sum(by_status.values()),
        "sources_by_status": by_status,
        "shots": shot_count(session),
        "revision": revision,
        "failed": failed,
        "channels": channels,
    }
