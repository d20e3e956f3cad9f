"""Options of the render stage (``MONTAGE_RENDER__*``) and the output aspect ratios."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from montage.options.fallback import FallbackOptions

Aspect = Literal["16:9", "9:16", "1:1"]
"""The output frame's aspect ratio."""

FRAME_SIZES: dict[str, tuple[int, int]] = {"16:9": (1280, 720), "9:16": (720, 1280), "1:1": (720, 720)}
"""The default output size of each aspect."""


class RenderOptions(BaseModel):
    """How a timeline becomes an MP4: frame, encoder, transitions, subtitles, music, end card.

    ``aspect`` None uses the timeline's; ``width``/``height`` None use the aspect's default size
    (16:9 → 1280×720, 9:16 → 720×1280, 1:1 → 720×720).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    aspect: Aspect | None = Field(default=None, description="Output aspect; None = the timeline's.")
    width: int | None = Field(default=None, ge=16, description="Output width (even); None = from aspect.")
    height: int | None = Field(default=None, ge=16, description="Output height (even); None = from aspect.")
    fps: float = Field(default=30.0, gt=0, le=120, description="Output frame rate (constant).")
    fit: Literal["crop", "pad"] = Field(
        default="crop", description="Fill the frame by cropping, or letterbox/pillarbox with black bars."
    )
    crf: int = Field(default=23, ge=0, le=51, description="libx264 constant rate factor.")
    preset: str = Field(default="veryfast", description="libx264 preset.")
    audio_bitrate: str = Field(default="160k", description="AAC bitrate.")
    crossfade_s: float = Field(
        default=0.0, ge=0, le=2, description="Cross-dissolve between segments (0 = hard cuts)."
    )
    burn_subtitles: bool = Field(default=False, description="Draw the narration subtitles into the picture.")
    subtitle_font_ratio: float = Field(
        default=0.055, gt=0, le=0.2, description="Subtitle text height as a share of the shorter side."
    )
    music_path: Path | None = Field(
        default=None, description="Music under the narration (the timeline's if None)."
    )
    music_gain_db: float = Field(default=-16.0, le=6, description="Music level before ducking.")
    music_fade_s: float = Field(default=1.5, ge=0, description="Music fade in and out.")
    duck_threshold: float = Field(default=0.02, gt=0, le=1, description="Speech level that starts ducking.")
    duck_ratio: float = Field(default=8.0, ge=1, le=20, description="How hard speech pushes the music down.")
    end_card: bool = Field(default=True, description="Append a card crediting the footage.")
    end_card_s: float = Field(default=4.0, gt=0, le=30, description="Length of the end card.")
    end_card_color: str = Field(
        default="0x1c2a3f",
        description="Background of the end card (the title cards' darker colour; keep it above ffmpeg "
        "blackdetect's 10 % luma so the credits do not read as black frames).",
    )
    fallback: FallbackOptions = Field(default_factory=FallbackOptions)
    processes: int = Field(
        default=0,
        ge=0,
        le=64,
        description=(
            "ffmpeg processes rendering parts of the video at the same time (0 = one per CPU core this "
            "process may use; 1 = the whole video in one ffmpeg pass)."
        ),
    )
    min_part_s: float = Field(
        default=10.0,
        gt=0,
        description="Shortest part worth its own process: a shorter video is rendered in fewer parts.",
    )
    timeout_s: float | None = Field(
        default=None, gt=0, description="Kill ffmpeg after this long (None: never)."
    )

    @model_validator(mode="after")
    def _even_size(self) -> RenderOptions:
        for name in ("width", "height"):
            value = getattr(self, name)
            if value is not None and value % 2:
                raise ValueError(f"{name} must be even (H.264 4:2:0)")
        if (self.width is None) != (self.height is None):
            raise ValueError("give both width and height, or neither")
        return self

    def frame_size(self, timeline_aspect: Aspect) -> tuple[int, int]:
        """Output width and height for a timeline of ``timeline_aspect``."""
        if self.width is not None and self.height is not None:
            return self.width, self.height
        return FRAME_SIZES[self.aspect or timeline_aspect]
