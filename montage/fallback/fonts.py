"""Find a font file for on-screen text at run time (title cards, end cards): DejaVu Sans, or a CJK font."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from montage.errors import MediaError
from montage.text.scripts import has_cjk

_KNOWN_LATIN = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
)


def _fc_match(pattern: str) -> Path | None:
    if shutil.which("fc-match") is None:
        return None
    try:
        done = subprocess.run(
            ["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None
    return path if path is not None and path.is_file() else None


@lru_cache(maxsize=8)
def _font_for(cjk: bool) -> Path | None:
    if cjk:
        for language in ("zh-cn", "ja", "ko"):
            path = _fc_match(f":lang={language}")
            if path is not None and "dejavu" not in path.name.lower():
                return path
    for known in _KNOWN_LATIN:
        if Path(known).is_file():
            return Path(known)
    return _fc_match("DejaVu Sans:bold") or _fc_match("sans-serif:bold")


def font_for_text(text: str) -> Path:
    """A font file that can draw ``text``: a CJK font when the text has any CJK character and one is
    installed (CJK fonts carry Latin letters too; DejaVu draws boxes for Han), else DejaVu Sans.

    Raises MediaError when no usable font file exists at all.
    """
    path = _font_for(has_cjk(text)) or _font_for(False)
    if path is None:
        raise MediaError("no font file found for on-screen text (install fonts-dejavu)", code="font_missing")
    return path


def has_cjk_font() -> bool:
    """True when a CJK-capable font other than DejaVu is installed (CJK titles otherwise show boxes)."""
    path = _font_for(True)
    return path is not None and "dejavu" not in path.name.lower()
