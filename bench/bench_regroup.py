"""Benchmark near-duplicate regrouping after a night's changes; prints one JSON object.

``--n`` shots with 64-bit hashes (random, plus planted clusters of near copies) are grouped from scratch —
the baseline, measured in the same run, and what every index run did before regrouping became incremental.
Then ``--change`` of the shots are deleted (releasing their groups, as the indexer does) and as many new
shots added, some of them near copies of stored ones, and only the ungrouped shots are regrouped
(``regroup_near_duplicates``). The result is checked against grouping the changed library from scratch.

    nice .venv/bin/python bench/bench_regroup.py                 # 1,000,000 shots (~3 min)
    .venv/bin/python bench/bench_regroup.py --n 100000
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from numpy.typing import NDArray

from indexer.near_duplicates import group_near_duplicates, regroup_near_duplicates


def _hashes(rng: np.random.Generator, count: int) -> NDArray[np.int64]:
    """Random hashes; a tenth of them near copies (1–3 bits flipped) of another one."""
    values = rng.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, count, dtype=np.int64)
    copies = rng.choice(count, size=count // 10, replace=False)
    originals = rng.choice(count, size=len(copies), replace=True)
    near = values[originals].view(np.uint64).copy()
    for _flip in range(int(rng.integers(1, 4))):
        near ^= np.uint64(1) << rng.integers(0, 64, len(copies)).astype(np.uint64)
    values[copies] = near.view(np.int64)
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--change", type=float, default=0.01, help="share of shots deleted and added each")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    ids = np.sort(rng.choice(1 << 62, size=args.n + args.n // 10, replace=False).astype(np.int64))
    new_ids = ids[args.n :]
    ids = np.sort(rng.permutation(ids[: args.n]))
    hashes = _hashes(rng, args.n)

    started = time.perf_counter()
    groups = group_near_duplicates(dict(zip(ids.tolist(), hashes.tolist(), strict=True)))
    baseline = time.perf_counter() - started

    # A night: delete some shots (their groups are released), add new ones, some near copies of stored ones.
    each = int(args.n * args.change)
    stored = np.array([groups[i] for i in ids.tolist()], dtype=np.int64)
    deleted = rng.choice(args.n, size=each, replace=False)
    released = np.isin(stored, stored[deleted])
    keep = np.ones(args.n, dtype=bool)
    keep[deleted] = False
    added_ids = np.sort(rng.choice(new_ids, size=each, replace=False))
    added_hashes = rng.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, each, dtype=np.int64)
    near = rng.choice(np.flatnonzero(keep), size=each // 2, replace=False)
    added_hashes[: each // 2] = hashes[near] ^ np.int64(0b11)
    all_ids = np.concatenate([ids[keep], added_ids])
    order = np.argsort(all_ids)
    all_ids = all_ids[order]
    all_hashes = np.concatenate([hashes[keep], added_hashes])[order]
    all_groups = np.concatenate([stored[keep], np.zeros(each, np.int64)])[order]
    grouped = np.concatenate([~released[keep], np.zeros(each, bool)])[order]

    started = time.perf_counter()
    changes = regroup_near_duplicates(all_ids, all_hashes, all_groups, grouped)
    incremental = time.perf_counter() - started

    after = dict(zip(all_ids.tolist(), all_groups.tolist(), strict=True))
    after.update(changes)
    started = time.perf_counter()
    exact = group_near_duplicates(dict(zip(all_ids.tolist(), all_hashes.tolist(), strict=True)))
    rebuilt = time.perf_counter() - started
    print(
        json.dumps(
            {
                "shots": args.n,
                "deleted": each,
                "added": each,
                "released_by_deletion": int(released.sum()) - each,
                "groups_of_two_or_more": int(np.sum(np.unique(stored, return_counts=True)[1] > 1)),
                "baseline_group_everything_s": round(baseline, 2),
                "regroup_after_changes_s": round(incremental, 3),
                "regroup_vs_baseline": round(incremental / baseline, 4),
                "shots_changed_group": len(changes),
                "equals_grouping_from_scratch": after == exact,
                "group_from_scratch_after_changes_s": round(rebuilt, 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
