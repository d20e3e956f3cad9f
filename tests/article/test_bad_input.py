"""Every way an article can be refused raises its own InputError subclass with a distinct code."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest

from montage.article import errors as article_errors
from montage.article.errors import (
    ArticleEmptyError,
    ArticleFileError,
    ArticleTooLargeError,
    BinaryContentError,
    NoMainContentError,
    UndecodableTextError,
    UnsupportedLanguageError,
)
from montage.article.loader import load_article, load_article_file, load_article_text
from montage.errors import InputError
from montage.options.article import ArticleOptions


def test_error_codes_are_distinct_and_input_errors() -> None:
    classes = [
        value
        for value in vars(article_errors).values()
        if isinstance(value, type) and issubclass(value, article_errors.ArticleError)
    ]
    assert len(classes) >= 18
    assert all(issubclass(cls, InputError) for cls in classes)
    codes = [cls.code for cls in classes]
    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize("source", ["", "   ", "\n\n\t \u3000\n", b"", b" \r\n "])
def test_empty_or_whitespace(source: str | bytes) -> None:
    with pytest.raises(ArticleEmptyError) as caught:
        load_article(source, options=ArticleOptions())
    assert caught.value.code == "article_empty"


def test_markdown_with_only_code_and_images_is_empty() -> None:
    with pytest.raises(ArticleEmptyError):
        load_article_text("# Title\n\n![pic](a.png)\n\n```\nprint(1)\n```\n", "markdown")


def test_text_over_the_size_limit() -> None:
    options = ArticleOptions(max_text_bytes=1_000)
    with pytest.raises(ArticleTooLargeError) as caught:
        load_article("A sentence that repeats. " * 100, options=options)
    assert caught.value.code == "article_too_large"
    # Chinese: the limit is in UTF-8 bytes (three per character), not characters.
    with pytest.raises(ArticleTooLargeError):
        load_article("长江" * 200 + "。", options=options)
    assert load_article("长江" * 100 + "。", options=options).language == "zh"


def test_html_markup_may_exceed_the_text_limit_but_not_its_text() -> None:
    options = ArticleOptions(max_text_bytes=2_000)
    padding = "<div class='x'>" * 200 + "</div>" * 200
    html = f"<html><body>{padding}<p>The story itself is short. It fits.</p></body></html>"
    assert len(html) > 2_000
    assert load_article(html, options=options).sentences[1].text == "It fits."
    long_text = "<html><body>" + "<p>Many words in this paragraph, repeated.</p>" * 100 + "</body></html>"
    with pytest.raises(ArticleTooLargeError):
        load_article(long_text, options=options)


@pytest.mark.parametrize(
    "data",
    [
        b"Text with a NUL\x00 byte in the middle of it.",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        gzip.compress(b"An article that was compressed. " * 10),
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00",
        bytes(range(1, 9)) * 40 + b"some text",
    ],
    ids=["nul", "pdf", "png", "gzip", "mp4", "control-chars"],
)
def test_binary_junk(data: bytes) -> None:
    with pytest.raises(BinaryContentError) as caught:
        load_article(data, options=ArticleOptions())
    assert caught.value.code == "article_binary"


def test_binary_junk_in_a_string() -> None:
    with pytest.raises(BinaryContentError):
        load_article_text("abc\x00def and more text here.")
    with pytest.raises(BinaryContentError):
        load_article_text("\x1b[31m\x07\x08\x1b[0m" * 20 + "text")


def test_undecodable_bytes() -> None:
    rng = random.Random(7)
    noise = bytes(rng.randrange(0x80, 0x100) for _ in range(3_000))
    with pytest.raises(UndecodableTextError) as caught:
        load_article(noise, options=ArticleOptions())
    assert caught.value.code == "article_encoding"


def test_text_full_of_replacement_characters_was_decoded_wrongly() -> None:
    mangled = "Caf\ufffd r\ufffdsum\ufffd na\ufffdve \ufffd\ufffd\ufffd\ufffd the report \ufffd\ufffd said."
    with pytest.raises(UndecodableTextError):
        load_article_text(mangled)


def test_bad_utf16_after_a_byte_order_mark() -> None:
    with pytest.raises(UndecodableTextError):
        load_article(b"\xff\xfe" + "Hello there.".encode("utf-16-le") + b"\x00", options=ArticleOptions())


def test_utf16_with_byte_order_mark_is_text() -> None:
    data = "Hello there. This file is UTF-16.".encode("utf-16")
    assert [s.text for s in load_article(data, options=ArticleOptions()).sentences] == [
        "Hello there.",
        "This file is UTF-16.",
    ]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Le conseil municipal a approuvé le projet de parc. Les travaux commenceront en automne.", "fr"),
        ("Der Stadtrat hat den Plan für den neuen Park genehmigt. Die Arbeiten beginnen im Herbst.", "de"),
        ("東京では今日、新しい公園の計画が発表されました。工事は秋に始まります。", "ja"),
        ("시의회는 새로운 공원 계획을 승인했습니다. 공사는 가을에 시작됩니다.", "ko"),
    ],
)
def test_unsupported_language(text: str, language: str) -> None:
    with pytest.raises(UnsupportedLanguageError) as caught:
        load_article(text, options=ArticleOptions())
    assert caught.value.code == "language_unsupported"
    assert caught.value.language == language
    relaxed = load_article(text, options=ArticleOptions(require_supported_language=False))
    assert relaxed.language == language
    assert len(relaxed.sentences) == 2


def test_html_without_content() -> None:
    html = (
        "<html><head><title>x</title><script>var a = 1;</script></head>"
        "<body><nav><a href='/'>Home</a></nav></body></html>"
    )
    with pytest.raises(NoMainContentError):
        load_article(html, options=ArticleOptions())


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ArticleFileError) as caught:
        load_article(tmp_path / "nope.txt", options=ArticleOptions())
    assert caught.value.code == "article_file_unreadable"
    with pytest.raises(ArticleFileError):
        load_article_file(tmp_path)


def test_file_over_the_raw_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_text("<p>word</p>" * 1_000)
    with pytest.raises(ArticleTooLargeError):
        load_article_file(path, ArticleOptions(max_download_bytes=5_000))
