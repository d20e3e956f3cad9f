"""The engines montage knows, built from ``SpeechOptions``."""

from __future__ import annotations

from collections.abc import Callable

from montage.options.speech import SpeechOptions
from montage.speech.engines.coqui import CoquiEngine
from montage.speech.engines.espeak_ng import EspeakNgEngine
from montage.speech.engines.piper import PiperEngine
from montage.speech.errors import SpeechError
from montage.speech.protocol import TTSEngine
from montage.speech.records import EngineVoices

EngineFactory = Callable[[SpeechOptions], TTSEngine]

AVAILABLE_ENGINES: dict[str, EngineFactory] = {
    "espeak-ng": lambda options: EspeakNgEngine(rate_wpm=options.rate_wpm, timeout_s=options.timeout_s),
    "piper": lambda options: PiperEngine(
        voices_dir=options.piper_voices_dir, rate_wpm=options.rate_wpm, timeout_s=options.timeout_s
    ),
    "coqui": lambda options: CoquiEngine(model=options.coqui_model, rate_wpm=options.rate_wpm),
}
"""Engine name → factory. Every engine is listed; whether it can run here is ``is_available()``."""


def get_engine(
    name: str, options: SpeechOptions | None = None, *, require_available: bool = True
) -> TTSEngine:
    """Build the engine called ``name``.

    Raises ``SpeechError(engine_unknown)`` for a name not in :data:`AVAILABLE_ENGINES` and, when
    ``require_available``, ``SpeechError(engine_unavailable)`` with the reason when it cannot run here.
    """
    factory = AVAILABLE_ENGINES.get(name)
    if factory is None:
        known = ", ".join(AVAILABLE_ENGINES)
        raise SpeechError(f"unknown speech engine {name!r} (known: {known})", code="engine_unknown")
    engine = factory(options or SpeechOptions())
    if require_available:
        availability = engine.is_available()
        if not availability.available:
            raise SpeechError(
                f"speech engine {name} is unavailable: {availability.reason}", code="engine_unavailable"
            )
    return engine


def list_voices(options: SpeechOptions | None = None) -> list[EngineVoices]:
    """Every engine with its availability (and reason) and, when available, its voices."""
    listing = []
    for name in AVAILABLE_ENGINES:
        engine = get_engine(name, options, require_available=False)
        availability = engine.is_available()
        voices = engine.voices() if availability.available else []
        listing.append(EngineVoices(name, availability, voices))
    return listing
