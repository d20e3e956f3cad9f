"""Engine cases for the speech tests: each real engine, or a skip with the reason it cannot run here."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import pytest

from montage.options.speech import SpeechOptions
from montage.speech.protocol import TTSEngine
from montage.speech.registry import get_engine

from .tiny_coqui_model import build_tiny_vits


@dataclass(frozen=True)
class EngineCase:
    """An available engine, the options that built it and an English sentence it can speak."""

    name: str
    engine: TTSEngine
    options: SpeechOptions


@pytest.fixture(scope="session")
def tiny_coqui_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random VITS model folder, or a skip when coqui-tts is not installed."""
    if importlib.util.find_spec("TTS") is None:
        pytest.skip("coqui-tts is not installed (extra speech-coqui)")
    try:
        return build_tiny_vits(tmp_path_factory.mktemp("coqui-model"))
    except ImportError as exc:
        pytest.skip(f"coqui-tts is installed but cannot be imported: {exc}")


def _options_for(name: str, request: pytest.FixtureRequest) -> SpeechOptions:
    if name == "coqui":
        model = request.getfixturevalue("tiny_coqui_model")
        return SpeechOptions(engine=name, coqui_model=str(model))
    return SpeechOptions(engine=name)


@pytest.fixture(
    scope="session",
    params=[
        "espeak-ng",
        pytest.param("piper", marks=pytest.mark.slow),
        pytest.param("coqui", marks=pytest.mark.slow),
    ],
)
def engine_case(request: pytest.FixtureRequest) -> EngineCase:
    """Each engine in turn; skipped with the engine's own reason when it is not available here."""
    name: str = request.param
    options = _options_for(name, request)
    engine = get_engine(name, options, require_available=False)
    availability = engine.is_available()
    if not availability.available:
        pytest.skip(f"{name} unavailable: {availability.reason}")
    return EngineCase(name, engine, options)
