"""Where a revision's files live, and how they appear there all at once.

A render writes into ``videos/<job>/.staging-r<N>`` and, only when it completed, the folder is renamed to
``videos/<job>/r<N>``: a worker killed mid-render leaves nothing half-written where the API looks.
The staging folder is kept between attempts so a retried render can reuse what the pipeline checkpointed,
and removed when the job ends without publishing (cancelled, or failed for good).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

from montage.pipeline.types import MakeOutputs

OUTPUTS_MANIFEST = "outputs.json"

# Names the pipeline's files usually have, by result kind; ``outputs.json`` (written from the pipeline's
# MakeOutputs) is what counts.
RESULT_FILES = {
    "video": "video.mp4",
    "srt": "video.srt",
    "vtt": "video.vtt",
    "timeline": "video.timeline.json",
    "otio": "video.otio",
    "poster": "video.jpg",
}


def video_root(artifact_dir: Path, job_id: str) -> Path:
    """The folder holding every revision of a video job."""
    return artifact_dir / "videos" / job_id


def staging_path(artifact_dir: Path, job_id: str, revision: int) -> Path:
    """Where a render of ``revision`` writes before it is published (not created)."""
    return video_root(artifact_dir, job_id) / f".staging-r{revision}"


def staging_dir(artifact_dir: Path, job_id: str, revision: int) -> Path:
    """The folder a render of ``revision`` writes into (created).

    Hidden sub-folders left there by a killed attempt (the pipeline's own work folders) are removed.
    """
    path = staging_path(artifact_dir, job_id, revision)
    path.mkdir(parents=True, exist_ok=True)
    for leftover in path.iterdir():
        if leftover.name.startswith(".") and leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
    return path


def discard_staging(artifact_dir: Path, job_id: str, revision: int) -> None:
    """Remove the staging folder of a render that will not be published, and the job's folder if that
    leaves it empty (a cancelled or failed first render)."""
    root = video_root(artifact_dir, job_id)
    shutil.rmtree(staging_path(artifact_dir, job_id, revision), ignore_errors=True)
    with contextlib.suppress(OSError):  # missing, or it holds published revisions
        root.rmdir()


def publish(staging: Path, artifact_dir: Path, job_id: str, revision: int) -> Path:
    """Move a finished staging folder to its final place in one rename; returns the final folder."""
    final = video_root(artifact_dir, job_id) / f"r{revision}"
    if final.exists():  # an earlier attempt published but died before recording it
        shutil.rmtree(final)
    os.replace(staging, final)
    return final


def write_outputs_manifest(folder: Path, outputs: MakeOutputs) -> dict[str, str]:
    """Record which file is which result kind (names relative to ``folder``); returns the mapping."""
    names: dict[str, str] = {}
    for kind in RESULT_FILES:
        path = getattr(outputs, kind)
        if path is None:
            continue
        resolved = Path(path).resolve()
        if resolved.is_relative_to(folder.resolve()) and resolved.is_file():
            names[kind] = resolved.relative_to(folder.resolve()).as_posix()
    (folder / OUTPUTS_MANIFEST).write_text(json.dumps(names, indent=2))
    return names


def output_names(folder: Path) -> dict[str, str]:
    """Result kinds present in a published folder, mapped to their file names."""
    manifest = folder / OUTPUTS_MANIFEST
    if manifest.is_file():
        recorded = json.loads(manifest.read_text())
        return {k: v for k, v in recorded.items() if k in RESULT_FILES and (folder / v).is_file()}
    return {kind: name for kind, name in RESULT_FILES.items() if (folder / name).is_file()}
