"""Extractive narration: central, early, non-redundant sentences of the article that fill a time budget."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from montage.article.model import Article
from montage.embedding.protocol import TextEmbedder
from montage.errors import InputError
from montage.narration.centrality import lexrank_centrality
from montage.narration.graph_bound import graph_members
from montage.narration.position_prior import position_prior
from montage.narration.script import NarrationScript, ScriptSentence
from montage.narration.selection import AlreadySaid, SelectionBudget, select_sentences
from montage.narration.similarity import sentence_graph
from montage.narration.speech_time import estimate_speech_seconds, target_seconds
from montage.options.narration import NarrationOptions


def sentence_salience(
    similarity: NDArray[np.float32], prior: NDArray[np.float64], options: NarrationOptions
) -> NDArray[np.float64]:
    """Salience in [0, 1]: LexRank centrality blended with the position prior (``position_prior_weight``)."""
    weight = options.position_prior_weight
    return (1.0 - weight) * lexrank_centrality(similarity) + weight * prior


def _no_checkpoint() -> None:
    return None


def summarize_article(
    article: Article,
    embedder: TextEmbedder,
    options: NarrationOptions,
    *,
    checkpoint: Callable[[], None] | None = None,
) -> NarrationScript:
    """Choose the article sentences to narrate within the target length, in their original order.

    Salience is LexRank centrality over sentence embeddings (blended with TF-IDF similarity for Chinese)
    plus a lead-position prior; MMR removes redundancy; greedy selection fills the time budget (the result
    lands within about one sentence of the target). The title, when kept, is the first line and counts
    against the budget. Deterministic for a given article, model and options.

    A long article's graph holds only its ``GRAPH_SENTENCES_MAX`` likeliest sentences (see
    :mod:`montage.narration.graph_bound`), so the time grows about linearly with the article's length.
    ``checkpoint`` is called between chunks of work (at least once a second or so); it stops the run by
    raising (a cancelled job).

    Raises :class:`InputError` when the article has no sentences.
    """
    sentences = [sentence for sentence in article.sentences if sentence.text.strip()]
    if not sentences:
        raise InputError("the article has no sentences to narrate", code="empty_article")
    step = checkpoint or _no_checkpoint
    prior = position_prior([sentence.paragraph_index for sentence in sentences])
    members = graph_members(
        [sentence.text for sentence in sentences], prior, options.position_prior_weight, checkpoint=step
    )
    sentences = [sentences[i] for i in members]
    prior = prior[members]
    step()
    language = article.language
    budget_seconds = target_seconds(language, options)
    title = (article.title or "").strip()
    title_line = title if options.keep_title and title else None

    texts = [sentence.text for sentence in sentences]
    full_graph = sentence_graph(
        [*texts, title_line] if title_line else texts, embedder, language, options, checkpoint=step
    )
    step()
    graph = full_graph.restricted(len(texts))
    salience = sentence_salience(graph.similarity, prior, options)
    costs = [estimate_speech_seconds(text, language, options) for text in texts]

    lines: list[ScriptSentence] = []
    spent = 0.0
    already_said = None
    if title_line:
        title_seconds = estimate_speech_seconds(title_line, language, options)
        lines.append(ScriptSentence(0, None, None, title_line, 1.0, title_seconds))
        spent = title_seconds
        already_said = AlreadySaid(
            similarity=full_graph.similarity[: len(texts), len(texts)],
            # The lead restates the headline with more facts: only a copy of the title's words is dropped.
            duplication=full_graph.lexical[: len(texts), len(texts)],
        )
    budget = SelectionBudget(
        seconds=max(0.0, budget_seconds - spent),
        mmr_lambda=options.mmr_lambda,
        duplicate_similarity=options.duplicate_similarity,
        min_sentences=options.min_sentences,
    )
    for position in select_sentences(salience, graph, costs, budget, already_said=already_said):
        sentence = sentences[position]
        lines.append(
            ScriptSentence(
                index=len(lines),
                article_sentence_index=sentence.index,
                paragraph_index=sentence.paragraph_index,
                text=sentence.text,
                salience=float(salience[position]),
                est_seconds=costs[position],
            )
        )
    return NarrationScript(
        title=article.title,
        language=language,
        sentences=lines,
        target_seconds=budget_seconds,
        estimated_seconds=sum(line.est_seconds for line in lines),
    )
