"""`montage export` as a user runs it: a timeline file (or make's output folder) to NLE files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import opentimelineio as otio
import pytest

from api.cli.export_command import parse_relink
from api.jobs import states
from api.jobs.repository import create_job
from api.jobs.revisions import RENDERED, add_revision
from montage.config import Settings
from montage.db.database import open_database
from montage.db.session import transaction
from montage.errors import InputError
from montage.timeline.json_io import write_timeline_json
from montage.timeline.model import Timeline

REPO = Path(__file__).resolve().parents[2]


def test_relink_pairs_are_old_equals_new() -> None:
    assert parse_relink(["/srv/footage=/Volumes/news"]) == {"/srv/footage": "/Volumes/news"}
    with pytest.raises(InputError, match="OLD=NEW"):
        parse_relink(["/srv/footage"])


def _rendered_job(data_dir: Path, timeline: Timeline) -> str:
    """A video job with ``timeline`` as its rendered revision 1, in the database of ``data_dir``."""
    db = open_database(Settings(data_dir=data_dir))
    try:
        with transaction(db.sessions) as session:
            job = create_job(session, states.VIDEO, {"article": "x"}, max_attempts=1)
            add_revision(session, job.id, timeline=timeline.to_json(), status=RENDERED)
            return job.id
    finally:
        db.engine.dispose()


@pytest.mark.slow
def test_export_command_writes_each_format_from_a_make_folder_or_a_job(
    export_cut: Timeline, tmp_path: Path
) -> None:
    outputs = tmp_path / "make-output"
    write_timeline_json(export_cut, outputs / "video.timeline.json")
    env = dict(os.environ, MONTAGE_DATA_DIR=str(tmp_path / "data"))
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "export", str(outputs), "-f", "fcp7xml", "-f", "aaf",
         "-o", str(tmp_path / "nle" / "cut"), "--json"],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    files = json.loads(done.stdout)["files"]
    assert set(files) == {"fcp7xml", "aaf"}
    for name, adapter in (("fcp7xml", "fcp_xml"), ("aaf", "AAF")):
        timeline = otio.adapters.read_from_file(files[name], adapter_name=adapter)
        assert len(timeline.video_tracks()[0].find_clips()) == len(export_cut.segments) + 1  # + end card
    job_id = _rendered_job(tmp_path / "data", export_cut)
    from_job = subprocess.run(
        [sys.executable, "-m", "api.cli", "export", job_id, "-f", "otio", "-o", str(tmp_path / "job.otio"),
         "--json"],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert from_job.returncode == 0, from_job.stderr[-2000:]
    timeline = otio.adapters.read_from_file(json.loads(from_job.stdout)["files"]["otio"])
    assert len(timeline.video_tracks()[0]) == len(export_cut.segments) + 1
    missing = subprocess.run(
        [sys.executable, "-m", "api.cli", "export", "no-such-job", "-f", "edl", "-o", str(tmp_path / "x")],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert missing.returncode == 2 and "job_not_found" in missing.stderr
