"""Near-duplicate grouping must equal the brute-force answer (connected components within the distance)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from indexer.near_duplicates import _popcount_by_table, group_near_duplicates, hamming_distance
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
