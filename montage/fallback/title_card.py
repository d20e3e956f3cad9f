"""The default fallback: a title card drawn by ffmpeg (gradient, drifting phrase that fades in and out).

Only the phrase fades: the gradient cuts in and out like any shot, so a card never dips through black
(ffmpeg's ``blackdetect`` finds no black frame at its edges) and, with the gradient turning and the phrase
drifting, never holds a frozen frame either.
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
from pathlib import Path

from montage.fallback.filter_escaping import escape_option_value
from montage.fallback.fonts import font_for_text
from montage.fallback.lavfi_clip import encode_lavfi_clip
from montage.options.fallback import TitleCardOptions
from montage.timeline.subtitle_lines import wrap_text_balanced


def _options(pairs: dict[str, str | float | int]) -> str:
    return ":".join(f"{key}={escape_option_value(str(value))}" for key, value in pairs.items())


def text_alpha(fade_s: float, duration_s: float, *, fade_out: bool = True) -> str:
    """A ``drawtext`` alpha expression: the text fades in over ``fade_s``, and out over the last
    ``fade_s`` of ``duration_s`` when ``fade_out``; "1" when there is no fade."""
    if fade_s <= 0:
        return "1"
    rising = f"t/{fade_s:.4f}"
    if not fade_out:
        return f"min(1,max(0,{rising}))"
    return f"min(1,max(0,min({rising},({duration_s:.4f}-t)/{fade_s:.4f})))"


def drifting_x(drift_px: float, duration_s: float) -> str:
    """A ``drawtext`` x expression: the text centred, drifting ``drift_px`` sideways over ``duration_s``
    (so a still card never holds a frozen frame)."""
    return f"(w-text_w)/2+{drift_px:.2f}*(t/{max(duration_s, 1e-3):.4f}-0.5)"


class TitleCardGenerator:
    """Draws the phrase centred on a soft two-colour gradient that slowly turns; the text drifts sideways
    and fades in and out (the background does not: no dip to black).

    Usable inline (``lavfi_source``: the renderer draws the card in its own pass) or alone (``generate``).
    """

    def __init__(self, options: TitleCardOptions | None = None) -> None:
        self.options = options or TitleCardOptions()

    def _font_size(self, width: int, height: int) -> int:
        return max(12, round(min(height, width) * self.options.font_height_ratio))

    def lavfi_source(
        self, text: str, duration_s: float, width: int, height: int, fps: float, work_dir: Path
    ) -> str:
        """The card as a lavfi filtergraph; writes one text file per line into ``work_dir``."""
        o = self.options
        size = self._font_size(width, height)
        cells = max(8.0, 0.8 * width / (0.6 * size))
        lines = wrap_text_balanced(" ".join(text.split()), cells)[:4] or [" "]
        font = o.font_path or font_for_text(text)
        line_height = round(size * 1.3)
        top = (height - line_height * len(lines)) / 2
        fade = min(o.fade_s, duration_s / 3)
        digest = hashlib.sha1(f"{text}|{width}x{height}".encode()).hexdigest()[:12]
        work_dir.mkdir(parents=True, exist_ok=True)
        small_w, small_h = max(2, width // 4), max(2, height // 4)
        filters = [
            "gradients="
            + _options(
                {
                    "s": f"{small_w}x{small_h}",
                    "r": f"{fps:g}",
                    "d": f"{duration_s:.6f}",
                    "c0": o.color_a,
                    "c1": o.color_b,
                    "x0": 0,
                    "y0": 0,
                    "x1": small_w,
                    "y1": small_h,
                    "speed": o.gradient_speed,
                    "seed": int(digest[:6], 16),
                }
            ),
            f"scale={width}:{height}:flags=bilinear",  # a smooth gradient loses nothing drawn at 1/4 size
        ]
        drift = o.drift_ratio * width
        for i, line in enumerate(lines):
            text_file = work_dir / f"title-{digest}-{i}.txt"
            text_file.write_text(line, encoding="utf-8")
            filters.append(
                "drawtext="
                + _options(
                    {
                        "fontfile": str(font),
                        "textfile": str(text_file),
                        "fontsize": size,
                        "fontcolor": o.text_color,
                        "alpha": text_alpha(fade, duration_s),
                        "shadowcolor": "black@0.35",
                        "shadowx": 2,
                        "shadowy": 2,
                        "x": drifting_x(drift, duration_s),
                        "y": f"{top + i * line_height + (line_height - size) / 2:.1f}",
                    }
                )
            )
        filters += ["format=yuv420p", "setsar=1"]
        return ",".join(filters)

    def generate(
        self, text: str, duration_s: float, width: int, height: int, fps: float, out_path: Path
    ) -> Path:
        """Write the card as an H.264 MP4 without audio, ``duration_s`` long; returns ``out_path``."""
        out_path.parent.mkdir(parents=True, exist_ok=True)
        temp = out_path.with_name(f".{out_path.stem}.{os.getpid()}.part{out_path.suffix or '.mp4'}")
        with tempfile.TemporaryDirectory(prefix="montage-title-") as work:
            self._encode(text, duration_s, width, height, fps, temp, Path(work))
        os.replace(temp, out_path)
        return out_path

    def _encode(
        self, text: str, duration_s: float, width: int, height: int, fps: float, temp: Path, work: Path
    ) -> None:
        frames = max(1, math.ceil(duration_s * fps - 1e-6))
        source = self.lavfi_source(text, duration_s, width, height, fps, work)
        encode_lavfi_clip(source, frames, temp, what="the title card")
