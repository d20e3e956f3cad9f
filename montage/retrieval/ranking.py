"""The one ranking path: every query of a pool scored with the same features and the same formula.

``montage search``, the shot search API, ``montage make`` and the editor's alternatives all come through
:func:`rank_pool`, so what an editor finds in search is what the pipeline would choose, with the same
score parts. A query is its text alone (plus the things it quotes), so the same sentence ranks the same in
search and in a whole article.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from montage.options.relevance import RelevanceWeights
from montage.retrieval.candidates import CandidatePool
from montage.retrieval.features import CandidateFeatures, ScoredCandidate, SentenceQuery
from montage.retrieval.keyword_library import shot_document
from montage.retrieval.named_things import NamedThing, named_things
from montage.retrieval.scoring import score_candidates
from montage.retrieval.script import dominant_script


def query_named_things(text: str) -> list[NamedThing]:
    """The named things a query is matched on (quoted words and short phrases, in reading order)."""
    return named_things(text)


def _label_sim(pool: CandidatePool, row: int, column: int) -> float | None:
    if pool.label_sims is None or np.isnan(pool.label_sims[row, column]):
        return None
    return float(pool.label_sims[row, column])


def rank_pool(
    pool: CandidatePool,
    queries: Sequence[SentenceQuery],
    weights: RelevanceWeights,
    *,
    keep: int | None = None,
) -> list[list[ScoredCandidate]]:
    """Score every pooled shot for every query (rows of the pool's similarity matrices), best first."""
    documents = {
        shot_id: shot_document(pool.shots[shot_id].title, pool.shots[shot_id].text, pool.shots[shot_id].tags)
        for shot_id in pool.order
    }
    scripts = {shot_id: dominant_script(documents[shot_id]) for shot_id in pool.order}
    ranked: list[list[ScoredCandidate]] = []
    for row, query in enumerate(queries):
        query_script = dominant_script(query.text)
        features = []
        for column, shot_id in enumerate(pool.order):
            facts = pool.shots[shot_id]
            named_sim: float | None = None
            named_position: int | None = None
            if pool.named_sims is not None and not np.isnan(pool.named_sims[row, column]):
                named_sim = float(pool.named_sims[row, column])
                assert pool.named_positions is not None
                named_position = int(pool.named_positions[row, column])
            features.append(
                CandidateFeatures(
                    shot_id=shot_id,
                    visual_sim=None if pool.visual_sims is None else float(pool.visual_sims[row, column]),
                    text_sim=float(pool.text_sims[row, column]),
                    shot_text=documents[shot_id],
                    tags=facts.tags,
                    quality=facts.quality,
                    duration_s=facts.duration_s,
                    source_id=facts.source_id,
                    named_sim=named_sim,
                    named_position=named_position,
                    same_script=scripts[shot_id] == query_script,
                    label_sim=_label_sim(pool, row, column),
                )
            )
        scored = score_candidates(query, features, pool.keyword_index, weights)
        ranked.append(scored if keep is None else scored[:keep])
    return ranked
