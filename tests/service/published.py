"""A succeeded video job with real files (ffmpeg), published the way a worker publishes one: the staging
folder renamed into place, the job and revision rows written together."""

from __future__ import annotations

import json
import subprocess

from api.jobs import artifacts, states
from api.jobs.repository import claim_job, create_job, finish_job
from api.jobs.revisions import RENDERED, add_revision
from montage.config import Settings
from montage.db.database import open_database
from montage.db.session import transaction
from montage.timeline.model import NarrationClip, Segment, Timeline

TIMELINE = Timeline(
    width=160,
    height=90,
    fps=25,
    aspect="16:9",
    duration_s=2.0,
    segments=[
        Segment(
            0, 0, "Boats leave the harbour.", 0.0, 2.0, None, True, "harbour", fill="card", fill_reason="x"
        )
    ],
    narration=[NarrationClip(0, "/audio/0.wav", 0.0, 1.8, "Boats leave the harbour.")],
).to_json()


def publish_video_job(settings: Settings, *, owner: int | None, article: str = "x") -> str:
    """Make a succeeded video job owned by API key row ``owner`` with a rendered revision 1; its id."""
    db = open_database(settings)
    with transaction(db.sessions) as session:
        job_id = create_job(session, states.VIDEO, {"article": article}, max_attempts=1, api_key_id=owner).id
    claim = claim_job(db.sessions, job_id, "test-worker")
    assert claim is not None
    staging = artifacts.staging_dir(settings.artifact_dir, job_id, 1)
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x90:rate=25", "-t", "2",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
         str(staging / "video.mp4")],
        check=True,
    )  # fmt: skip
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(staging / "video.mp4"), "-frames:v", "1",
         str(staging / "poster.jpg")],
        check=True,
    )  # fmt: skip
    (staging / "video.srt").write_text("1\n00:00:00,000 --> 00:00:02,000\nBoats leave the harbour.\n")
    (staging / "video.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:02.000\nBoats leave the harbour.\n")
    (staging / "video.otio").write_text(json.dumps({"OTIO_SCHEMA": "Timeline.1"}))
    (staging / "outputs.json").write_text(
        json.dumps({"video": "video.mp4", "srt": "video.srt", "vtt": "video.vtt", "otio": "video.otio",
                    "poster": "poster.jpg"})
    )  # fmt: skip
    final = artifacts.publish(staging, settings.artifact_dir, job_id, 1)

    def record(session: object) -> None:
        add_revision(session, job_id, timeline=TIMELINE, status=RENDERED, artifacts_dir=str(final))  # type: ignore[arg-type]

    assert finish_job(
        db.sessions, claim, {"revision": 1, "outputs": artifacts.output_names(final)}, [], also=record
    )
    db.engine.dispose()
    return job_id
