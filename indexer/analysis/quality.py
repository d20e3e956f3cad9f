"""The shot quality score: one number in [0, 1] from sharpness, exposure, black frames, motion, length.

    score = (1 - black_fraction) · (0.40·S + 0.25·E + 0.20·M + 0.15·D)

* S (sharpness) = 1 - exp(-sharpness / 100), sharpness being the variance of the Laplacian of the gray
  keyframe candidates at keyframe width: ≈0.26 at 30 (soft), 0.63 at 100, 0.95 at 300 (crisp).
* E (exposure) = 1 for mean luma in [0.20, 0.75], falling linearly to 0 at 0.04 (black) and 0.96 (white).
* M (motion, mean absolute luma change per frame, 0-255): static footage (0) scores 0.75, rising to 1 at
  0.5; 1 up to 8; above 8 the picture is shaky or chaotic and M falls linearly to 0.2 at 30 and beyond.
* D (duration) = min(1, 0.4 + 0.3·seconds): 0.55 at 0.5 s, 1 from 2 s.

The black fraction multiplies everything, so an all-black shot scores 0 whatever else it measures.
"""

from __future__ import annotations

import math

from indexer.analysis_types import ShotQuality

SHARPNESS_SCALE = 100.0
WEIGHTS = {"sharpness": 0.40, "exposure": 0.25, "motion": 0.20, "duration": 0.15}


def sharpness_term(sharpness: float) -> float:
    """Map a Laplacian variance to [0, 1)."""
    return 1.0 - math.exp(-max(sharpness, 0.0) / SHARPNESS_SCALE)


def exposure_term(brightness: float) -> float:
    """1 for well exposed mean luma, falling to 0 for black or blown-out pictures."""
    if brightness < 0.20:
        return _clamp((brightness - 0.04) / 0.16)
    if brightness > 0.75:
        return _clamp((0.96 - brightness) / 0.21)
    return 1.0


def motion_term(motion: float) -> float:
    """Prefer some movement; penalise static pictures a little and shaky ones a lot."""
    if motion <= 0.5:
        return 0.75 + 0.5 * max(motion, 0.0)
    if motion <= 8.0:
        return 1.0
    return max(0.2, 1.0 - 0.8 * (motion - 8.0) / 22.0)


def duration_term(duration_s: float) -> float:
    """Short shots are harder to use: 0.55 at half a second, 1 from two seconds."""
    return _clamp(0.4 + 0.3 * max(duration_s, 0.0))


def shot_quality(
    *, sharpness: float, brightness: float, black_fraction: float, motion: float, duration_s: float
) -> ShotQuality:
    """Combine the measures of one shot into a ``ShotQuality`` (formula in the module docstring)."""
    weighted = (
        WEIGHTS["sharpness"] * sharpness_term(sharpness)
        + WEIGHTS["exposure"] * exposure_term(brightness)
        + WEIGHTS["motion"] * motion_term(motion)
        + WEIGHTS["duration"] * duration_term(duration_s)
    )
    score = _clamp((1.0 - _clamp(black_fraction)) * weighted)
    return ShotQuality(
        sharpness=float(sharpness),
        brightness=float(brightness),
        black_fraction=float(black_fraction),
        motion=float(motion),
        score=round(score, 6),
    )


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))
