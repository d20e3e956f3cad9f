"""The render job: re-render an edited revision with the pipeline's ``rerender`` (changed work only)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from api.jobs import artifacts
from api.jobs.handlers import HandlerOutcome
from api.jobs.handlers.video import visual_warning
from api.jobs.payloads import RenderJobPayload
from api.jobs.reporting import JobReporter
from api.jobs.repository import Claim
from api.jobs.revisions import RENDERED, get_revision
from api.jobs.runtime import WorkerRuntime
from montage.db.models import VideoRevision
from montage.errors import InputError
from montage.pipeline.edit import rerender
from montage.timeline.model import Timeline


def run_render_job(runtime: WorkerRuntime, claim: Claim, reporter: JobReporter) -> HandlerOutcome:
    """Render one revision's timeline; publish it under ``videos/<job>/r<N>``."""
    payload = RenderJobPayload.model_validate(claim.payload)
    with runtime.db.sessions() as session:
        revision = get_revision(session, payload.video_job_id, payload.revision)
        if revision is None:
            raise InputError(f"revision {payload.revision} of job {payload.video_job_id} does not exist")
        timeline = Timeline.from_json(revision.timeline)
    reporter("loading models", 0.0)
    warnings = visual_warning(runtime)
    staging = artifacts.staging_dir(runtime.settings.artifact_dir, payload.video_job_id, payload.revision)
    made = rerender(
        timeline,
        settings=runtime.settings,
        db=runtime.db,
        channels=runtime.channels(),
        out_dir=staging,
        progress=reporter,
        should_cancel=reporter.should_cancel,
    )
    reporter.raise_if_cancelled()
    artifacts.write_outputs_manifest(staging, made.outputs)
    final = artifacts.publish(staging, runtime.settings.artifact_dir, payload.video_job_id, payload.revision)
    new_timeline = made.timeline.to_json()

    def record_revision(session: Session) -> None:
        session.execute(
            update(VideoRevision)
            .where(VideoRevision.job_id == payload.video_job_id, VideoRevision.number == payload.revision)
            .values(status=RENDERED, artifacts_dir=str(final), timeline=new_timeline)
            .execution_options(synchronize_session=False)
        )

    if any(w.startswith("visual channel unavailable") for w in made.warnings):
        warnings = [w for w in warnings if not w.startswith("visual channel unavailable")]
    warnings.extend(w for w in made.warnings if w not in warnings)
    result: dict[str, object] = {
        "video_job_id": payload.video_job_id,
        "revision": payload.revision,
        "outputs": artifacts.output_names(final),
        "stage_seconds": {k: round(v, 3) for k, v in made.stage_seconds.items()},
    }
    return HandlerOutcome(result=result, warnings=warnings, on_success=record_revision)
