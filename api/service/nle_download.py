"""A job's cut exported for an editing suite and handed out as a ZIP (``/v1/jobs/{id}/export/{format}``).

The export is made in a temp folder per request (fallback cards and the end card are drawn with ffmpeg),
zipped, sent, and removed when the response is done. A bundle carries the media, addressed relative to its
folder. Only ``admin`` callers may ask for a package that names media by their absolute server paths;
everyone else sees server paths in its metadata and relink map as :mod:`api.service.path_redaction` shows
them.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from api.jobs.revisions import latest_rendered
from api.service.deps import State
from api.service.errors import AuthError, NotFoundError
from api.service.ownership import Access, visible_job
from api.service.path_redaction import PathRedactor
from montage.export.archive import zip_export
from montage.export.write import export_timeline
from montage.timeline.model import Timeline


def export_download(
    state: State, access: Access, job_id: str, format_name: str, *, revision: int | None, bundle: bool
) -> FileResponse:
    """The ZIP of the job's rendered revision exported as ``format_name`` (a name of FORMATS, or "all")."""
    if not bundle and not access.admin:
        raise AuthError(
            "media named by server paths need an admin key; ask for bundle=true", code="forbidden", status=403
        )
    with state.db.sessions() as session:
        visible_job(session, access, job_id)
        rendered = latest_rendered(session, job_id, revision)
        if rendered is None:
            which = f"revision {revision}" if revision else "any revision"
            raise NotFoundError(f"job {job_id} has no rendered {which} yet")
        timeline, number = Timeline.from_json(rendered.timeline), rendered.number
    name = f"{job_id}-r{number}"
    redactor = None if access.admin else PathRedactor(state.settings.library_roots)
    work = Path(tempfile.mkdtemp(prefix="montage-nle-"))
    try:
        out = work / name if bundle else work / name / name
        result = export_timeline(
            timeline,
            out,
            format_name,
            bundle=bundle,
            options=state.settings.render,
            name=name,
            show_path=redactor.path if redactor else None,
        )
        archive = zip_export(result, work / f"{name}-{format_name}.zip")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return FileResponse(
        archive,
        media_type="application/zip",
        filename=archive.name,
        background=BackgroundTask(shutil.rmtree, work, ignore_errors=True),
    )
