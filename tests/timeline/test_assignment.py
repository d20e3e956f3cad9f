"""The shot assignment finds the optimum of small problems (checked by exhaustive search)."""

from __future__ import annotations

import itertools
import random

from montage.timeline.assignment import (
    FALLBACK,
    AssignmentProblem,
    Option,
    is_feasible,
    objective,
    solve_assignment,
)


def _brute_force(problem: AssignmentProblem) -> float:
    best = float("-inf")
    choices = [[*range(len(options)), FALLBACK] for options in problem.options]
    for choice in itertools.product(*choices):
        if is_feasible(problem, choice):
            best = max(best, objective(problem, choice))
    return best


def _random_problem(rng: random.Random) -> AssignmentProblem:
    segments, keys, groups = rng.randint(3, 6), rng.randint(2, 6), rng.randint(1, 3)
    group_of = {k: rng.randrange(groups) for k in range(keys)}
    options = [
        [
            Option(k, group_of[k], round(rng.uniform(0.1, 1.0), 3))
            for k in rng.sample(range(keys), rng.randint(1, min(4, keys)))
        ]
        for _ in range(segments)
    ]
    penalty = rng.choice([0.1, 0.3, 0.8])
    return AssignmentProblem(options, [-1.0] * segments, [penalty] * (segments - 1))


def test_matches_exhaustive_search_on_random_small_problems() -> None:
    rng = random.Random(20240601)
    for _ in range(80):
        problem = _random_problem(rng)
        choice = solve_assignment(problem)
        assert is_feasible(problem, choice)
        assert objective(problem, choice) == _brute_force(problem)


def test_greedy_trap_is_avoided() -> None:
    # Segment 0 prefers key 1 slightly; segment 1 can only use key 1.
    problem = AssignmentProblem(
        options=[[Option(1, 1, 0.9), Option(2, 2, 0.85)], [Option(1, 1, 0.88)]],
        fallback_values=[-1.0, -1.0],
        pair_penalties=[0.2],
    )
    assert solve_assignment(problem) == [1, 0]
