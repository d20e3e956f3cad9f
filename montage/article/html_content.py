"""HTML → title and main-content paragraphs (lxml).

A small main-content extractor:

1. The title candidates are read first: ``og:title``, ``<title>`` and the ``<h1>`` elements.
2. Boilerplate is removed: scripts, styles, navigation, headers, footers, asides, forms, figures, code
   blocks, comments, hidden elements, ARIA landmarks that are not content, and elements whose class or id
   names a cookie banner, share buttons, related links, newsletter box, advert, comments, etc.
3. The content root is the ``<article>`` / ``<main>`` / ``role=main`` / ``itemprop=articleBody`` element
   with the most paragraph text, unless the densest block of paragraphs (scored by text length and commas,
   lowered by link density) holds clearly more text; the page body is the last resort.
4. The root is walked into blocks (paragraphs, list items, quotes; ``<br><br>`` separates blocks too).
   Headings become section names; blocks made mostly of links or known boilerplate phrases are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from montage.article.errors import NoMainContentError
from montage.article.extracted import ExtractedText, TextBlock
from montage.article.text_cleaning import clean_inline_text

_DROPPED_TAGS_WORDS = (
    "script style noscript template svg math canvas iframe object embed nav header footer aside form "
    "button select textarea input label figure picture video audio dialog menu pre link meta"
)
_DROPPED_TAGS = frozenset(_DROPPED_TAGS_WORDS.split())
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCK_TAGS_WORDS = (
    "p div section article main li ul ol dl dt dd blockquote table tbody thead tfoot tr td th caption "
    "figcaption address center hr details summary body"
)
_BLOCK_TAGS = _HEADINGS | frozenset(_BLOCK_TAGS_WORDS.split())
_NON_CONTENT_ROLES_WORDS = (
    "navigation banner contentinfo complementary dialog alertdialog search menu menubar toolbar"
)
_NON_CONTENT_ROLES = frozenset(_NON_CONTENT_ROLES_WORDS.split())
# Words in a class or id that mark boilerplate. Matched against whole tokens of the attribute
# ("share-buttons" → {"share", "buttons"}), so "shared-story" or "navigation-free" body classes survive.
_BOILERPLATE_NAMES_WORDS = (
    "cookie cookies consent gdpr share sharing social sharebar related recommended recirculation "
    "newsletter subscribe subscription signup promo promotion advert advertisement ads ad sponsored "
    "sidebar comments comment breadcrumb breadcrumbs navbar nav menu popup modal banner outbrain "
    "taboola toolbar skip paywall footer header masthead byline dateline tags caption credit credits"
)
_BOILERPLATE_NAMES = frozenset(_BOILERPLATE_NAMES_WORDS.split())
_SEMANTIC_ROOTS = (
    "//article",
    "//main",
    "//*[@role='main']",
    "//*[@itemprop='articleBody']",
)
_BOILERPLATE_TEXT = re.compile(
    r"^(advertisement|advert|sponsored( content)?|share( this( article| story| page)?)?|share on \w+|"
    r"tweet|email|print|follow us\b.*|sign up\b.*|subscribe\b.*|read more\b.*|"
    r"related( stories| articles)?\b.*|"
    r"(image|photo|photograph|picture|video) ?(credit)?:.*|copyright\b.*|©.*|all rights reserved.*|"
    r"(accept|reject)( all)? cookies.*|we use cookies.*|"
    r"广告|分享(到)?.*|相关(阅读|新闻|推荐).*|责任编辑.*|(图片|视频)来源.*|点击(查看|阅读).*|扫码.*)$",
    re.IGNORECASE,
)
_MAX_BOILERPLATE_CHARS = 80
_MAX_LINK_DENSITY = 0.5
_MIN_SCORED_PARAGRAPH = 25
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·:»]\s+|\s*[_｜|]\s*")


def _tag(element: etree._Element) -> str:
    """Lower-case tag name, or "" for comments and processing instructions."""
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _text_of(element: etree._Element) -> str:
    return clean_inline_text(str(element.text_content()))


def _is_hidden_or_landmark(element: etree._Element) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = (element.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    return (element.get("role") or "").lower() in _NON_CONTENT_ROLES


def _has_boilerplate_name(element: etree._Element) -> bool:
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return bool(set(re.split(r"[^a-z0-9]+", names)) & _BOILERPLATE_NAMES)


def _drop_all(elements: list[etree._Element]) -> None:
    for element in elements:
        if element.getparent() is not None:
            element.drop_tree()


def _prune(document: etree._Element) -> None:
    """Remove comments, non-content elements and boilerplate containers, in place (tails are kept).

    An element named like boilerplate (class/id) is kept when it holds most of the page's text: a
    wrapper called "page-with-sidebar" is not a sidebar.
    """
    etree.strip_elements(document, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    _drop_all(
        [
            element
            for element in document.iter()
            if _tag(element) not in ("", "html", "body")
            and (_tag(element) in _DROPPED_TAGS or _is_hidden_or_landmark(element))
        ]
    )
    page_chars = len(_text_of(document))
    _drop_all(
        [
            element
            for element in document.iter()
            if _tag(element) not in ("", "html", "body")
            and _has_boilerplate_name(element)
            and len(_text_of(element)) <= 0.5 * page_chars
        ]
    )


def _link_density(element: etree._Element) -> float:
    text_length = len(_text_of(element))
    if text_length == 0:
        return 0.0
    link_length = sum(len(_text_of(link)) for link in element.iter("a"))
    return min(1.0, link_length / text_length)


def _paragraph_points(text: str) -> float:
    """How much a paragraph of text weighs as evidence of main content."""
    return 1.0 + text.count(",") + text.count("，") + min(len(text) / 100.0, 3.0)


def _densest_block(document: etree._Element) -> etree._Element | None:
    """The element whose direct paragraphs (and, at half weight, grandchildren) carry the most text."""
    scores: dict[etree._Element, float] = {}
    for paragraph in document.iter("p", "td", "pre", "blockquote", "li", "div"):
        if _tag(paragraph) == "div" and any(_tag(child) in _BLOCK_TAGS for child in paragraph):
            continue  # a div of blocks is a container, scored through its children
        text = _text_of(paragraph)
        if len(text) < _MIN_SCORED_PARAGRAPH:
            continue
        points = _paragraph_points(text)
        parent = paragraph.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + points
        grandparent = parent.getparent()
        if grandparent is not None:
            scores[grandparent] = scores.get(grandparent, 0.0) + points / 2
    if not scores:
        return None
    return max(scores, key=lambda element: scores[element] * (1.0 - _link_density(element)))


def _content_score(element: etree._Element) -> float:
    total = 0.0
    for paragraph in element.iter("p", "li", "blockquote", "td", "div"):
        if _tag(paragraph) == "div" and any(_tag(child) in _BLOCK_TAGS for child in paragraph):
            continue
        text = _text_of(paragraph)
        if len(text) >= _MIN_SCORED_PARAGRAPH:
            total += _paragraph_points(text)
    return total * (1.0 - _link_density(element))


def _content_root(document: etree._Element) -> etree._Element:
    semantic: list[etree._Element] = []
    for query in _SEMANTIC_ROOTS:
        semantic.extend(element for element in document.xpath(query) if element not in semantic)
    scored = sorted(((_content_score(element), element) for element in semantic), key=lambda pair: -pair[0])
    best_semantic = scored[0] if scored and scored[0][0] > 0 else None
    if best_semantic is not None:
        # Prefer the innermost semantic element that still holds most of the text (<article> in <main>).
        score, root = best_semantic
        for inner_score, inner in scored[1:]:
            if inner_score >= 0.8 * score and root in inner.iterancestors():
                root = inner
        densest = _densest_block(document)
        if densest is None or _content_score(densest) <= 1.5 * score:
            return root
        return densest
    densest = _densest_block(document)
    if densest is not None:
        return densest
    body = document.find("body")
    return body if body is not None else document


@dataclass
class _BlockWalker:
    """Walks a content root and cuts its text into blocks at block elements and double line breaks."""

    blocks: list[tuple[str, float, str | None]] = field(default_factory=list)
    _parts: list[str] = field(default_factory=list)
    _link_chars: int = 0
    _section: str | None = None
    _pending_br: bool = False

    def _add(self, text: str | None, in_link: bool) -> None:
        if not text:
            return
        self._parts.append(text)
        if text.strip():
            self._pending_br = False
            if in_link:
                self._link_chars += len(text.strip())

    def flush(self) -> None:
        text = clean_inline_text("".join(self._parts))
        if text:
            self.blocks.append((text, min(1.0, self._link_chars / len(text)), self._section))
        self._parts = []
        self._link_chars = 0
        self._pending_br = False

    def walk(self, element: etree._Element, in_link: bool = False) -> None:
        tag = _tag(element)
        if tag in _HEADINGS:
            self.flush()
            heading = _text_of(element)
            if heading:
                self._section = heading
            return
        if tag == "br":
            if self._pending_br:
                self.flush()
            else:
                self._parts.append("\n")
                self._pending_br = True
            return
        is_block = tag in _BLOCK_TAGS
        if is_block:
            self.flush()
        in_link = in_link or tag == "a"
        self._add(element.text, in_link)
        for child in element:
            self.walk(child, in_link)
            self._add(child.tail, in_link)
        if is_block:
            self.flush()


def _clean_document_title(title: str, h1_texts: list[str]) -> str:
    """Strip a site name from a ``<title>``: keep the part an ``<h1>`` repeats, else the longest part."""
    parts = [part.strip() for part in _TITLE_SEPARATORS.split(title) if part.strip()]
    for part in parts:
        if part in h1_texts:
            return part
    return max(parts, key=len) if parts else title


def _find_title(document: etree._Element) -> str | None:
    """The headline: an ``<h1>`` inside the article, ``og:title``, the page's only ``<h1>``, ``<title>``."""
    h1_texts = [text for text in (_text_of(h1) for h1 in document.iter("h1")) if text]
    for query in ("//article//h1", "//main//h1", "//*[@itemprop='headline']", "//*[@role='main']//h1"):
        for element in document.xpath(query):
            text = _text_of(element)
            if text:
                return text
    for meta in document.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:title":
            text = clean_inline_text(meta.get("content") or "")
            if text:
                return text
    if len(h1_texts) == 1:
        return h1_texts[0]
    title_element = document.find(".//title")
    if title_element is not None:
        text = _text_of(title_element)
        if text:
            return _clean_document_title(text, h1_texts)
    return h1_texts[0] if h1_texts else None


def _parse(html: str) -> etree._Element:
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise NoMainContentError(f"The HTML could not be parsed into a document: {exc}") from exc


def extract_html(html: str) -> ExtractedText:
    """Extract the title and the main-content paragraphs of an HTML page.

    Raises ``NoMainContentError`` when nothing readable is left after boilerplate removal.
    """
    document = _parse(html)
    # The title is read before pruning: headlines often sit in a <header>, which pruning removes.
    title = _find_title(document)
    _prune(document)
    root = _content_root(document)
    walker = _BlockWalker()
    walker.walk(root)
    walker.flush()
    blocks = [
        TextBlock(text, section if section != title else None)
        for text, link_density, section in walker.blocks
        if link_density <= _MAX_LINK_DENSITY
        and not (len(text) <= _MAX_BOILERPLATE_CHARS and _BOILERPLATE_TEXT.match(text))
        and text != title
    ]
    if not blocks:
        raise NoMainContentError(
            "No main text was found in the HTML page (only navigation, scripts or boilerplate)."
        )
    return ExtractedText(title=title, blocks=blocks)
