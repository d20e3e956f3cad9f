"""Search hits fold near-duplicate shots into the best of their group (issue 9: near-duplicates grouped)."""

from __future__ import annotations

from api.service.routes.shots import fold_near_duplicates
from montage.retrieval.shot_search import ShotHit


def _hit(shot_id: int, score: float) -> ShotHit:
    return ShotHit(
        shot_id, f"clip{shot_id}.mp4", f"/lib/clip{shot_id}.mp4", 0.0, 3.0, score, {}, "", "", "", None, "", 1
    )


def test_near_duplicates_fold_into_the_best_hit_of_their_group_and_order_is_kept() -> None:
    hits = [_hit(1, 0.9), _hit(2, 0.8), _hit(3, 0.7), _hit(4, 0.6), _hit(5, 0.5)]
    groups: dict[int, int | None] = {1: 10, 2: None, 3: 10, 4: 20, 5: 20}
    folded = fold_near_duplicates(hits, groups)
    assert [(hit.shot_id, similar) for hit, similar in folded] == [(1, [3]), (2, []), (4, [5])]


def test_shots_without_a_group_are_never_folded() -> None:
    hits = [_hit(1, 0.9), _hit(2, 0.8)]
    assert [similar for _, similar in fold_near_duplicates(hits, {})] == [[], []]
