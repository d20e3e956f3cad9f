"""A piece of a long shot is placed where something happens, through the real pipeline: the indexer
stores each shot's activity profile and the planner moves a piece onto the motion (issue 8: watch what is on
screen, not an empty car park before the van arrives)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from montage.db.models import Shot
from montage.media.shot_activity import ACTIVITY_STEP_S, decode_activity

from .conftest import index_manifest_library

pytestmark = pytest.mark.slow

ARRIVES_AT_S = 5.0


def test_the_piece_shows_the_van_not_the_empty_car_park(tmp_path: Path) -> None:
    library = index_manifest_library(
        tmp_path,
        {
            "car_park.mp4": (
                "A van crosses an empty car park",
                "A white van drives across an empty grey car park.",
                "van;car park;parking",
                [("arrival", 7.5)],
            )
        },
    )
    with library.db.sessions() as session:
        (shot,) = session.scalars(select(Shot)).all()
        profile = decode_activity(shot.activity)
    arrival_step = round((ARRIVES_AT_S - shot.start_s) / ACTIVITY_STEP_S)
    assert max(profile[: arrival_step - 1]) < 0.5 < 1.0 < min(profile[arrival_step + 1 :]), profile

    timeline = library.dry_run_timeline("A white van drives across the empty car park.", tmp_path / "out")
    pieces = [s.shot for s in timeline.segments if s.shot is not None]
    assert pieces and all(p.path.endswith("car_park.mp4") for p in pieces)
    assert pieces[0].out_s - pieces[0].in_s < 7.0 - ARRIVES_AT_S + 2.0  # shorter than the shot...
    assert pieces[0].in_s >= ARRIVES_AT_S - 1.0, pieces  # ...and placed on the van, not the empty lot
