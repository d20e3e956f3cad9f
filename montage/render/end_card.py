"""The end card: who made the footage and under which licence, drawn by ffmpeg on a plain background.

The background is never near black and the credits fade in and drift slowly sideways, so ffmpeg's
``blackdetect`` and ``freezedetect`` find neither black nor frozen frames at the end of a video.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from montage.fallback.fonts import font_for_text
from montage.fallback.title_card import drifting_x, text_alpha
from montage.render.graph import Filter, f
from montage.timeline.model import Credit
from montage.timeline.subtitle_lines import wrap_text

MAX_CREDIT_LINES = 12
DRIFT_RATIO = 0.02
"""How far the credits drift sideways over the card, as a share of the width (keeps the card moving)."""


def credit_lines(credits: Sequence[Credit], *, cells: float) -> list[str]:
    """``Footage`` heading then one entry per distinct (attribution, licence), wrapped and capped."""
    entries: list[str] = []
    for credit in credits:
        who = credit.attribution.strip() or Path(credit.path).name
        entry = f"{who} — {credit.license.strip()}" if credit.license.strip() else who
        if entry not in entries:
            entries.append(entry)
    lines: list[str] = []
    for entry in entries:
        lines += wrap_text(entry, cells)
    if len(lines) > MAX_CREDIT_LINES:
        lines = [*lines[: MAX_CREDIT_LINES - 1], f"… and {len(entries)} sources in total"]
    return ["Footage", *lines] if lines else ["Made with montage"]


def end_card_source(
    credits: Sequence[Credit],
    *,
    width: int,
    height: int,
    fps: float,
    duration_s: float,
    color: str,
    work_dir: Path,
) -> str:
    """A lavfi filtergraph of the credits centred on ``color``; writes the line texts into ``work_dir``."""
    size = max(12, round(min(width, height) * 0.04))
    cells = max(10.0, 0.85 * width / (0.6 * size))
    lines = credit_lines(credits, cells=cells)
    font = font_for_text(" ".join(lines))
    line_height = round(size * 1.45)
    top = (height - line_height * len(lines)) / 2
    alpha = text_alpha(min(0.5, duration_s / 4), duration_s, fade_out=False)
    work_dir.mkdir(parents=True, exist_ok=True)
    filters: list[Filter] = [f("color", c=color, s=f"{width}x{height}", r=f"{fps:g}", d=round(duration_s, 6))]
    for i, line in enumerate(lines):
        digest = hashlib.sha1(line.encode()).hexdigest()[:10]
        text_file = work_dir / f"credit-{i}-{digest}.txt"
        text_file.write_text(line, encoding="utf-8")
        filters.append(
            f(
                "drawtext",
                fontfile=str(font),
                textfile=str(text_file),
                fontsize=round(size * 1.25) if i == 0 else size,
                fontcolor="0xe8e6e1" if i else "white",
                alpha=alpha,
                x=drifting_x(DRIFT_RATIO * width, duration_s),
                y=f"{top + i * line_height:.1f}",
            )
        )
    filters += [f("format", pix_fmts="yuv420p"), f("setsar", sar=1)]
    return ",".join(item.to_string() for item in filters)
