"""Issue #13: a bundled export opens from anywhere (media inside, relative paths); a relink map otherwise."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import opentimelineio as otio
import pytest

from montage.export.write import export_timeline
from montage.options.render import RenderOptions
from montage.timeline.model import Timeline

from .conftest import media_root
from .mlt_read import read_mlt

QUICK = RenderOptions(end_card=False)


def test_bundle_moves_to_another_place_and_still_finds_every_file(
    export_cut: Timeline, tmp_path: Path
) -> None:
    result = export_timeline(export_cut, tmp_path / "project", ["otio", "mlt"], bundle=True, options=QUICK)
    shot = Path(next(s.shot.path for s in export_cut.segments if s.shot is not None))
    assert (result.folder / "media" / shot.name).stat().st_ino == shot.stat().st_ino  # a hard link, no copy
    moved = Path(shutil.move(str(result.folder), str(tmp_path / "elsewhere" / "project")))
    timeline = otio.adapters.read_from_file(str(moved / "montage.otio"))
    for clip in timeline.find_clips():
        address = clip.media_reference.target_url
        assert not Path(address).is_absolute(), address
        assert (moved / address).is_file(), address
    _profile, playlists = read_mlt(moved / "montage.mlt")
    for clips in playlists.values():
        for clip in clips:
            assert clip.resource == "black" or (moved / clip.resource).is_file(), clip
    with (moved / "relink.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    roles = {row["role"] for row in rows}
    assert roles == {"shot", "narration", "music", "card"}
    assert all((moved / row["timeline_path"]).is_file() for row in rows)


def test_relink_rewrites_where_media_live_on_the_editing_machine(
    export_cut: Timeline, tmp_path: Path
) -> None:
    root = media_root(export_cut).resolve()
    result = export_timeline(
        export_cut, tmp_path / "cut.otio", "otio", relink={str(root): "/Volumes/news/footage"}, options=QUICK
    )
    timeline = otio.adapters.read_from_file(str(result.path))
    urls = [c.media_reference.target_url for c in timeline.find_clips()]
    assert any(url.startswith("file:///Volumes/news/footage/") for url in urls)
    assert not any(str(root) in url for url in urls)
    with (result.folder / "relink.csv").open(encoding="utf-8") as handle:
        rows = {row["original_path"]: row["timeline_path"] for row in csv.DictReader(handle)}
    assert rows[str(root / "testsrc2.mp4")] == "/Volumes/news/footage/testsrc2.mp4"


def test_unknown_format_is_refused(export_cut: Timeline, tmp_path: Path) -> None:
    from montage.errors import InputError

    with pytest.raises(InputError, match="unknown export format"):
        export_timeline(export_cut, tmp_path / "x", "prproj")
