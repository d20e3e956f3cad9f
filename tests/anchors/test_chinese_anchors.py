"""Chinese anchors on the Wuhan flood-defence article, through jieba (posseg, TextRank, TF-IDF).

Precision is measured against a hand-made list of every name in the article body (docs/narration.md).
"""

from __future__ import annotations

import pytest

from montage.anchors.chinese_entities import ChineseEntities, mentioned_chinese_entities
from montage.anchors.extract import extract_anchors
from montage.anchors.numbers import chinese_numbers, chinese_numeral_value
from montage.article.model import Article
from tests.anchors.conftest import full_script

GOLD = {
    "people": {"李明", "王晓红", "张伟", "刘女士"},
    "organisations": {"长江水利委员会", "武汉大学", "国家气象局", "三峡集团", "市政府"},
    "places": {
        "长江",
        "武汉",
        "湖北省",
        "宜昌",
        "长江流域",
        "武汉关",
        "武汉市",
        "江滩",
        "三峡",
        "上海",
        "长江口",
        "汉口",
        "长江中下游",
        "长江中游",
    },
}


def test_planted_names_are_found(article_zh: Article) -> None:
    anchors = extract_anchors(full_script(article_zh), article_zh)
    assert {"李明", "王晓红", "张伟"} <= set(anchors.people)
    assert {"长江水利委员会", "武汉大学", "国家气象局", "三峡集团"} <= set(anchors.organisations)
    assert {"武汉", "长江", "湖北省", "宜昌", "上海"} <= set(anchors.places)


def test_jieba_false_names_are_filtered(article_zh: Article) -> None:
    """jieba's dictionary tags 洪水 (flood) and 强降雨 as person names; without a title or reporting
    verb next to them they are not people."""
    anchors = extract_anchors(full_script(article_zh), article_zh)
    assert not {"洪水", "强降雨", "米左右", "库迎汛", "厄尔尼诺"} & set(anchors.people)
    assert "城市" not in anchors.places and "新闻发布会" not in anchors.organisations


def test_precision_against_every_name_in_the_article(article_zh: Article) -> None:
    anchors = extract_anchors(full_script(article_zh), article_zh)
    found = {"people": anchors.people, "organisations": anchors.organisations, "places": anchors.places}
    extracted = sum(len(names) for names in found.values())
    correct = sum(len(set(names) & GOLD[kind]) for kind, names in found.items())
    gold = sum(len(names) for names in GOLD.values())
    assert correct / extracted >= 0.9
    assert correct / gold >= 0.8


def test_numbers_with_wan_yi_and_units(article_zh: Article) -> None:
    anchors = extract_anchors(full_script(article_zh), article_zh)
    by_text = {n.text: (n.value, n.unit) for n in anchors.numbers}
    assert by_text["15亿元"] == (1.5e9, "CNY")
    assert by_text["3.5万户"] == (35000.0, "户")
    assert by_text["30%"] == (30.0, "%")
    assert by_text["1.2万人"] == (12000.0, "人")
    assert by_text["29.43米"] == (29.43, "米")
    assert by_text["2023年"] == (2023.0, "year")
    assert "一度" not in by_text and "一年" not in by_text  # 一度达到 / 那一年 are not numbers


def test_topic_keyphrases_and_gists(article_zh: Article) -> None:
    anchors = extract_anchors(full_script(article_zh), article_zh)
    assert anchors.topic == "长江堤防"
    top = [k.text for k in anchors.keyphrases[:6]]
    assert {"长江", "堤防", "洪水", "武汉"} <= set(top)
    assert len(anchors.paragraph_gists) == len(article_zh.paragraphs)
    assert all("、" in gist for gist in anchors.paragraph_gists)


def test_mentions_respect_word_boundaries() -> None:
    entities = ChineseEntities(people=["李明"], places=["海南"])
    # 上海南部 holds the characters 海南 but is 上海 + 南部: no mention of Hainan
    assert mentioned_chinese_entities("上海南部下雨，专家李明表示。", entities) == ["李明"]
    assert mentioned_chinese_entities("海南下雨，李明认为。", entities) == ["海南", "李明"]


def test_per_sentence_anchors(article_zh: Article) -> None:
    script = full_script(article_zh)
    anchors = extract_anchors(script, article_zh)
    by_article_index = {
        line.article_sentence_index: sentence
        for line, sentence in zip(script.sentences, anchors.sentences, strict=True)
    }
    wang = by_article_index[10]  # 武汉市副市长王晓红在新闻发布会上介绍，全市已经组建了1.2万人的防汛抢险队伍。
    assert "王晓红" in wang.entities
    assert [(n.text, n.value) for n in wang.numbers] == [("1.2万人", 12000.0)]
    assert all(0.0 <= s.salience <= 1.0 for s in anchors.sentences)


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("三十五", 35), ("一百二十", 120), ("两千", 2000), ("三万五千", 35000), ("十", 10), ("一二三", 123)],
)
def test_chinese_numerals(numeral: str, value: float) -> None:
    assert chinese_numeral_value(numeral) == value


def test_chinese_number_forms() -> None:
    found = [
        (n.text, n.value, n.unit)
        for n in chinese_numbers("百分之三十的居民，三万五千人，两千吨钢材，耗资8亿美元")
    ]
    assert found == [
        ("百分之三十", 30.0, "%"),
        ("三万五千人", 35000.0, "人"),
        ("两千吨", 2000.0, "吨"),
        ("8亿美元", 8e8, "USD"),
    ]
