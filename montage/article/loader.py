"""Stage 1 of the pipeline: load an article from text, bytes, a file or a URL into an ``Article``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from montage.article.errors import (
    ArticleEmptyError,
    ArticleError,
    ArticleFileError,
    ArticleTooLargeError,
    BinaryContentError,
    UndecodableTextError,
    UnsupportedLanguageError,
)
from montage.article.extracted import ExtractedText
from montage.article.fetch import fetch_url
from montage.article.format_sniffing import format_from_suffix, sniff_format
from montage.article.html_content import extract_html
from montage.article.language import SUPPORTED_LANGUAGES, detect_language
from montage.article.markdown_text import extract_markdown
from montage.article.model import Article, ArticleFormat, Paragraph, Sentence
from montage.article.plain_text import extract_plain_text
from montage.article.sentences import split_sentences
from montage.options.article import ArticleOptions
from montage.text.decoding import BinaryDataError, UndecodableBytesError, check_text_is_sensible, decode_bytes

ArticleKind = Literal["auto", "text", "markdown", "html", "url"]

_URL_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://\S+")


@contextmanager
def _refusals_as_article_errors() -> Iterator[None]:
    """Raise the decoder's refusals as the article errors (with their stable codes)."""
    try:
        yield
    except BinaryDataError as exc:
        raise BinaryContentError(str(exc)) from exc
    except UndecodableBytesError as exc:
        raise UndecodableTextError(str(exc)) from exc


def _looks_like_url(text: str) -> bool:
    return bool(_URL_LIKE.fullmatch(text.strip()))


def _extract(text: str, fmt: ArticleFormat) -> ExtractedText:
    if fmt == "html":
        return extract_html(text)
    if fmt == "markdown":
        return extract_markdown(text)
    return extract_plain_text(text)


def _check_size(text: str, fmt: ArticleFormat, options: ArticleOptions) -> None:
    """Refuse text over the limit before parsing it (HTML markup may be larger than its text)."""
    size = len(text.encode("utf-8", errors="surrogatepass"))
    limit = options.max_download_bytes if fmt == "html" else options.max_text_bytes
    if size > limit:
        what = "HTML document" if fmt == "html" else "article text"
        raise ArticleTooLargeError(f"The {what} is {size:,} bytes, over the {limit:,} byte limit.")


def _build_article(
    extracted: ExtractedText, *, source: str, fmt: ArticleFormat, options: ArticleOptions
) -> Article:
    if not extracted.blocks:
        raise ArticleEmptyError("The article has no text to narrate (only headings, code or images).")
    body = "\n\n".join(block.text for block in extracted.blocks)
    size = len(body.encode("utf-8", errors="surrogatepass"))
    if size > options.max_text_bytes:
        raise ArticleTooLargeError(
            f"The article text is {size:,} bytes, over the {options.max_text_bytes:,} byte limit."
        )
    language = options.language or detect_language(body)
    if options.require_supported_language and language not in SUPPORTED_LANGUAGES:
        supported = ", ".join(sorted(SUPPORTED_LANGUAGES))
        raise UnsupportedLanguageError(
            f"The article is in language {language!r}; montage narrates only {supported}.", language=language
        )
    paragraphs: list[Paragraph] = []
    sentence_index = 0
    for paragraph_index, block in enumerate(extracted.blocks):
        sentences: list[Sentence] = []
        for text in split_sentences(block.text, language, max_chars=options.max_sentence_chars):
            sentences.append(Sentence(index=sentence_index, paragraph_index=paragraph_index, text=text))
            sentence_index += 1
        paragraphs.append(
            Paragraph(index=paragraph_index, text=block.text, sentences=sentences, section=block.section)
        )
    return Article(
        title=extracted.title, language=language, paragraphs=paragraphs, source=source, source_format=fmt
    )


def load_article_text(
    text: str,
    fmt: ArticleFormat | Literal["auto"] = "auto",
    *,
    options: ArticleOptions | None = None,
    source: str = "text",
) -> Article:
    """Load an article from a string of plain text, Markdown or HTML (``"auto"`` guesses which).

    Raises an ``ArticleError`` subclass: ``ArticleEmptyError``, ``ArticleTooLargeError``,
    ``BinaryContentError``, ``UndecodableTextError``, ``NoMainContentError``, ``UnsupportedLanguageError``.
    """
    options = options or ArticleOptions()
    if not text.strip():
        raise ArticleEmptyError("The article is empty (or only whitespace).")
    with _refusals_as_article_errors():
        check_text_is_sensible(text)
    chosen: ArticleFormat = sniff_format(text) if fmt == "auto" else fmt
    _check_size(text, chosen, options)
    return _build_article(_extract(text, chosen), source=source, fmt=chosen, options=options)


