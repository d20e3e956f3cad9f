"""The cut score and cuts are PySceneDetect ContentDetector's, frame for frame."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from scenedetect import ContentDetector, FrameTimecode

from indexer.analysis.shot_detection import ContentScorer, cut_frames


def _clip(seed: int) -> list[np.ndarray]:
    """Frames of noisy flat shots with hard cuts, fades and single-frame flashes (192x108 BGR)."""
    rng = np.random.default_rng(seed)
    frames: list[np.ndarray] = []
    colour = rng.integers(0, 256, 3)
    for _ in range(12):
        length = int(rng.integers(3, 60))
        nxt = rng.integers(0, 256, 3)
        fade = rng.random() < 0.3
        for i in range(length):
            mix = i / length if fade else 0.0
            base = (1 - mix) * colour + mix * nxt
            noise = rng.normal(0, rng.uniform(0, 6), (108, 192, 3))
            frames.append(np.clip(base + noise, 0, 255).astype(np.uint8))
        if rng.random() < 0.2:
            frames.append(rng.integers(0, 256, (108, 192, 3), dtype=np.uint8))  # a flash
        colour = nxt
    return frames


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("threshold", [10.0, 27.0])
def test_same_scores_and_cuts_as_content_detector(seed: int, threshold: float) -> None:
    fps = Fraction(25)
    scorer = ContentScorer()
    theirs = ContentDetector(threshold=threshold, min_scene_len=0.5)
    above: list[bool] = []
    their_cuts: list[int] = []
    for number, frame in enumerate(_clip(seed)):
        score = scorer.score(frame)
        their_cuts += [c.frame_num for c in theirs.process_frame(FrameTimecode(number, fps=fps), frame)]
        assert score == theirs._frame_score  # the same number, not just close
        above.append(score >= threshold)
    numbers = list(range(len(above)))
    assert cut_frames(numbers, above, min_shot_s=0.5, fps=fps) == their_cuts
    assert their_cuts  # the clip has cuts, so the comparison means something
