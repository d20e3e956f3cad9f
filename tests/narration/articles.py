"""The test articles: a '# Title' line, then one sentence per line, paragraphs split by blank lines.

Articles are built directly as ``montage.article`` data so these tests do not depend on the article
stage's sentence splitter.
"""

from __future__ import annotations

from pathlib import Path

from montage.article.model import Article, Paragraph, Sentence

DATA = Path(__file__).resolve().parent / "data"
ENGLISH = DATA / "thames_barrier_en.txt"
CHINESE = DATA / "wuhan_flood_zh.txt"


def article_from_lines(text: str, language: str, source: str = "text") -> Article:
    """Build an article from '# Title', then sentences one per line, paragraphs separated by blank lines."""
    lines = text.strip().splitlines()
    title = lines[0].removeprefix("# ").strip() if lines and lines[0].startswith("# ") else None
    body = "\n".join(lines[1:] if title else lines)
    paragraphs: list[Paragraph] = []
    index = 0
    for block in (b for b in body.split("\n\n") if b.strip()):
        sentences = []
        for line in (line.strip() for line in block.splitlines() if line.strip()):
            sentences.append(Sentence(index=index, paragraph_index=len(paragraphs), text=line))
            index += 1
        joiner = "" if language == "zh" else " "
        paragraphs.append(
            Paragraph(index=len(paragraphs), text=joiner.join(s.text for s in sentences), sentences=sentences)
        )
    return Article(title=title, language=language, paragraphs=paragraphs, source=source)


def english_article() -> Article:
    """The ~600-word English news article about a new Thames Barrier."""
    return article_from_lines(ENGLISH.read_text(encoding="utf-8"), "en", str(ENGLISH))


def chinese_article() -> Article:
    """The ~800-character Chinese news article about Wuhan's Yangtze flood defences."""
    return article_from_lines(CHINESE.read_text(encoding="utf-8"), "zh", str(CHINESE))
