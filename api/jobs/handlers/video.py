"""The video job: the pipeline's ``make_video`` into a staging folder, published as revision 1."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.jobs import artifacts
from api.jobs.handlers import HandlerOutcome
from api.jobs.payloads import VideoJobPayload
from api.jobs.reporting import JobReporter
from api.jobs.repository import Claim
from api.jobs.revisions import RENDERED, add_revision
from api.jobs.runtime import WorkerRuntime
from montage.pipeline.make import make_video

FIRST_REVISION = 1


def visual_warning(runtime: WorkerRuntime) -> list[str]:
    """A plain warning when this worker searches without the visual (CLIP) channel."""
    channels = runtime.channels()
    return [] if channels.visual is not None else [f"visual channel unavailable: {channels.visual_reason}"]


def run_video_job(runtime: WorkerRuntime, claim: Claim, reporter: JobReporter) -> HandlerOutcome:
    """Make the video; its files appear under ``videos/<job>/r1`` only once complete."""
    payload = VideoJobPayload.model_validate(claim.payload)
    reporter("loading models", 0.0)
    warnings = visual_warning(runtime)
    reporter.raise_if_cancelled()
    staging = artifacts.staging_dir(runtime.settings.artifact_dir, claim.job_id, FIRST_REVISION)
    made = make_video(
        payload.to_make_request(),
        settings=runtime.settings,
        db=runtime.db,
        channels=runtime.channels(),
        out_dir=staging,
        progress=reporter,
        should_cancel=reporter.should_cancel,
    )
    reporter.raise_if_cancelled()
    artifacts.write_outputs_manifest(staging, made.outputs)
    final = artifacts.publish(staging, runtime.settings.artifact_dir, claim.job_id, FIRST_REVISION)
    timeline = made.timeline.to_json()

    def record_revision(session: Session) -> None:
        add_revision(session, claim.job_id, timeline=timeline, status=RENDERED, artifacts_dir=str(final))

    if any(w.startswith("visual channel unavailable") for w in made.warnings):
        warnings = [w for w in warnings if not w.startswith("visual channel unavailable")]
    warnings.extend(w for w in made.warnings if w not in warnings)
    result: dict[str, object] = {
        "revision": FIRST_REVISION,
        "outputs": artifacts.output_names(final),
        "stage_seconds": {k: round(v, 3) for k, v in made.stage_seconds.items()},
    }
    return HandlerOutcome(result=result, warnings=warnings, on_success=record_revision)
