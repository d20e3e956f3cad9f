"""The matching tokenizer: English normalisation and Chinese segmentation, in one pass over mixed text."""

from __future__ import annotations

from montage.relevance.stemming import light_stem
from montage.relevance.tokenizer import tokenize


def test_english_terms_are_lowercased_stemmed_and_stopword_free() -> None:
    terms = tokenize("The floods flooded London's riverside boroughs, and the flooding continues.")
    assert terms == ["flood", "flood", "london", "riversid", "borough", "flood", "continu"]


def test_inflections_of_one_word_share_a_stem() -> None:
    assert {light_stem(w) for w in ("barrier", "barriers")} == {"barrier"}
    assert {light_stem(w) for w in ("city", "cities")} == {"city"}
    assert {light_stem(w) for w in ("run", "running", "runs")} == {"run"}
    assert light_stem("news") == "news"  # invariant words are not cut to "new"


def test_chinese_is_segmented_in_search_mode_without_stopwords() -> None:
    terms = tokenize("国家气象局在武汉发布了暴雨预警")
    # search mode also yields the parts of a long word, so a shot text saying 气象局 still matches
    assert terms == ["国家", "气象", "气象局", "武汉", "发布", "暴雨", "预警"]


def test_mixed_scripts_are_each_tokenized_their_own_way() -> None:
    assert tokenize("NASA卫星拍到长江 floods near Wuhan") == [
        "nasa",
        "卫星",
        "拍",
        "长江",
        "flood",
        "near",
        "wuhan",
    ]
    assert tokenize("") == []
