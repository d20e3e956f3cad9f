"""Issue #13 over HTTP: /v1/jobs/{id}/export/{format} hands out a ZIP an editing suite opens elsewhere."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import opentimelineio as otio
import pytest
from fastapi.testclient import TestClient

from api.jobs.revisions import RENDERED, add_revision, latest_rendered
from montage.config import Settings
from montage.db.database import open_database
from montage.db.session import transaction
from montage.options.render import RenderOptions
from tests.export.conftest import make_export_cut
from tests.service.conftest import Keys, key_id
from tests.service.published import publish_video_job


@pytest.fixture
def settings(tmp_path: Path, library_root: Path) -> Settings:
    """The service settings of the suite, without the end card (each export draws fewer frames)."""
    return Settings(
        data_dir=tmp_path / "data", library_roots=[library_root], render=RenderOptions(end_card=False)
    )


@pytest.fixture
def cut_job(settings: Settings, client: TestClient, keys: Keys, library_root: Path) -> str:
    """A published job whose newest rendered revision is a real cut of footage under the library root."""
    job_id = publish_video_job(settings, owner=key_id(settings, keys.submit))
    timeline = make_export_cut(library_root / "desk")
    db = open_database(settings)
    try:
        with transaction(db.sessions) as session:
            first = latest_rendered(session, job_id)
            assert first is not None
            add_revision(
                session,
                job_id,
                timeline=timeline.to_json(),
                status=RENDERED,
                artifacts_dir=first.artifacts_dir,
            )
    finally:
        db.engine.dispose()
    return job_id


def test_bundle_zip_opens_anywhere_and_hides_server_paths(
    client: TestClient, reader: dict[str, str], cut_job: str, tmp_path: Path, library_root: Path
) -> None:
    answer = client.get(f"/v1/jobs/{cut_job}/export/fcp7xml", headers=reader)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(io.BytesIO(answer.content)).extractall(unpacked)
    (project,) = unpacked.iterdir()
    assert project.name == f"{cut_job}-r2"
    timeline = otio.adapters.read_from_file(str(project / f"{cut_job}-r2.xml"), adapter_name="fcp_xml")
    for clip in timeline.find_clips():
        assert (project / clip.media_reference.target_url).is_file(), clip.media_reference.target_url
    with (project / "relink.csv").open(encoding="utf-8") as handle:
        originals = [row["original_path"] for row in csv.DictReader(handle)]
    assert "desk/testsrc2.mp4" in originals
    assert not any(str(library_root) in path or path.startswith("/") for path in originals)


def test_server_paths_only_for_admin_and_unknown_formats_refused(
    client: TestClient, reader: dict[str, str], keys: Keys, cut_job: str, library_root: Path
) -> None:
    refused = client.get(f"/v1/jobs/{cut_job}/export/edl?bundle=false", headers=reader)
    assert refused.status_code == 403
    answer = client.get(f"/v1/jobs/{cut_job}/export/edl?bundle=false", headers=Keys.header(keys.admin))
    assert answer.status_code == 200, answer.text
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    edl = archive.read(f"{cut_job}-r2.edl").decode()
    assert str(library_root.resolve() / "desk" / "testsrc2.mp4") in edl
    assert client.get(f"/v1/jobs/{cut_job}/export/prproj", headers=reader).status_code == 422
    assert client.get("/v1/jobs/nope/export/otio", headers=reader).status_code == 404
