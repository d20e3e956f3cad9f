"""Candidate shots for many queries at once: ANN candidates per channel, then exact similarities from the DB.

The union of candidates over all queries is scored against every query, so each sentence sees the same
candidate pool (stable, explainable scores) and each vector is read from the database once. The pool also
carries what scoring needs beyond the vectors: the library-wide keyword index, and for each query the best
similarity between a thing it names and each shot's labels (tags, title).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session, sessionmaker

from montage.db.models import Shot
from montage.db.repositories.shots import shots_by_ids, vectors_for
from montage.embedding.protocol import TextEmbedder
from montage.media.shot_activity import decode_activity
from montage.relevance.tokenizer import tokenize
from montage.retrieval.bm25 import KeywordIndex
from montage.retrieval.keyword_library import library_keyword_index
from montage.retrieval.named_things import NamedThing
from montage.search.channels import TEXT, VISUAL, Channels
from montage.search.vector_index import load_vector_index

_LABEL_CACHE_MAX = 50_000
_MAX_QUERY_TERMS = 32
_label_vectors: dict[tuple[str, str], NDArray[np.float32]] = {}


@dataclass(frozen=True)
class ShotFacts:
    """What scoring and alignment need to know about one shot, detached from the database."""

    shot_id: int
    source_id: int
    path: str
    rel_path: str
    start_s: float
    end_s: float
    quality: float
    text: str
    tags: tuple[str, ...]
    license: str
    attribution: str
    title: str
    source_url: str
    duplicate_group: int | None
    keyframe_path: str | None
    source_cut_points_s: tuple[float, ...]
    activity: tuple[float, ...] = ()
    """Motion per half second of the shot (``montage.media.shot_activity``; empty when not measured)."""

    @property
    def duration_s(self) -> float:
        """Length of the shot."""
        return self.end_s - self.start_s


@dataclass(frozen=True)
class CandidatePool:
    """Shots considered for a run and their similarity to each query, per channel (None = unavailable)."""

    shots: dict[int, ShotFacts]
    text_sims: NDArray[np.float32]  # (queries, shots) in ``order``
    visual_sims: NDArray[np.float32] | None
    order: list[int]
    keyword_index: KeywordIndex
    named_sims: NDArray[np.float32] | None = None  # (queries, shots); NaN where the query names nothing
    named_positions: NDArray[np.int64] | None = None  # (queries, shots); where the best-matched thing starts
    label_sims: NDArray[np.float32] | None = None  # (queries, shots); query words to tags, NaN without tags


def _facts(shot: Shot, cuts: dict[int, tuple[float, ...]]) -> ShotFacts:
    source = shot.source
    return ShotFacts(
        shot_id=shot.id,
        source_id=source.id,
        path=source.path,
        rel_path=source.rel_path,
        start_s=shot.start_s,
        end_s=shot.end_s,
        quality=shot.quality,
        text=shot.text,
        tags=tuple(source.tags or ()),
        license=source.license,
        attribution=source.attribution,
        title=source.title,
        source_url=source.source_url,
        duplicate_group=shot.duplicate_group,
        keyframe_path=shot.keyframe_path,
        source_cut_points_s=cuts.get(source.id, ()),
        activity=decode_activity(shot.activity),
    )


def _sim_matrix(
    session: Session, channel: str, model_id: str, order: list[int], queries: NDArray[np.float32]
) -> NDArray[np.float32]:
    stored = vectors_for(session, order, channel=channel, model_id=model_id)
    matrix = np.zeros((queries.shape[0], len(order)), dtype=np.float32)
    present = [i for i, shot_id in enumerate(order) if shot_id in stored]
    if present:
        vectors = np.stack([stored[order[i]] for i in present])
        matrix[:, present] = queries @ vectors.T
    return matrix


def shot_labels(facts: ShotFacts) -> list[str]:
    """The short labels a named thing can match: the source's tags and its title."""
    return [tag for tag in facts.tags if tag.strip()] + ([facts.title] if facts.title.strip() else [])


def _embed_labels(encoder: TextEmbedder, labels: list[str]) -> NDArray[np.float32]:
    missing = sorted({label for label in labels if (encoder.model_id, label) not in _label_vectors})
    if missing:
        if len(_label_vectors) + len(missing) > _LABEL_CACHE_MAX:
            _label_vectors.clear()
        for label, vector in zip(missing, encoder.embed_texts(missing), strict=True):
            _label_vectors[(encoder.model_id, label)] = vector
    if not labels:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.stack([_label_vectors[(encoder.model_id, label)] for label in labels])


