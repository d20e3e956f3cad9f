"""Main-content extraction from realistic HTML pages full of boilerplate."""

from __future__ import annotations

import pytest

from montage.article.errors import NoMainContentError
from montage.article.loader import load_article_file, load_article_text
from tests.article.conftest import FIXTURES

BOILERPLATE = [
    "cookies",
    "Accept",
    "Sport",
    "Advertisement",
    "Share on",
    "Jane Doe",
    "Aerial view",
    "Photo:",
    "Draft paragraph",
    "Rail yard sale",
    "morning briefing",
    "Subscribe",
    "trackScroll",
    "Great news for the neighbourhood",
    "Storm warning",
    "All rights reserved",
    "Privacy",
    "dataLayer",
    "NewsArticle",
    "Local news",
]


def test_news_page_keeps_the_story_and_drops_the_boilerplate() -> None:
    article = load_article_file(FIXTURES / "news_en.html")
    assert article.title == "City council approves new river park plan"
    assert article.language == "en"
    texts = [paragraph.text for paragraph in article.paragraphs]
    assert [text.split()[0] for text in texts] == ["The", "Mayor", "The", "Critics,", "Construction"]
    assert texts[1].endswith(
        "“This is the biggest green space we have added since the 1970s,” she told reporters after the vote."
    )
    body = "\n".join(texts)
    for junk in BOILERPLATE:
        assert junk not in body, junk
    assert [p.section for p in article.paragraphs] == [None, None] + ["What the plan includes"] * 3
    assert [s.text for s in article.paragraphs[2].sentences] == [
        "The design by Dr. Samuel Okafor’s studio includes a wetland garden, a playground and two miles of "
        "walking paths.",
        "Bike lanes will connect the park to the U.S. Route 9 bridge.",
    ]


def test_page_without_semantic_tags_uses_the_densest_block_and_double_breaks() -> None:
    article = load_article_file(FIXTURES / "blog_div_soup.html")
    assert article.title == "Notes from the harbour"  # <title> without the " - Small Town Blog" suffix
    texts = [paragraph.text for paragraph in article.paragraphs]
    assert len(texts) == 3
    assert texts[0].startswith("The fishing boats came back early")
    assert texts[1].startswith("Old Peter, who has worked on the docks since 1968")
    assert texts[2].endswith("the cafés along the pier were full until noon.")
    body = " ".join(texts)
    for junk in ("Harbour webcam", "Tide tables", "Posted by", "Powered by", "Archive"):
        assert junk not in body


def test_chinese_gbk_page_with_meta_charset() -> None:
    article = load_article_file(FIXTURES / "news_zh_gbk.html")
    assert article.title == "科学家在长江发现新的鱼类物种"
    assert article.language == "zh"
    texts = [paragraph.text for paragraph in article.paragraphs]
    assert len(texts) == 4
    assert texts[0].startswith("记者从中国科学院获悉")  # the leading ideographic spaces are gone
    body = "".join(texts)
    for junk in ("首页", "分享到", "责任编辑", "相关新闻", "长江禁渔", "热门排行", "版权所有", "来源"):
        assert junk not in body, junk
    assert [s.text for s in article.paragraphs[3].sentences] == [
        "专家建议，今后应继续加强对长江流域的监测……",
        "同时减少人类活动对鱼类栖息地的干扰。",
    ]


def test_script_only_page_has_no_main_content() -> None:
    with pytest.raises(NoMainContentError) as caught:
        load_article_file(FIXTURES / "spa_shell.html")
    assert caught.value.code == "html_no_content"


def test_title_falls_back_from_h1_to_og_title_to_title_element() -> None:
    body = "<p>The first paragraph has enough words to be the story, it really does.</p>"
    og = '<meta property="og:title" content="OG headline">'
    with_og = f"<html><head><title>Site | Other</title>{og}</head><body>{body}</body></html>"
    assert load_article_text(with_og, "html").title == "OG headline"
    only_title = f"<html><head><title>Real headline | Site name</title></head><body>{body}</body></html>"
    assert load_article_text(only_title, "html").title == "Real headline"
    with_h1 = f"<html><head>{og}</head><body><article><h1>Article H1</h1>{body}</article></body></html>"
    assert load_article_text(with_h1, "html").title == "Article H1"


def test_wrapper_named_like_boilerplate_is_kept_when_it_holds_the_page() -> None:
    html = (
        '<html><body><div class="page-with-sidebar">'
        "<p>This story sits inside a wrapper whose class mentions a sidebar, which is misleading.</p>"
        "<p>A second paragraph follows, and it should be kept as well, all of it.</p>"
        '</div><div class="sidebar"><p>Sidebar text that must go away, it is not the story.</p></div>'
        "</body></html>"
    )
    article = load_article_text(html, "html")
    assert [p.text[:20] for p in article.paragraphs] == ["This story sits insi", "A second paragraph f"]


def test_hidden_elements_and_link_lists_are_dropped() -> None:
    html = (
        "<html><body><main>"
        "<p>Visible text of the story, which is long enough to count as the content.</p>"
        '<p hidden>Hidden text.</p><p style="display: none">Invisible text.</p>'
        '<div aria-hidden="true">Screen-reader hidden.</div>'
        '<p><a href="/1">A paragraph that is only a link to another story</a></p>'
        "</main></body></html>"
    )
    article = load_article_text(html, "html")
    assert [p.text for p in article.paragraphs] == [
        "Visible text of the story, which is long enough to count as the content."
    ]
