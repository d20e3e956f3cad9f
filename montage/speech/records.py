"""Plain data of the speech stage: voices, availability, word timings and synthesis results."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

TimingSource = Literal["engine", "estimate"]


@dataclass(frozen=True)
class Availability:
    """Whether an engine (or voice) can be used here, and why (or why not) in plain words."""

    available: bool
    reason: str


@dataclass(frozen=True)
class Voice:
    """One voice of one engine. ``language`` is a normalised code such as ``en`` or ``zh``."""

    id: str
    language: str
    engine: str
    description: str


@dataclass(frozen=True)
class WordTiming:
    """When one word is spoken, in seconds from the start of its audio file."""

    word: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class SynthesisResult:
    """A WAV file written by an engine, with its measured duration and word timings if any."""

    path: Path
    duration_s: float
    sample_rate: int
    word_timings: list[WordTiming] | None
    timing_source: TimingSource


@dataclass(frozen=True)
class SentenceAudio:
    """The finished audio of one narration sentence: trimmed, padded and loudness-normalised."""

    index: int
    text: str
    path: Path
    duration_s: float
    word_timings: list[WordTiming]
    timing_source: TimingSource


@dataclass(frozen=True)
class EngineVoices:
    """An engine's availability and, when available, its voices."""

    engine: str
    availability: Availability
    voices: list[Voice]
