"""Put an alignment, the narration audio and the music together into a Timeline."""

from __future__ import annotations

from collections.abc import Sequence

from montage.options.render import Aspect
from montage.timeline.align import Alignment
from montage.timeline.model import MusicTrack, NarrationClip, Timeline
from montage.timeline.plan_inputs import Slot


def narration_clips(slots: Sequence[Slot], audio_paths: dict[int, str]) -> list[NarrationClip]:
    """One narration clip per slot, using ``audio_paths[sentence_index]`` (the sentence's WAV)."""
    return [
        NarrationClip(s.sentence_index, audio_paths[s.sentence_index], s.start_s, s.duration_s, s.text)
        for s in sorted(slots, key=lambda s: s.start_s)
    ]


def build_timeline(
    alignment: Alignment,
    narration: Sequence[NarrationClip],
    *,
    width: int,
    height: int,
    fps: float,
    aspect: Aspect,
    music: MusicTrack | None = None,
) -> Timeline:
    """The timeline of one video: the alignment's segments over the narration, lasting as long as it."""
    warnings = list(alignment.warnings)
    speech_end = max((n.start_s + n.duration_s for n in narration), default=0.0)
    if speech_end > alignment.duration_s + 1e-3:
        warnings.append(f"narration runs {speech_end - alignment.duration_s:.3f} s past the last picture")
    return Timeline(
        width=width,
        height=height,
        fps=fps,
        aspect=aspect,
        duration_s=alignment.duration_s,
        segments=list(alignment.segments),
        narration=list(narration),
        music=music,
        credits=list(alignment.credits),
        warnings=warnings,
    )
