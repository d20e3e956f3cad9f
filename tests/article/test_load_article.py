"""load_article: source kinds, format detection, options, the Article data and its JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from montage.article.errors import ArticleError
from montage.article.loader import load_article, load_article_file, load_article_text
from montage.article.model import Article
from montage.options.article import ArticleOptions
from tests.article.conftest import FIXTURES

OPTIONS = ArticleOptions()


@pytest.mark.parametrize(
    ("text", "expected_format"),
    [
        ("Just a sentence. And another one.", "text"),
        ("# Heading\n\nSome *text* here.", "markdown"),
        ("Intro with a [link](https://example.com).\n\n- item one\n- item two", "markdown"),
        ("<!DOCTYPE html><html><body><p>Hello there, reader.</p></body></html>", "html"),
        ("<p>One paragraph.</p><p>Two paragraphs.</p><p>Three.</p><div>Four.</div>", "html"),
    ],
)
def test_auto_detects_the_format(text: str, expected_format: str) -> None:
    assert load_article(text, options=OPTIONS).source_format == expected_format


def test_kind_forces_the_format() -> None:
    text = "# Not a heading in plain text\n\nBody sentence."
    assert load_article(text, options=OPTIONS, kind="text").title == "# Not a heading in plain text"
    assert load_article(text, options=OPTIONS, kind="markdown").title == "Not a heading in plain text"


def test_path_bytes_and_string_sources_agree(tmp_path: Path) -> None:
    html = (FIXTURES / "news_en.html").read_bytes()
    copy = tmp_path / "page.bin"  # no telling suffix: the content decides
    copy.write_bytes(html)
    from_path = load_article(copy, options=OPTIONS)
    from_bytes = load_article(html, options=OPTIONS)
    from_text = load_article(html.decode("utf-8"), options=OPTIONS)
    assert from_path.paragraphs == from_bytes.paragraphs == from_text.paragraphs
    assert from_path.source == str(copy)
    assert from_bytes.source == from_text.source == "text"


def test_suffix_decides_the_format_of_a_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("# Not markdown\n\nA [link](x) stays as written.\n", encoding="utf-8")
    article = load_article_file(path)
    assert article.source_format == "text"
    assert article.paragraphs[0].text == "A [link](x) stays as written."


def test_url_kind_needs_a_string() -> None:
    with pytest.raises(ArticleError):
        load_article(b"http://example.com/", options=OPTIONS, kind="url")
    with pytest.raises(ArticleError):
        load_article(Path("http://example.com/"), options=OPTIONS, kind="url")


def test_sentence_indices_are_global_and_point_to_their_paragraph() -> None:
    article = load_article_text("One. Two.\n\nThree! Four?\n\nFive.")
    assert [(s.index, s.paragraph_index, s.text) for s in article.sentences] == [
        (0, 0, "One."),
        (1, 0, "Two."),
        (2, 1, "Three!"),
        (3, 1, "Four?"),
        (4, 2, "Five."),
    ]
    assert article.word_count == 5


def test_options_language_overrides_detection() -> None:
    text = "Ok. Go."
    assert load_article(text, options=ArticleOptions(language="en")).language == "en"
    with pytest.raises(ArticleError):
        load_article("Bonjour à tous. Merci beaucoup pour votre accueil.", options=ArticleOptions())


def test_max_sentence_chars_option_is_applied() -> None:
    text = "We walked along the river, past the old mill, over the bridge, and into the town square."
    article = load_article(text, options=ArticleOptions(max_sentence_chars=40))
    assert all(len(s.text) <= 40 for s in article.sentences)
    assert " ".join(s.text for s in article.sentences) == text


def test_json_round_trip() -> None:
    article = load_article_file(FIXTURES / "post_en.md")
    data = json.loads(json.dumps(article.to_json()))
    assert data["title"] == article.title
    assert data["word_count"] == article.word_count
    assert Article.from_json(data) == article


def test_article_is_frozen() -> None:
    article = load_article_text("A frozen article. It cannot change.")
    with pytest.raises(AttributeError):
        article.title = "changed"  # type: ignore[misc]


def test_options_validate_networks() -> None:
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6 network"):
        ArticleOptions(allowed_private_networks=("not-a-network",))
