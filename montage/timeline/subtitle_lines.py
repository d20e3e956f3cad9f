"""Break subtitle text into short lines: ≤ 42 characters, or ≤ 16 CJK characters (wide ones count 42/16).

Words stay whole (a longer word is cut), CJK text breaks between characters, and closing punctuation
never starts a line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from montage.text.width import is_wide_char

LINE_WIDTH = 42.0
WIDE_CHAR_WIDTH = LINE_WIDTH / 16

_TOKEN = re.compile(r"\s+|[^\s]")


@dataclass(frozen=True)
class Token:
    """A piece of text that is never split across lines, and whether a space precedes it."""

    text: str
    space_before: bool

    @property
    def width(self) -> float:
        """Width in Latin character cells."""
        return sum(WIDE_CHAR_WIDTH if is_wide_char(c) else 1.0 for c in self.text)


def _attaches_left(char: str) -> bool:
    return unicodedata.category(char) in ("Pe", "Pf", "Po") and char not in "#&*@"


def tokenize(text: str, *, width: float = LINE_WIDTH) -> list[Token]:
    """Split text into line-break units: Latin words, single CJK characters, punctuation kept on the left.

    Words wider than ``width`` are cut into pieces that fit.
    """
    tokens: list[Token] = []
    space = False
    for match in _TOKEN.finditer(text.strip()):
        piece = match.group()
        if piece.isspace():
            space = True
            continue
        glue = tokens and not space
        if glue and (_attaches_left(piece) or not (is_wide_char(piece) or is_wide_char(tokens[-1].text[-1]))):
            tokens[-1] = Token(tokens[-1].text + piece, tokens[-1].space_before)
        else:
            tokens.append(Token(piece, space))
        space = False
    return _cut_long(tokens, width)


def _cut_long(tokens: list[Token], width: float) -> list[Token]:
    cut: list[Token] = []
    for token in tokens:
        if token.width <= width:
            cut.append(token)
            continue
        part, first = "", True
        for char in token.text:
            if Token(part + char, False).width > width:
                cut.append(Token(part, token.space_before and first))
                part, first = "", False
            part += char
        cut.append(Token(part, token.space_before and first))
    return cut


def line_text(tokens: list[Token]) -> str:
    """Join tokens of one line (no leading space)."""
    return "".join((" " if t.space_before and i else "") + t.text for i, t in enumerate(tokens))


def line_width(tokens: list[Token]) -> float:
    """Width of the tokens as one line."""
    return sum(t.width + (1.0 if t.space_before and i else 0.0) for i, t in enumerate(tokens))


def wrap_tokens(tokens: list[Token], *, width: float = LINE_WIDTH) -> list[list[Token]]:
    """Greedy wrap into lines of at most ``width`` (Latin character cells)."""
    lines: list[list[Token]] = []
    current: list[Token] = []
    for token in tokens:
        if current and line_width([*current, token]) > width:
            lines.append(current)
            current = []
        current.append(token)
    if current:
        lines.append(current)
    return lines


def _balanced_pair(tokens: list[Token]) -> list[list[Token]]:
    best: list[list[Token]] | None = None
    best_width = float("inf")
    for split in range(1, len(tokens)):
        top, bottom = tokens[:split], tokens[split:]
        widest = max(line_width(top), line_width(bottom))
        if widest <= LINE_WIDTH and widest < best_width:
            best, best_width = [top, bottom], widest
    return best or wrap_tokens(tokens)


def _even_chunks(tokens: list[Token], count: int) -> list[list[Token]]:
    """Split tokens into ``count`` runs of about equal width (cut where the running width is nearest)."""
    widths = [t.width + (1.0 if t.space_before else 0.0) for t in tokens]
    total = sum(widths)
    chunks: list[list[Token]] = []
    current: list[Token] = []
    running = 0.0
    for token, width in zip(tokens, widths, strict=True):
        target = total * (len(chunks) + 1) / count
        if current and len(chunks) < count - 1 and abs(running - target) <= abs(running + width - target):
            chunks.append(current)
            current = []
        current.append(token)
        running += width
    chunks.append(current)
    return chunks


def subtitle_blocks(text: str) -> list[list[str]]:
    """The text as cues of one or two lines each, lines within the width limit, cues of even length."""
    tokens = tokenize(text)
    lines = wrap_tokens(tokens)
    if len(lines) <= 1:
        return [[line_text(line) for line in lines]] if lines else []
    count = (len(lines) + 1) // 2
    chunks = _even_chunks(tokens, count)
    if any(len(wrap_tokens(chunk)) > 2 for chunk in chunks):
        chunks = [
            lines[i] + lines[i + 1] if i + 1 < len(lines) else lines[i] for i in range(0, len(lines), 2)
        ]
    blocks: list[list[str]] = []
    for chunk in chunks:
        fitted = [chunk] if line_width(chunk) <= LINE_WIDTH else _balanced_pair(chunk)
        blocks.append([line_text(line) for line in fitted])
    return blocks


def block_width(block: list[str]) -> float:
    """Width of a cue's text (sum of its lines), used to share a sentence's time between its cues."""
    return sum(Token(line, False).width for line in block)


def wrap_text(text: str, width: float) -> list[str]:
    """The text greedily wrapped into lines of at most ``width`` Latin character cells."""
    return [line_text(line) for line in wrap_tokens(tokenize(text, width=width), width=width)]


def wrap_text_balanced(text: str, width: float) -> list[str]:
    """As few lines as ``wrap_text`` needs, but with the narrowest width that still needs no more of them."""
    tokens = tokenize(text, width=width)
    needed = len(wrap_tokens(tokens, width=width))
    narrowest = width
    candidate = max(1.0, line_width(tokens) / max(needed, 1))
    while candidate < width:
        if len(wrap_tokens(tokens, width=candidate)) <= needed:
            narrowest = candidate
            break
        candidate += 1.0
    return [line_text(line) for line in wrap_tokens(tokens, width=narrowest)]
