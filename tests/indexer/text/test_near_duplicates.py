"""Near-duplicate grouping must equal the brute-force answer (connected components within the distance)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from indexer.near_duplicates import (
    _popcount_by_table,
    group_near_duplicates,
    hamming_distance,
    regroup_near_duplicates,
)
from montage.errors import InputError


def _brute_force_groups(hashes: dict[int, int], max_distance: int) -> dict[int, int]:
    """Reference answer: all pairwise distances with numpy, then components by repeated min-propagation."""
    ids = np.array(sorted(hashes), dtype=np.int64)
    values = np.array([hashes[i] & (2**64 - 1) for i in ids.tolist()], dtype=np.uint64)
    distances = np.bitwise_count(values[:, None] ^ values[None, :])
    linked = distances <= max_distance
    labels = ids.copy()
    while True:
        # Each node takes the smallest label among its neighbours (itself included).
        new = np.where(linked, labels[None, :], np.iinfo(np.int64).max).min(axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
    return dict(zip(ids.tolist(), labels.tolist(), strict=True))


def _planted_clusters(rng: random.Random, clusters: int, per_cluster: int, max_flips: int) -> dict[int, int]:
    """Random base hashes, each with copies that differ in 0..max_flips random bits (ids random)."""
    hashes: dict[int, int] = {}
    for _ in range(clusters):
        base = rng.getrandbits(64)
        for _ in range(per_cluster):
            value = base
            for bit in rng.sample(range(64), rng.randint(0, max_flips)):
                value ^= 1 << bit
            hashes[rng.getrandbits(63)] = value
    return hashes


@pytest.mark.parametrize(("seed", "max_distance"), [(1, 6), (2, 6), (3, 3), (4, 9), (5, 0)])
def test_matches_brute_force_on_random_clusters(seed: int, max_distance: int) -> None:
    rng = random.Random(seed)
    hashes = _planted_clusters(rng, clusters=150, per_cluster=8, max_flips=max_distance + 3)
    for _ in range(300):  # unrelated singletons
        hashes[rng.getrandbits(63)] = rng.getrandbits(64)

    groups = group_near_duplicates(hashes, max_distance=max_distance)

    assert groups == _brute_force_groups(hashes, max_distance)
    # The planted data really exercises the threshold: some groups, and some near-miss pairs left apart.
    assert len(set(groups.values())) < len(hashes)


def test_large_distance_falls_back_to_all_pairs_and_still_matches() -> None:
    rng = random.Random(7)
    hashes = _planted_clusters(rng, clusters=20, per_cluster=5, max_flips=30)
    assert group_near_duplicates(hashes, max_distance=24) == _brute_force_groups(hashes, 24)


def test_grouping_is_transitive_and_uses_smallest_id() -> None:
    # 10 -> 20 -> 30 each 4 bits apart; 10 and 30 are 8 bits apart but still one group through 20.
    hashes = {30: 0xFF, 20: 0x0F, 10: 0x00, 40: 0xFFFF_0000_0000_0000}
    assert hamming_distance(hashes[10], hashes[30]) == 8
    assert group_near_duplicates(hashes, max_distance=4) == {10: 10, 20: 10, 30: 10, 40: 40}


def test_identical_hashes_negative_values_and_edge_cases() -> None:
    minus_one = -1  # signed 64-bit database value of 0xFFFF_FFFF_FFFF_FFFF
    hashes = {5: minus_one, 3: 2**64 - 1, 9: 2**64 - 2, 7: 12345}
    assert group_near_duplicates(hashes, max_distance=0) == {5: 3, 3: 3, 9: 9, 7: 7}
    assert group_near_duplicates(hashes, max_distance=1) == {5: 3, 3: 3, 9: 3, 7: 7}
    assert group_near_duplicates({}) == {}
    assert group_near_duplicates({1: 0}) == {1: 1}
    with pytest.raises(InputError):
        group_near_duplicates(hashes, max_distance=65)


def test_table_popcount_matches_python() -> None:
    rng = random.Random(11)
    words = [0, 2**64 - 1, *(rng.getrandbits(64) for _ in range(200))]
    counts = _popcount_by_table(np.array(words, dtype=np.uint64))
    assert counts.tolist() == [w.bit_count() for w in words]


def _chain(rng: random.Random, links: int, step_bits: int) -> list[int]:
    """Hashes each ``step_bits`` bits from the last: linked one to the next, the ends far apart."""
    value = rng.getrandbits(64)
    chain = [value]
    for _ in range(links):
        for bit in rng.sample(range(64), step_bits):
            value ^= 1 << bit
        chain.append(value)
    return chain


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


class StoredGroups:
    """A library's stored groups, changed the way the index does it: new shots arrive ungrouped; deleting
    a shot releases (ungroups) the rest of its group."""

    def __init__(self) -> None:
        self.hashes: dict[int, int] = {}
        self.groups: dict[int, int | None] = {}

    def add(self, hashes: dict[int, int]) -> None:
        for shot_id, value in hashes.items():
            self.hashes[shot_id] = value
            self.groups[shot_id] = None

    def delete(self, shot_ids: list[int]) -> None:
        released = {self.groups[i] for i in shot_ids} - {None}
        for shot_id in shot_ids:
            del self.hashes[shot_id], self.groups[shot_id]
        for shot_id, group in self.groups.items():
            if group in released:
                self.groups[shot_id] = None

    def regroup(self, max_distance: int) -> dict[int, int]:
        ids = np.array(sorted(self.hashes), dtype=np.int64)
        changes = regroup_near_duplicates(
            ids,
            np.array([_signed(self.hashes[i]) for i in ids.tolist()], dtype=np.int64),
            np.array([self.groups[i] or 0 for i in ids.tolist()], dtype=np.int64),
            np.array([self.groups[i] is not None for i in ids.tolist()], dtype=bool),
            max_distance,
        )
        self.groups.update(changes)
        return changes


@pytest.mark.parametrize(("seed", "max_distance"), [(11, 6), (12, 6), (13, 2), (14, 0)])
def test_regrouping_around_new_and_released_shots_equals_grouping_everything(
    seed: int, max_distance: int
) -> None:
    rng = random.Random(seed)
    library = StoredGroups()
    library.add(_planted_clusters(rng, clusters=60, per_cluster=5, max_flips=max_distance + 2))
    chains = [_chain(rng, links=6, step_bits=max(1, max_distance - 1)) for _ in range(10)]
    library.add({rng.getrandbits(63): value for chain in chains for value in chain})
    library.add({rng.getrandbits(63): rng.getrandbits(64) for _ in range(400)})
    library.regroup(max_distance)
    assert library.groups == group_near_duplicates(library.hashes, max_distance)
    for _night in range(4):
        ids = sorted(library.hashes)
        library.delete(rng.sample(ids, 40))  # splits chains and groups, removes smallest ids
        near_existing = {
            rng.getrandbits(63): library.hashes[i] ^ (1 << rng.randrange(64))
            for i in rng.sample(ids, 30)
            if i in library.hashes
        }
        library.add(near_existing | _planted_clusters(rng, clusters=5, per_cluster=3, max_flips=max_distance))
        changes = library.regroup(max_distance)
        assert library.groups == group_near_duplicates(library.hashes, max_distance)
        assert len(changes) < len(library.hashes) // 2  # only the shots around the changes


def test_regrouping_merges_two_groups_through_a_new_shot_and_splits_them_when_it_goes() -> None:
    library = StoredGroups()
    library.add({10: 0b0, 20: 0b11, 30: 0b1111100, 40: 0b11111100})
    library.regroup(4)
    assert library.groups == {10: 10, 20: 10, 30: 30, 40: 30}
    library.add({5: 0b1100})  # within 4 bits of all four: one group, named by the smallest id
    assert library.regroup(4) == {5: 5, 10: 5, 20: 5, 30: 5, 40: 5}
    library.delete([5])  # the group is released and splits again
    assert library.regroup(4) == {10: 10, 20: 10, 30: 30, 40: 30}
    assert library.regroup(4) == {}
