"""Markdown and plain-text articles: titles, sections, what is narrated and what is dropped."""

from __future__ import annotations

from montage.article.loader import load_article_file, load_article_text
from tests.article.conftest import FIXTURES


def test_markdown_post() -> None:
    article = load_article_file(FIXTURES / "post_en.md")
    assert article.source_format == "markdown"
    assert article.title == "Why night trains are coming back"  # front matter wins over the leading H1
    texts = [paragraph.text for paragraph in article.paragraphs]
    assert texts[0] == (
        "Europe's night trains almost disappeared in the 2010s. Now operators such as ÖBB Nightjet are "
        "adding routes again, and tickets sell out weeks ahead."
    )
    assert texts[1:4] == [
        "You save a night in a hotel.",
        "You arrive in the city centre, rested.",
        "Flying short distances feels harder to justify than it used to.",
    ]
    assert texts[4].startswith('"I sleep better on the train')
    assert texts[6].endswith("and spare parts are hard to find.")  # inline code text is kept
    body = "\n".join(texts)
    dropped_parts = ["http", "images/train.jpg", "A sleeper train at dusk", "print(", "routes:", "Route"]
    dropped_parts += ["---", "author", "*", "`", "Vienna–Hamburg | 13"]
    for dropped in dropped_parts:
        assert dropped not in body, dropped
    assert [p.section for p in article.paragraphs] == [None] + ["Why travellers like them"] * 4 + [
        "What still goes wrong"
    ] * 2
    assert [s.text for s in article.paragraphs[5].sentences] == [
        "Booking is complicated: every railway has its own website, e.g. the Swiss and German ones.",
        "The EU wants a single ticketing system by 2030.",
    ]


def test_markdown_leading_h1_is_the_title_and_later_headings_are_sections() -> None:
    article = load_article_text("# Title\n\nIntro text here.\n\n# Part one\n\nBody text.\n", "markdown")
    assert article.title == "Title"
    assert [(p.section, p.text) for p in article.paragraphs] == [
        (None, "Intro text here."),
        ("Part one", "Body text."),
    ]


def test_chinese_plain_text_with_title_line() -> None:
    article = load_article_file(FIXTURES / "article_zh.txt")
    assert (article.title, article.language, article.source_format) == (
        "城市夜行列车重新受到欢迎",
        "zh",
        "text",
    )
    assert len(article.paragraphs) == 3
    assert [s.text for s in article.paragraphs[1].sentences] == [
        "奥地利联邦铁路公司表示，今年新增了五条线路；",
        "部分车票提前几周就已售罄！",
        "一位乘客说：“我在火车上睡得比在酒店还好。”",
    ]
    assert [s.index for s in article.sentences] == list(range(len(article.sentences)))
    han = sum(1 for char in article.text if "\u4e00" <= char <= "\u9fff")
    assert article.word_count == han + 2  # one word per character; the two 〇 of 二〇三〇 count too


def test_hard_wrapped_english_lines_are_joined_into_paragraphs() -> None:
    text = "The river rose quickly\nafter three days of rain.\nResidents moved their cars\nto higher ground."
    article = load_article_text(text, "text")
    assert article.title is None
    assert [p.text for p in article.paragraphs] == [
        "The river rose quickly after three days of rain. Residents moved their cars to higher ground."
    ]


def test_one_paragraph_per_line_when_every_line_ends_a_sentence() -> None:
    text = "第一段的内容。\n第二段的内容！\n第三段的内容？"
    article = load_article_text(text, "text")
    assert [p.text for p in article.paragraphs] == ["第一段的内容。", "第二段的内容！", "第三段的内容？"]


def test_invisible_characters_and_odd_whitespace_are_cleaned() -> None:
    text = "Zero\u200bwidth and soft\u00adhyphen.\u00a0Non-breaking\tspace.\r\n\r\n中文\n换行的句子。"
    article = load_article_text(text, "text", options=None)
    assert [p.text for p in article.paragraphs] == [
        "Zerowidth and softhyphen. Non-breaking space.",
        "中文换行的句子。",
    ]
