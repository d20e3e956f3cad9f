"""Budgeted MMR selection: the most salient non-redundant sentences, until the time budget is full."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from montage.narration.similarity import SentenceGraph


@dataclass(frozen=True)
class SelectionBudget:
    """The time budget and the rules of the greedy selection."""

    seconds: float
    mmr_lambda: float
    duplicate_similarity: float
    min_sentences: int


@dataclass(frozen=True)
class AlreadySaid:
    """How alike each sentence is to a line spoken before any selection (the title): two (n,) vectors.

    ``similarity`` adds to MMR redundancy; ``duplication`` at or above the threshold excludes the sentence.
    """

    similarity: NDArray[np.float32]
    duplication: NDArray[np.float32]


def _best(candidates: Sequence[int], gains: NDArray[np.float64]) -> int:
    """Highest gain; the earliest sentence wins a tie (deterministic)."""
    return min(candidates, key=lambda i: (-float(gains[i]), i))


def select_sentences(
    salience: NDArray[np.float64],
    graph: SentenceGraph,
    costs: Sequence[float],
    budget: SelectionBudget,
    *,
    already_said: AlreadySaid | None = None,
) -> list[int]:
    """Pick sentence indexes greedily by MMR gain ``λ·salience − (1−λ)·max similarity to what is chosen``.

    A sentence is eligible while it fits the budget, or when it overshoots by less than the time still
    missing (so the script ends closer to the target than stopping short would); after an overshoot,
    selection stops. The script thus lands within about half a sentence of the budget. A sentence whose
    duplication score with a chosen one (or with ``already_said``) reaches ``duplicate_similarity`` is
    never chosen.
    The first ``min_sentences`` picks ignore the budget. Returns indexes in article order.
    """
    n = len(costs)
    redundancy = np.zeros(n)
    duplication = np.zeros(n)
    graph_duplication = graph.duplication
    if already_said is not None:
        redundancy = np.clip(already_said.similarity.astype(np.float64), 0.0, 1.0)
        duplication = already_said.duplication.astype(np.float64)
    chosen: list[int] = []
    used = 0.0
    while True:
        open_ = [i for i in range(n) if i not in chosen and duplication[i] < budget.duplicate_similarity]
        if not open_:
            break
        gains = budget.mmr_lambda * salience - (1.0 - budget.mmr_lambda) * redundancy
        shortfall = budget.seconds - used
        if len(chosen) < budget.min_sentences:
            eligible = open_
        else:
            eligible = [i for i in open_ if costs[i] <= shortfall or costs[i] - shortfall < shortfall]
        if not eligible:
            break
        pick = _best(eligible, gains)
        chosen.append(pick)
        used += costs[pick]
        if used > budget.seconds and len(chosen) >= budget.min_sentences:
            break
        redundancy = np.maximum(redundancy, np.clip(graph.similarity[:, pick].astype(np.float64), 0.0, 1.0))
        duplication = np.maximum(duplication, graph_duplication[:, pick].astype(np.float64))
    return sorted(chosen)