def named_similarities(
    encoder: TextEmbedder,
    named: list[list[NamedThing]],
    facts: dict[int, ShotFacts],
    order: list[int],
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """Per query and shot: the best cosine of a named thing to one of the shot's labels, and where that
    thing starts in the query (NaN and -1 where the query names nothing)."""
    sims = np.full((len(named), len(order)), np.nan, dtype=np.float32)
    positions = np.full((len(named), len(order)), -1, dtype=np.int64)
    things = [thing for query in named for thing in query]
    if not things or not order:
        return sims, positions
    labels_per_shot = [shot_labels(facts[shot_id]) for shot_id in order]
    flat = [label for labels in labels_per_shot for label in labels]
    label_vectors = _embed_labels(encoder, flat)
    thing_vectors = encoder.embed_texts([thing.text for thing in things])
    label_sims = thing_vectors @ label_vectors.T if len(flat) else np.zeros((len(things), 0), np.float32)
    owner = np.repeat(np.arange(len(order)), [len(labels) for labels in labels_per_shot])
    per_shot = np.full((len(things), len(order)), -1.0, dtype=np.float32)
    if len(flat):
        np.maximum.at(per_shot.T, owner, label_sims.T)
    row = 0
    for query_index, query in enumerate(named):
        if not query:
            continue
        block = per_shot[row : row + len(query)]
        best = np.argmax(block, axis=0)
        sims[query_index] = block[best, np.arange(len(order))]
        positions[query_index] = np.asarray([query[i].position for i in best], dtype=np.int64)
        row += len(query)
    return sims, positions


def label_similarities(
    encoder: TextEmbedder, queries: list[str], facts: dict[int, ShotFacts], order: list[int]
) -> NDArray[np.float32]:
    """Per query and shot: how well the query's words match the shot's tags in meaning, in any language.

    Each tag takes the best cosine of any query word to it; the shot's value is the mean of its two best
    tags (NaN for a shot without tags). Word overlap cannot see that "螺栓" is "bolt"; this can.
    """
    sims = np.full((len(queries), len(order)), np.nan, dtype=np.float32)
    tags_per_shot = [[tag for tag in facts[shot_id].tags if tag.strip()] for shot_id in order]
    flat = [tag for tags in tags_per_shot for tag in tags]
    if not flat:
        return sims
    tag_vectors = _embed_labels(encoder, flat)
    bounds = np.cumsum([0] + [len(tags) for tags in tags_per_shot])
    for row, query in enumerate(queries):
        terms = list(dict.fromkeys(tokenize(query)))[:_MAX_QUERY_TERMS]
        if not terms:
            continue
        per_tag = (_embed_labels(encoder, terms) @ tag_vectors.T).max(axis=0)
        for column in range(len(order)):
            values = np.sort(per_tag[bounds[column] : bounds[column + 1]])[::-1][:2]
            if len(values):
                sims[row, column] = float(values.mean())
    return sims


def gather_candidates(
    factory: sessionmaker[Session],
    channels: Channels,
    queries: list[str],
    *,
    index_dir: Path,
    per_channel: int,
    named: list[list[NamedThing]] | None = None,
) -> CandidatePool:
    """Candidates for every query from every available channel, with exact similarities to every query.

    ``named`` (one list per query) are the things each query names; their best label similarities are
    computed for every pooled shot.
    """
    query_vectors = {TEXT: channels.text.embed_texts(queries)}
    if channels.visual is not None:
        query_vectors[VISUAL] = channels.visual.embed_texts(queries)
    candidate_ids: set[int] = set()
    for channel, vectors in query_vectors.items():
        encoder = channels.text if channel == TEXT else channels.visual
        assert encoder is not None
        index = load_vector_index(
            index_dir, channel=channel, expected_model_id=encoder.model_id, expected_dim=encoder.dim
        )
        _scores, ids = index.search(vectors, per_channel)
        candidate_ids.update(int(i) for i in ids.ravel() if i >= 0)
    order = sorted(candidate_ids)
    with factory() as session:
        shots = shots_by_ids(session, order)
        cuts: dict[int, tuple[float, ...]] = {}
        for shot in shots.values():
            source = shot.source
            if source.id not in cuts:
                cuts[source.id] = tuple(sorted(s.start_s for s in source.shots if s.start_s > 0))
        facts = {shot_id: _facts(shot, cuts) for shot_id, shot in shots.items()}
        order = [i for i in order if i in facts]
        text_sims = _sim_matrix(session, TEXT, channels.text.model_id, order, query_vectors[TEXT])
        visual_sims = None
        if channels.visual is not None:
            visual_sims = _sim_matrix(session, VISUAL, channels.visual.model_id, order, query_vectors[VISUAL])
    named_sims = named_positions = None
    if named is not None and any(named):
        named_sims, named_positions = named_similarities(channels.text, named, facts, order)
    label_sims = label_similarities(channels.text, queries, facts, order)
    return CandidatePool(
        shots=facts,
        text_sims=text_sims,
        visual_sims=visual_sims,
        order=order,
        keyword_index=library_keyword_index(factory),
        named_sims=named_sims,
        named_positions=named_positions,
        label_sims=label_sims,
    )
