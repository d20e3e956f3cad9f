"""Editing a cut: swap, trim and sentence edits, then a re-render that redoes only the changed speech."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from montage.db.repositories.shots import all_shots
from montage.errors import InputError
from montage.pipeline.edit import library_shot_lookup, rerender
from montage.pipeline.make import make_video
from montage.pipeline.types import MakeRequest
from montage.timeline.edits import Edit, SentenceEdit, SwapEdit, TrimEdit, apply_edits
from tests.pipeline.conftest import IndexedLibrary
from tests.pipeline.test_make_video import ARTICLE

pytestmark = pytest.mark.slow


def test_swap_trim_rewrite_and_rerender(indexed_library: IndexedLibrary, tmp_path: Path) -> None:
    lib = indexed_library
    settings = lib.settings.model_copy(deep=True)
    settings.render = settings.render.model_copy(update={"end_card": False, "width": 320, "height": 180})
    made = make_video(
        MakeRequest(article=ARTICLE, kind="markdown", duration_s=20, dry_run=True),
        settings=settings,
        db=lib.db,
        channels=lib.channels,
        out_dir=tmp_path,
        name="draft",
    )
    original = made.timeline
    before = original.to_json()
    used = {s.shot.shot_id for s in original.segments if s.shot}
    # An unused alternative if the planner offers one, else any unused shot of the library (the planner
    # only offers alternatives that clear the relevance floor, which the small test library may not have).
    offered = [
        (s, a.shot_id) for s in original.segments if s.shot for a in s.alternatives if a.shot_id not in used
    ]
    with lib.db.sessions() as session:
        # longest first: ids hash the (temporary) path, so "the first" was a random shot, sometimes too
        # short for the segment even slowed to the limit
        shots = sorted(all_shots(session), key=lambda shot: (shot.start_s - shot.end_s, shot.id))
        spare = [shot.id for shot in shots if shot.id not in used]
    target, new_shot = offered[0] if offered else (next(s for s in original.segments if s.shot), spare[0])
    found = library_shot_lookup(lib.db)(new_shot)
    assert found is not None and target.shot is not None
    trim_in = round(found.start_s + 0.1, 6)  # 0.1 s into the swapped-in shot
    last = original.segments[-1].sentence_index
    rewritten = "Finally, the port opened a new terminal for ships."
    edited = apply_edits(
        original,
        [
            SwapEdit(segment=target.index, shot_id=new_shot),
            TrimEdit(segment=target.index, in_s=trim_in),
            SentenceEdit(segment=original.segments[-1].index, text=rewritten),
        ],
        lookup=library_shot_lookup(lib.db),
    )
    assert original.to_json() == before  # the earlier revision is untouched
    swapped = edited.segments[target.index]
    assert swapped.shot is not None and swapped.shot.shot_id == new_shot
    assert swapped.shot.in_s == pytest.approx(trim_in)
    assert swapped.shot.scores["chosen_by_editor"] == 1.0
    assert target.shot.shot_id in {a.shot_id for a in swapped.alternatives}
    untouched = {n.sentence_index: n.path for n in edited.narration if n.sentence_index != last}
    assert all(untouched.values())

    result = rerender(edited, settings=settings, db=lib.db, channels=lib.channels, out_dir=tmp_path / "r2")
    final = result.timeline
    final_shot = final.segments[target.index].shot
    assert final_shot is not None and final_shot.shot_id == new_shot
    assert {n.sentence_index: n.path for n in final.narration if n.sentence_index != last} == untouched
    new_clip = next(n for n in final.narration if n.sentence_index == last)
    assert new_clip.text == rewritten and Path(new_clip.path).is_file()
    assert final.segments[-1].end_s == pytest.approx(final.duration_s)
    assert result.outputs.video is not None
    duration = float(
        subprocess.run(
            [
                "ffprobe",
                "-v",
                "error",
                "-show_entries",
                "format=duration",
                "-of",
                "csv=p=0",
                str(result.outputs.video),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert abs(duration - final.duration_s) <= 1 / 30 + 0.03
    assert rewritten in " ".join(result.outputs.srt.read_text().split())
    assert json.loads(result.outputs.timeline.read_text()) == final.to_json()


def test_bad_edits_are_refused(indexed_library: IndexedLibrary, tmp_path: Path) -> None:
    lib = indexed_library
    made = make_video(
        MakeRequest(article=ARTICLE, kind="markdown", duration_s=20, dry_run=True),
        settings=lib.settings,
        db=lib.db,
        channels=lib.channels,
        out_dir=tmp_path,
        name="draft",
    )
    timeline = made.timeline
    used = [s for s in timeline.segments if s.shot]
    cases: list[tuple[Edit, str]] = [
        (SwapEdit(segment=999, shot_id=1), "segment_not_found"),
        (SwapEdit(segment=used[0].index, shot_id=12345), "shot_not_found"),
        (SentenceEdit(segment=0, text="  "), "empty_sentence"),
        (TrimEdit(segment=used[0].index, in_s=0.0, out_s=99.0), "invalid_trim"),
        # Issue 9: an in point beyond the shot was accepted and rendered as one frozen frame.
        (TrimEdit(segment=used[0].index, in_s=50.0), "trim_outside_shot"),
    ]
    for edit, code in cases:
        with pytest.raises(InputError) as caught:
            apply_edits(timeline, [edit], lookup=library_shot_lookup(lib.db))
        assert caught.value.code == code, (edit, caught.value.message)