def _load_bytes(
    data: bytes,
    fmt: ArticleFormat | None,
    *,
    options: ArticleOptions,
    source: str,
    charset: str | None = None,
) -> Article:
    if not data.strip():
        raise ArticleEmptyError("The article is empty (or only whitespace).")
    with _refusals_as_article_errors():
        text = decode_bytes(data, declared_charset=charset, html=fmt in (None, "html"))
    return load_article_text(text, fmt or "auto", options=options, source=source)


def load_article_file(
    path: str | Path, options: ArticleOptions | None = None, *, fmt: ArticleFormat | None = None
) -> Article:
    """Load an article from a file; the format comes from ``fmt``, the suffix, or the content.

    Besides the errors of ``load_article_text``, raises ``ArticleFileError`` for a missing or unreadable
    file and ``ArticleTooLargeError`` for a file over ``max_download_bytes``.
    """
    options = options or ArticleOptions()
    path = Path(path)
    try:
        if not path.is_file():
            raise ArticleFileError(f"The article file {path} does not exist or is not a file.")
        size = path.stat().st_size
        if size > options.max_download_bytes:
            raise ArticleTooLargeError(
                f"The article file {path} is {size:,} bytes, "
                f"over the {options.max_download_bytes:,} byte limit."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleFileError(f"The article file {path} cannot be read: {exc.strerror or exc}.") from exc
    return _load_bytes(data, fmt or format_from_suffix(path), options=options, source=str(path))


def _format_of_download(content_type: str, url: str, text_sample: bytes) -> ArticleFormat | None:
    if content_type in ("text/html", "application/xhtml+xml"):
        return "html"
    if content_type in ("text/markdown", "text/x-markdown"):
        return "markdown"
    if content_type == "text/plain":
        by_suffix = format_from_suffix(urlsplit(url).path)
        if by_suffix is not None:
            return "text" if by_suffix == "html" else by_suffix
        sniffed = sniff_format(text_sample.decode("utf-8", errors="ignore"))
        return "text" if sniffed == "html" else sniffed
    return None  # no Content-Type: guess from the content


def load_article_url(url: str, options: ArticleOptions | None = None) -> Article:
    """Download an article over http(s) and load it; ``Article.source`` is the final URL.

    Raises the errors of ``fetch_url`` (scheme, private address, unreachable, timeout, HTTP status,
    content type, size, redirects) and those of ``load_article_text``.
    """
    options = options or ArticleOptions()
    document = fetch_url(url, options)
    fmt = _format_of_download(document.content_type, document.url, document.body[:10_000])
    return _load_bytes(document.body, fmt, options=options, source=document.url, charset=document.charset)


def load_article(
    source: str | Path | bytes,
    *,
    options: ArticleOptions | None = None,
    kind: ArticleKind = "auto",
) -> Article:
    """Load an article from any source.

    ``Path``: a file. ``bytes``: the content of a document (charset detected). ``str``: a URL when
    ``kind="url"`` or when it is one ``scheme://…`` token, otherwise the article itself. ``kind`` forces
    the format (``"text"``, ``"markdown"``, ``"html"``) or the URL reading; ``"auto"`` guesses.
    Every refusal is an ``ArticleError`` (a ``montage.errors.InputError``) with a distinct ``code``.
    """
    options = options or ArticleOptions()
    fmt: ArticleFormat | None = None
    if kind != "auto" and kind != "url":
        fmt = kind
    if isinstance(source, Path):
        if kind == "url":
            raise ArticleError("kind='url' needs a URL string, not a file path.")
        return load_article_file(source, options, fmt=fmt)
    if isinstance(source, bytes):
        if kind == "url":
            raise ArticleError("kind='url' needs a URL string, not bytes.")
        return _load_bytes(source, fmt, options=options, source="text")
    if kind == "url" or (kind == "auto" and _looks_like_url(source)):
        return load_article_url(source.strip(), options)
    return load_article_text(source, fmt or "auto", options=options)
