"""Markdown → title, section headings and paragraphs (markdown-it-py).

Kept: paragraph, list item and block quote text, link text, inline code. Dropped: code blocks, images
(alt text included), link URLs, raw HTML, tables, YAML front matter (whose ``title:`` is used).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from montage.article.extracted import ExtractedText, TextBlock
from montage.article.text_cleaning import clean_inline_text

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.MULTILINE)
_SKIPPED_CONTAINERS = {"table_open": "table_close"}


def _split_front_matter(text: str) -> tuple[str | None, str]:
    """Return the front matter's title (if any) and the Markdown after the front matter."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return None, text
    title_match = _FRONT_MATTER_TITLE.search(match.group(1))
    title = title_match.group(1).strip("'\"") if title_match else None
    return title, text[match.end() :]


def _inline_text(token: Token) -> str:
    """Readable text of an inline token: text, link text and inline code; no images, URLs or HTML."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "html_inline" and re.fullmatch(r"<br\s*/?>", child.content, re.IGNORECASE):
            parts.append(" ")
    return clean_inline_text("".join(parts))


def extract_markdown(text: str) -> ExtractedText:
    """Extract the title (front matter ``title:`` or a leading H1), sections and paragraphs of Markdown."""
    title, body = _split_front_matter(text.replace("\r\n", "\n").replace("\r", "\n"))
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(body)
    blocks: list[TextBlock] = []
    section: str | None = None
    skip_until: str | None = None
    heading_tag: str | None = None
    seen_leading_h1 = False
    for token in tokens:
        if skip_until is not None:
            if token.type == skip_until:
                skip_until = None
            continue
        if token.type in _SKIPPED_CONTAINERS:
            skip_until = _SKIPPED_CONTAINERS[token.type]
        elif token.type == "heading_open":
            heading_tag = token.tag
        elif token.type == "heading_close":
            heading_tag = None
        elif token.type == "inline" and heading_tag is not None:
            heading = _inline_text(token)
            if heading_tag == "h1" and not blocks and section is None and not seen_leading_h1:
                seen_leading_h1 = True  # the headline; with a front-matter title it only repeats it
                title = title or heading or None
            else:
                section = heading or section
        elif token.type == "inline":
            paragraph = _inline_text(token)
            if paragraph:
                blocks.append(TextBlock(paragraph, section))
    return ExtractedText(title=clean_inline_text(title) if title else None, blocks=blocks)
