"""Readiness: can the service take and run jobs, and which channels, models and indexes does it have."""

from __future__ import annotations

import shutil

from sqlalchemy import text

from api.service.schemas import CheckOut, ReadyOut
from api.service.state import ServiceState


def _database(state: ServiceState) -> CheckOut:
    try:
        with state.db.engine.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as exc:  # reported, not raised
        return CheckOut(name="database", ok=False, required=True, detail=f"{type(exc).__name__}: {exc}"[:300])
    return CheckOut(name="database", ok=True, required=True, detail=state.db.engine.dialect.name)


def _indexes(state: ServiceState) -> list[CheckOut]:
    from montage.search.vector_index import read_manifest

    checks = []
    for channel in ("text", "visual"):
        manifest = read_manifest(state.settings.index_dir, channel)
        detail = (
            "not built yet (re-index the library)"
            if manifest is None
            else f"{manifest.count} vectors, model {manifest.model_id}"
        )
        checks.append(
            CheckOut(name=f"{channel} index", ok=manifest is not None, required=False, detail=detail)
        )
    return checks


def _visual_channel(state: ServiceState) -> tuple[bool, str]:
    loaded = state.channels_loaded
    if loaded is not None:
        return (
            loaded.visual is not None,
            "available" if loaded.visual else f"unavailable: {loaded.visual_reason}",
        )
    from montage.embedding.clip_weights import clip_availability
    from montage.options.embedding import EmbeddingOptions

    clip = clip_availability(EmbeddingOptions.model_validate(state.settings.embedding))
    return clip.available, "available" if clip.available else f"unavailable: {clip.reason}"


def readiness(state: ServiceState) -> ReadyOut:
    """Required: the database answers and a worker is there. Reported too: indexes, models, ffmpeg."""
    workers = state.queue.workers()
    checks = [
        _database(state),
        CheckOut(name="workers", ok=workers.available, required=True, detail=workers.detail),
    ]
    ffmpeg = shutil.which("ffmpeg")
    checks.append(
        CheckOut(name="ffmpeg", ok=ffmpeg is not None, required=False, detail=ffmpeg or "not installed")
    )
    checks.extend(_indexes(state))
    try:
        visual_ok, visual = _visual_channel(state)
    except Exception as exc:  # a broken model install is reported plainly
        visual_ok, visual = False, f"unavailable: {type(exc).__name__}: {exc}"[:300]
    if not visual_ok and "montage models" not in visual:
        visual += " (see `montage models list`; install weights with `montage models install`)"
    checks.append(CheckOut(name="visual channel (CLIP)", ok=visual_ok, required=False, detail=visual))
    channels = ["text", "visual"] if visual_ok else ["text"]
    ready = all(check.ok for check in checks if check.required)
    return ReadyOut(ready=ready, checks=checks, channels=channels, visual_channel=visual)
