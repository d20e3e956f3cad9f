"""Relevance floors calibrated per channel set and model from labelled (sentence, clip) pairs.

A floor is the score below which a shot is never shown for a sentence. Scores mean different things for
different models (the cosine of a related pair is ~0.4 for one text encoder and ~0.8 for another), so the
floor is looked up by the models in use: the text model id and the visual model id ("none" when the visual
channel is unavailable). ``calibration.json`` beside this module holds the floors that
``bench/calibrate_relevance.py`` measured, with how (pairs used, precision and recall at the floor), and
the similarity ranges of the model (``ranges``: which cosine means "unrelated" and which "a match").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from montage.options.relevance import DEFAULT_FLOOR, RelevanceWeights, threshold_for_pairing

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")


@dataclass(frozen=True)
class RelevanceFloor:
    """The floor to use and where it comes from (``calibrated`` or ``default``)."""

    value: float
    origin: str
    key: str
    cross_script: float | None = None
    specific: float | None = None
    specific_cross_script: float | None = None
    secondary_ratio: float | None = None
    secondary_ratio_home: float | None = None
    ranges: dict[str, float] = field(default_factory=dict)

    def weights(self, weights: RelevanceWeights) -> RelevanceWeights:
        """``weights`` with the similarity ranges measured for these models (cosine scales differ by model:
        unrelated texts score ~0.1 with one encoder and ~0.8 with another)."""
        return weights.model_copy(update=self.ranges) if self.ranges else weights

    def clears(self, score: float, *, same_script: bool) -> bool:
        """True when ``score`` reaches the floor for this script pairing."""
        return score >= threshold_for_pairing(self.value, self.cross_script, same=same_script)


def calibration_key(text_model_id: str, visual_model_id: str | None) -> str:
    """The lookup key of a model combination."""
    return f"text={text_model_id}|visual={visual_model_id or 'none'}"


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, object]]:
    if not CALIBRATION_FILE.is_file():
        return {}
    data = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
    return dict(data.get("floors", {}))


def relevance_floor(
    text_model_id: str, visual_model_id: str | None, default: float = DEFAULT_FLOOR
) -> RelevanceFloor:
    """The calibrated floor of this model combination, or ``default`` when none was measured."""
    key = calibration_key(text_model_id, visual_model_id)
    entry = _table().get(key)
    if entry is None or not isinstance(entry.get("floor"), int | float):
        return RelevanceFloor(default, "default", key)
    cross = entry.get("cross_script")
    cross = cross if isinstance(cross, dict) else {}
    return RelevanceFloor(
        float(entry["floor"]),  # type: ignore[arg-type]
        "calibrated",
        key,
        _number(cross.get("floor")),
        _number(entry.get("specific")),
        _number(cross.get("specific")),
        _number(entry.get("secondary_ratio")),
        _number(entry.get("secondary_ratio_home")),
        _ranges(entry.get("ranges")),
    )


_RANGE_KEYS = ("text_floor", "text_ceiling", "labels_floor", "labels_ceiling", "named_floor", "named_ceiling")


def _ranges(value: object) -> dict[str, float]:
    if not isinstance(value, dict):
        return {}
    found = {key: float(value[key]) for key in _RANGE_KEYS if isinstance(value.get(key), int | float)}
    for part in ("text", "labels", "named"):  # a range needs both ends, the ceiling above the floor
        low, high = found.get(f"{part}_floor"), found.get(f"{part}_ceiling")
        if low is None or high is None or high <= low:
            found.pop(f"{part}_floor", None)
            found.pop(f"{part}_ceiling", None)
    return found


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None
