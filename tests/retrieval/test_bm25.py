"""BM25 keyword index over shot texts: ranking, per-query normalisation, Chinese, unindexed texts."""

from __future__ import annotations

import pytest

from montage.relevance.tokenizer import tokenize
from montage.retrieval.bm25 import KeywordIndex

SHOT_TEXTS = {
    11: "Aerial view of the Thames Barrier gates closing on the river in London",
    12: "Traffic on a busy London street at night, buses and taxis",
    13: "Waves crash against a sea wall during a winter storm",
    14: "Children playing football in a park on a sunny afternoon",
    15: "暴雨过后，武汉长江江滩被洪水淹没",
    16: "上海外滩夜景，游客在江边散步",
}


@pytest.fixture(scope="module")
def index() -> KeywordIndex:
    return KeywordIndex.fit(SHOT_TEXTS)


def test_the_shot_text_that_matches_ranks_first(index: KeywordIndex) -> None:
    matches = index.query_text(
        "The barrier gates on the River Thames in London closed to hold back the tide."
    )
    ranked = sorted(matches.raw, key=lambda doc: -matches.raw[doc])
    assert ranked[0] == 11
    assert matches.normalised(11) == pytest.approx(1.0)
    assert 0.0 < matches.normalised(12) < 0.3  # shares only "London"
    assert matches.normalised(14) == 0.0


def test_a_rare_term_outweighs_a_common_one(index: KeywordIndex) -> None:
    assert index.idf("barrier") > index.idf("london")
    matches = index.query(tokenize("London storm"))
    assert matches.normalised(13) == pytest.approx(1.0)  # "storm" occurs once; "London" twice


def test_chinese_query_ranks_the_chinese_shot(index: KeywordIndex) -> None:
    matches = index.query_text("武汉长江洪水")
    assert max(matches.raw, key=lambda doc: matches.raw[doc]) == 15
    assert matches.normalised(16) == 0.0


def test_nothing_matched_means_zero_everywhere(index: KeywordIndex) -> None:
    matches = index.query_text("volcano eruption")
    assert matches.best == 0.0
    assert all(matches.normalised(doc) == 0.0 for doc in SHOT_TEXTS)


def test_an_unindexed_text_is_scored_with_the_index_statistics(index: KeywordIndex) -> None:
    terms = tokenize("Thames Barrier gates")
    outside = index.score_text(terms, "The Thames Barrier gates rise from the riverbed")
    assert outside > 0.0
    assert index.score_text(terms, "A cat on a sofa") == 0.0


def test_empty_index_answers_without_error() -> None:
    empty = KeywordIndex.fit({})
    assert empty.size == 0
    assert empty.query_text("anything").best == 0.0
