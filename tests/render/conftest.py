"""A small real footage library and narration, generated once per test session."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pytest

from montage.timeline.align import align
from montage.timeline.assemble import build_timeline, narration_clips
from montage.timeline.model import Timeline
from montage.timeline.plan_inputs import CandidateShot, Slot

from .media import make_clip, make_speech

PATTERNS = ("testsrc2", "smptebars", "mandelbrot", "rgbtestsrc")
SENTENCES = (
    "Storm surges push up the river.",
    "The barrier closes its steel gates.",
    "Engineers watch the water level rise.",
)


@dataclass(frozen=True)
class Library:
    """Generated clips (one per pattern, 6 s, 25 fps) and espeak-ng narration WAVs."""

    clips: list[Path]
    speech: list[Path]


@pytest.fixture(scope="session")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    root = tmp_path_factory.mktemp("render-library")
    clips = [make_clip(root / f"{name}.mp4", pattern=name, seconds=6.0) for name in PATTERNS]
    speech = [make_speech(root / f"sentence-{i}.wav", text) for i, text in enumerate(SENTENCES)]
    return Library(clips, speech)


def wav_seconds(path: Path) -> float:
    """Duration of a WAV file (from its header)."""
    import wave

    with wave.open(str(path)) as handle:
        return float(handle.getnframes()) / float(handle.getframerate())


def slots_for(speech: list[Path], *, pause_s: float = 0.3) -> list[Slot]:
    """Sentences back to back (with a pause), placed from the real speech durations."""
    slots, start = [], 0.0
    for i, path in enumerate(speech):
        duration = wav_seconds(path)
        slots.append(Slot(i, SENTENCES[i % len(SENTENCES)], round(start, 6), duration, 0.5 + 0.1 * i))
        start += duration + pause_s
    return slots


def candidates_for(
    slots: list[Slot], clips: list[Path], *, fallback_sentences: tuple[int, ...] = ()
) -> dict[int, list[CandidateShot]]:
    """Every clip is a candidate for every sentence (scores differ); listed sentences only get poor ones."""
    candidates: dict[int, list[CandidateShot]] = {}
    for slot in slots:
        poor = slot.sentence_index in fallback_sentences
        candidates[slot.sentence_index] = [
            CandidateShot(
                shot_id=100 * slot.sentence_index + k,
                source_id=k,
                path=str(clip),
                shot_start_s=0.0,
                shot_end_s=6.0,
                score=0.05 if poor else 0.9 - 0.1 * ((k + slot.sentence_index) % len(clips)),
                license="CC-BY-4.0",
                attribution=f"Test pattern {clip.stem}",
                source_fps=25.0,
            )
            for k, clip in enumerate(clips)
        ]
    return candidates


def make_timeline(
    lib: Library, *, aspect: str = "16:9", fallback_sentences: tuple[int, ...] = ()
) -> Timeline:
    """Align the generated library under the generated narration; ``fallback_sentences`` show title cards."""
    slots = slots_for(lib.speech)
    alignment = align(slots, candidates_for(slots, lib.clips, fallback_sentences=fallback_sentences))
    if fallback_sentences:  # the planner would fill them with B-roll; the render tests want cards
        cards = [
            dataclasses.replace(
                s, shot=None, fallback=True, fallback_text=s.sentence[:40], fill="card", alternatives=[]
            )
            if s.sentence_index in fallback_sentences
            else s
            for s in alignment.segments
        ]
        alignment = dataclasses.replace(alignment, segments=cards)
    clips = narration_clips(slots, {i: str(p) for i, p in enumerate(lib.speech)})
    return build_timeline(alignment, clips, width=1280, height=720, fps=30, aspect=aspect)  # type: ignore[arg-type]
