"""Global choice of one option per segment: each resource used once, penalties for equal neighbours.

The problem: segment ``j`` takes one of its options (value ``v``, resource ``key`` = shot id, ``group`` =
source file) or its fallback (value ``fallback_values[j]``). Each key may be used once; two neighbouring
segments with the same group cost ``pair_penalties[j]``. Maximise the total.

Solved by Lagrangian relaxation: prices on keys turn the problem into a chain that dynamic programming
(Viterbi) solves exactly; subgradient steps raise the price of keys used twice. Every iteration also
repairs its chain into a feasible assignment with a min-cost bipartite matching
(``scipy.optimize.linear_sum_assignment``) whose costs include the neighbours' penalties; the best
feasible assignment seen is returned. Everything is deterministic (first index wins every tie).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

FALLBACK = -1
_INFEASIBLE = 1e9


@dataclass(frozen=True)
class Option:
    """One way to fill a segment."""

    key: int
    group: int
    value: float


@dataclass(frozen=True)
class AssignmentProblem:
    """Options per segment, the value of falling back per segment, and the neighbour penalties."""

    options: list[list[Option]]
    fallback_values: list[float]
    pair_penalties: list[float]


def objective(problem: AssignmentProblem, choice: Sequence[int]) -> float:
    """Total value of a choice (option index per segment, FALLBACK for the fallback), penalties included."""
    total = 0.0
    for j, picked in enumerate(choice):
        total += problem.fallback_values[j] if picked == FALLBACK else problem.options[j][picked].value
    for j in range(len(choice) - 1):
        left, right = choice[j], choice[j + 1]
        if (
            left != FALLBACK
            and right != FALLBACK
            and problem.options[j][left].group == problem.options[j + 1][right].group
        ):
            total -= problem.pair_penalties[j]
    return total


def is_feasible(problem: AssignmentProblem, choice: Sequence[int]) -> bool:
    """True when no key is used twice."""
    keys = [problem.options[j][c].key for j, c in enumerate(choice) if c != FALLBACK]
    return len(keys) == len(set(keys))


def _chain_dp(problem: AssignmentProblem, prices: dict[int, float]) -> list[int]:
    """Best chain ignoring key uniqueness, with each key's price subtracted from its options' values."""
    rows: list[NDArray[np.float64]] = []
    groups: list[NDArray[np.int64]] = []
    real: list[NDArray[np.bool_]] = []
    for j, options in enumerate(problem.options):
        values = [o.value - prices.get(o.key, 0.0) for o in options] + [problem.fallback_values[j]]
        rows.append(np.asarray(values, dtype=np.float64))
        groups.append(np.asarray([o.group for o in options] + [0], dtype=np.int64))
        real.append(np.asarray([True] * len(options) + [False]))
    best = rows[0]
    back: list[NDArray[np.intp]] = []
    for j in range(1, len(rows)):
        same = (groups[j - 1][:, None] == groups[j][None, :]) & real[j - 1][:, None] & real[j][None, :]
        through = best[:, None] - problem.pair_penalties[j - 1] * same
        pointer = np.argmax(through, axis=0)
        back.append(pointer)
        best = through[pointer, np.arange(len(rows[j]))] + rows[j]
    position = int(np.argmax(best))
    path = [position]
    for pointer in reversed(back):
        position = int(pointer[position])
        path.append(position)
    path.reverse()
    return [FALLBACK if p == len(problem.options[j]) else p for j, p in enumerate(path)]


def _matching(problem: AssignmentProblem, context: Sequence[int] | None) -> list[int]:
    """A feasible choice by min-cost matching; with ``context``, options pay penalties against its picks."""
    count = len(problem.options)
    keys = sorted({o.key for options in problem.options for o in options})
    column = {key: i for i, key in enumerate(keys)}
    cost = np.full((count, len(keys) + count), _INFEASIBLE, dtype=np.float64)
    for j, options in enumerate(problem.options):
        cost[j, len(keys) + j] = -problem.fallback_values[j]
        for option in options:
            value = option.value
            if context is not None:
                for neighbour, penalty_at in ((j - 1, j - 1), (j + 1, j)):
                    if (
                        0 <= neighbour < count
                        and context[neighbour] != FALLBACK
                        and problem.options[neighbour][context[neighbour]].group == option.group
                    ):
                        value -= problem.pair_penalties[penalty_at]
            cost[j, column[option.key]] = min(cost[j, column[option.key]], -value)
    rows, cols = linear_sum_assignment(cost)
    choice = [FALLBACK] * count
    for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
        if col < len(keys):
            key = keys[col]
            choice[row] = next(i for i, o in enumerate(problem.options[row]) if o.key == key)
    return choice


def solve_assignment(problem: AssignmentProblem, *, iterations: int = 60) -> list[int]:
    """The best feasible choice found (option index per segment, FALLBACK = fallback)."""
    if not problem.options:
        return []
    best = _matching(problem, None)
    best_value = objective(problem, best)
    prices: dict[int, float] = {}
    scale = max((abs(o.value) for options in problem.options for o in options), default=1.0) or 1.0
    for iteration in range(iterations):
        chain = _chain_dp(problem, prices)
        uses = Counter(problem.options[j][c].key for j, c in enumerate(chain) if c != FALLBACK)
        candidates = [chain] if is_feasible(problem, chain) else []
        candidates.append(_matching(problem, chain))
        for choice in candidates:
            value = objective(problem, choice)
            if value > best_value + 1e-12:
                best, best_value = choice, value
        priced_unused = any(price > 0 and uses.get(key, 0) == 0 for key, price in prices.items())
        if is_feasible(problem, chain) and not priced_unused:
            break  # the relaxed optimum is feasible and complementary: it is optimal
        step = scale / (iteration + 2)
        for key in set(prices) | set(uses):
            gradient = uses.get(key, 0) - 1
            prices[key] = max(0.0, prices.get(key, 0.0) + step * gradient)
    return best
