"""Options of the fallback cards (``MONTAGE_RENDER__FALLBACK__*``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class TitleCardOptions(BaseModel):
    """Look of the default fallback: the sentence's anchor phrase on a slowly moving soft gradient."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    color_a: str = Field(default="0x1c2a3f", description="First gradient colour (ffmpeg colour syntax).")
    color_b: str = Field(default="0x3d6080", description="Second gradient colour.")
    text_color: str = Field(default="0xf4f1ea", description="Colour of the phrase.")
    font_path: Path | None = Field(default=None, description="TTF/OTF file; None finds DejaVu Sans (or CJK).")
    font_height_ratio: float = Field(
        default=0.075, gt=0, le=0.3, description="Font size as a share of the frame's shorter side."
    )
    drift_ratio: float = Field(
        default=0.03, ge=0, le=0.2, description="How far the text drifts sideways, as a share of the width."
    )
    fade_s: float = Field(default=0.4, ge=0, description="Fade in and out (capped at a third of the card).")
    gradient_speed: float = Field(default=0.004, gt=0, le=1, description="Rotation speed of the gradient.")


class FallbackOptions(BaseModel):
    """Which generator fills segments no shot fits: title cards, or a local text-to-video model."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    generator: Literal["title_card", "diffusers"] = Field(
        default="title_card", description="'diffusers' needs diffusers installed and diffusers_model_path."
    )
    diffusers_model_path: Path | None = Field(
        default=None, description="Local folder of a diffusers text-to-video pipeline (never downloaded)."
    )
    diffusers_steps: int = Field(default=20, ge=1, description="Denoising steps per card.")
    diffusers_frames: int = Field(default=16, ge=1, description="Frames generated (stretched to the length).")
    title_card: TitleCardOptions = Field(default_factory=TitleCardOptions)
