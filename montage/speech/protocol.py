"""What a text-to-speech engine offers the speech stage."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from montage.speech.records import Availability, SynthesisResult, Voice


@runtime_checkable
class TTSEngine(Protocol):
    """A text-to-speech engine.

    ``synthesize`` writes one WAV file; ``voice=None`` means the engine's default voice for ``language``.
    It raises ``SpeechError`` with code ``engine_unavailable``, ``voice_unknown``,
    ``voice_language_mismatch``, ``empty_text`` or ``synthesis_failed``.
    """

    @property
    def name(self) -> str:
        """The registry name, e.g. ``espeak-ng``."""
        ...

    def is_available(self) -> Availability:
        """Whether the engine can run here, with the reason in plain words."""
        ...

    def voices(self) -> list[Voice]:
        """The voices the engine can use here (empty when unavailable)."""
        ...

    def cache_identity(self, voice: Voice) -> str:
        """A string that changes whenever the audio for ``voice`` could change (program, data, model)."""
        ...

    def synthesize(self, text: str, *, voice: str | None, language: str, out_wav: Path) -> SynthesisResult:
        """Speak ``text`` into ``out_wav``."""
        ...


@runtime_checkable
class BatchTTSEngine(TTSEngine, Protocol):
    """An engine that is much faster when given many texts at once (e.g. one process loading a model)."""

    def synthesize_many(
        self, texts: Sequence[str], *, voice: str | None, language: str, out_wavs: Sequence[Path]
    ) -> list[SynthesisResult]:
        """Speak each text into the matching path, in order."""
        ...
