"""Group shots whose keyframes look the same (64-bit perceptual hashes within a Hamming distance).

Comparing every pair is O(n²). Instead each hash is cut into 4 bands of 16 bits and indexed per band
(multi-index hashing): if two hashes differ in at most ``d`` bits, then by the pigeonhole principle at
least one band differs in at most ``d // 4`` bits. Looking up, in every band, the band values within
that radius gives a candidate set that contains every true pair, so after verifying the full distance the
result is exactly the brute-force answer. Groups are the connected components of the "within distance"
graph (union-find), so grouping is transitive. Candidate generation and verification run in numpy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from montage.errors import InputError

HASH_BITS = 64
BAND_COUNT = 4
BAND_BITS = HASH_BITS // BAND_COUNT
_BAND_MASK = (1 << BAND_BITS) - 1
_HASH_MASK = (1 << HASH_BITS) - 1
_BRUTE_FORCE_MAX_HASHES = 256
"""Up to this many distinct hashes, comparing every pair is cheaper than probing the band index."""
_PAIRS_PER_CHUNK = 1 << 21
"""Candidate pairs materialised at once (bounds memory to a few tens of MB)."""


def hamming_distance(a: int, b: int) -> int:
    """Return the number of differing bits between two 64-bit hashes."""
    return ((a ^ b) & _HASH_MASK).bit_count()


def group_near_duplicates(hashes: dict[int, int], max_distance: int = 6) -> dict[int, int]:
    """Map every shot id to its near-duplicate group id (the smallest shot id in its group).

    ``hashes`` maps shot id → 64-bit perceptual hash; negative hashes (signed 64-bit database values) are
    read as two's complement. Two shots are linked when their hashes differ in at most ``max_distance``
    bits; a group is everything linked directly or through other shots. A shot with no near duplicate
    is its own group.

    Raises:
        InputError: ``max_distance`` is outside 0..64.
    """
    if not 0 <= max_distance <= HASH_BITS:
        raise InputError(f"max_distance must be between 0 and {HASH_BITS}, got {max_distance}")

    # Shots with identical hashes are trivially one group; the search works on distinct hashes only.
    ids_by_hash: dict[int, list[int]] = defaultdict(list)
    for shot_id, value in hashes.items():
        ids_by_hash[value & _HASH_MASK].append(shot_id)
    distinct = list(ids_by_hash)

    parent = list(range(len(distinct)))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(a: int, b: int) -> None:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)

    if max_distance > 0 and len(distinct) > 1:
        values = np.array(distinct, dtype=np.uint64)
        for left, right in _linked_pairs(values, max_distance):
            union(left, right)

    smallest_in_group: dict[int, int] = {}
    for node, value in enumerate(distinct):
        root = find(node)
        group_min = min(ids_by_hash[value])
        if root not in smallest_in_group or group_min < smallest_in_group[root]:
            smallest_in_group[root] = group_min
    return {
        shot_id: smallest_in_group[find(node)]
        for node, value in enumerate(distinct)
        for shot_id in ids_by_hash[value]
    }


def regroup_near_duplicates(
    ids: NDArray[np.int64],
    hashes: NDArray[np.int64],
    groups: NDArray[np.int64],
    grouped: NDArray[np.bool_],
    max_distance: int = 6,
) -> dict[int, int]:
    """The group changes that make a library's stored groups equal to :func:`group_near_duplicates` of all
    its hashes, computing only around the shots that have no group yet.

    ``ids``, ``hashes`` (signed 64-bit values) and ``groups`` describe every shot with a hash; ``grouped``
    is false for the shots stored without a group: new shots, and the remaining members of every group
    that lost a shot (a deletion can split a group, so its members are released when one is deleted).
    Every other group must be as an earlier grouping left it. Returns ``{shot id: new group}`` for the
    shots whose group changes.

    Exact, not approximate: the new components are recomputed over the ungrouped shots and every stored
    group one of them links to. A stored group no ungrouped shot links to is a whole component of the
    library (it was one when grouped, lost no member and gained no link), so it stays as it is.
    """
    if not len(ids) or grouped.all():
        return {}
    loose = np.flatnonzero(~grouped)
    if len(loose) * 2 > len(ids):
        members = np.ones(len(ids), dtype=bool)  # mostly new: grouping everything is as cheap
    else:
        linked = np.zeros(len(ids), dtype=bool)
        for _loose, other in _linked_pairs(hashes.view(np.uint64), max_distance, probes=loose):
            linked[other] = True
        touched = np.unique(groups[linked & grouped])
        members = ~grouped | np.isin(groups, touched) & grouped
    member_ids = ids[members].tolist()
    regrouped = group_near_duplicates(
        dict(zip(member_ids, hashes[members].tolist(), strict=True)), max_distance
    )
    new = np.array([regrouped[shot_id] for shot_id in member_ids], dtype=np.int64)
    changed = ~grouped[members] | (groups[members] != new)
    return dict(zip(ids[members][changed].tolist(), new[changed].tolist(), strict=True))


def _linked_pairs(
    values: NDArray[np.uint64], max_distance: int, probes: NDArray[np.int64] | None = None
) -> Iterator[tuple[int, int]]:
    """Yield index pairs of hashes at most ``max_distance`` bits apart (may repeat).

    Without ``probes``: every such pair ``(i, j)`` with ``i < j``. With ``probes`` (indices into
    ``values``): every pair ``(i, j)``, ``i != j``, with ``i`` among the probes.
    """
    masks = _masks_up_to(max_distance // BAND_COUNT)
    # Probing costs about 4·|masks|·n²/2¹⁶ comparisons, comparing everything n²/2.
    if len(values) <= _BRUTE_FORCE_MAX_HASHES or 8 * len(masks) >= 1 << BAND_BITS:
        yield from _brute_force_pairs(values, max_distance, probes)
        return
    probing = np.arange(len(values), dtype=np.int64) if probes is None else probes
    for band in range(BAND_COUNT):
        keys = ((values >> np.uint64(band * BAND_BITS)) & np.uint64(_BAND_MASK)).astype(np.int64)
        order = np.argsort(keys, kind="stable")
        # Bucket of every 16-bit key as a run of ``order``: a direct table, no search needed.
        bucket_sizes = np.bincount(keys, minlength=1 << BAND_BITS)
        bucket_starts = np.cumsum(bucket_sizes) - bucket_sizes
        for mask in masks:
            probe_keys = keys[probing] ^ mask
            starts = bucket_starts[probe_keys]
            counts = bucket_sizes[probe_keys]
            for chunk in _chunks_by_total(counts, _PAIRS_PER_CHUNK):
                chunk_counts = counts[chunk]
                total = int(chunk_counts.sum())
                if total == 0:
                    continue
                left = np.repeat(probing[chunk], chunk_counts)
                run_starts = np.repeat(np.cumsum(chunk_counts) - chunk_counts, chunk_counts)
                right = order[np.arange(total) - run_starts + np.repeat(starts[chunk], chunk_counts)]
                yield from _verified(values, left, right, max_distance, ordered=probes is None)


def _brute_force_pairs(
    values: NDArray[np.uint64], max_distance: int, probes: NDArray[np.int64] | None = None
) -> Iterator[tuple[int, int]]:
    """Compare every pair (or every probe with every hash), a block of rows at a time."""
    count = len(values)
    rows_from = np.arange(count, dtype=np.int64) if probes is None else probes
    rows_per_block = max(1, _PAIRS_PER_CHUNK // max(count, 1))
    for first in range(0, len(rows_from), rows_per_block):
        rows = rows_from[first : first + rows_per_block]
        left = np.repeat(rows, count)
        right = np.tile(np.arange(count, dtype=np.int64), len(rows))
        yield from _verified(values, left, right, max_distance, ordered=probes is None)


def _verified(
    values: NDArray[np.uint64],
    left: NDArray[np.int64],
    right: NDArray[np.int64],
    max_distance: int,
    *,
    ordered: bool = True,
) -> Iterator[tuple[int, int]]:
    """Yield the candidate pairs whose hashes are within ``max_distance`` bits: those with ``left < right``
    when ``ordered``, else those with ``left != right``."""
    keep = left < right if ordered else left != right
    left, right = left[keep], right[keep]
    close = _popcount(values[left] ^ values[right]) <= max_distance
    yield from zip(left[close].tolist(), right[close].tolist(), strict=True)


def _chunks_by_total(counts: NDArray[np.int64], limit: int) -> Iterator[slice]:
    """Split ``range(len(counts))`` into slices whose counts sum to about ``limit`` (at least one item)."""
    ends = np.cumsum(counts)
    start = 0
    while start < len(counts):
        base = int(ends[start - 1]) if start else 0
        stop = int(np.searchsorted(ends, base + limit, side="right"))
        stop = max(stop, start + 1)
        yield slice(start, stop)
        start = stop


_BYTE_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def _popcount(words: NDArray[np.uint64]) -> NDArray[np.int64]:
    """Number of set bits of each 64-bit word."""
    if hasattr(np, "bitwise_count"):  # numpy >= 2.0
        return np.bitwise_count(words).astype(np.int64)
    return _popcount_by_table(words)


def _popcount_by_table(words: NDArray[np.uint64]) -> NDArray[np.int64]:
    """Number of set bits of each 64-bit word, by byte lookup table (numpy < 2.0)."""
    as_bytes = words.view(np.uint8).reshape(-1, 8)
    counts: NDArray[np.int64] = _BYTE_POPCOUNT[as_bytes].sum(axis=1, dtype=np.int64)
    return counts


def _masks_up_to(radius: int) -> list[int]:
    """Return every 16-bit mask with at most ``radius`` bits set (0 first)."""
    masks = [0]
    for bits in range(1, min(radius, BAND_BITS) + 1):
        for positions in combinations(range(BAND_BITS), bits):
            mask = 0
            for position in positions:
                mask |= 1 << position
            masks.append(mask)
    return masks
