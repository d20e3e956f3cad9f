"""Guess whether article text is HTML, Markdown or plain text."""

from __future__ import annotations

import re
from pathlib import Path

from montage.article.model import ArticleFormat

_HTML_START = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL
)
_HTML_TAG = re.compile(
    r"</?(?:p|div|article|section|span|a|h[1-6]|br|ul|li|table|body)\b[^>]*>", re.IGNORECASE
)
_MARKDOWN_SIGNS = (
    re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE),  # ATX heading
    re.compile(r"^\S.*\n(?:=+|-+)[ \t]*$", re.MULTILINE),  # setext heading
    re.compile(r"\[[^\]\n]+\]\([^)\s]+\)"),  # link
    re.compile(r"!\[[^\]\n]*\]\([^)\s]+\)"),  # image
    re.compile(r"^(?:```|~~~)", re.MULTILINE),  # fenced code
    re.compile(r"^[ \t]*(?:[-*+]|\d+\.)[ \t]+\S", re.MULTILINE),  # list item
    re.compile(r"^>[ \t]?\S", re.MULTILINE),  # block quote
    re.compile(r"(?:\*\*|__)\S[^*\n]*\S(?:\*\*|__)"),  # strong emphasis
)
_SUFFIX_FORMATS: dict[str, ArticleFormat] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mkd": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "text",
    ".text": "text",
}


def format_from_suffix(path: Path | str) -> ArticleFormat | None:
    """The format a file name's suffix announces, or None when it says nothing."""
    return _SUFFIX_FORMATS.get(Path(str(path)).suffix.lower())


def sniff_format(text: str) -> ArticleFormat:
    """Guess the format of article text from its content.

    HTML: starts with a doctype/``<html>``/``<body>``, or holds several common block tags. Markdown: at
    least two different Markdown constructs (headings, links, lists, fences, quotes, bold), or one
    heading. Otherwise plain text.
    """
    head = text[:10_000]
    if _HTML_START.match(head) or len(_HTML_TAG.findall(head)) >= 4:
        return "html"
    signs = [pattern for pattern in _MARKDOWN_SIGNS if pattern.search(head)]
    if len(signs) >= 2 or _MARKDOWN_SIGNS[0] in signs:
        return "markdown"
    return "text"
