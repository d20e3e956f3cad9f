"""The Coqui engine (``coqui-tts``, MPL-2.0, import name ``TTS``), loaded in process when configured.

The model is given by ``SpeechOptions.coqui_model``: a folder holding ``config.json`` and a checkpoint,
a ``config.json`` path (checkpoint beside it), a checkpoint path (``config.json`` beside it), or a model
name ``tts_models/<lang>/<dataset>/<model>`` that Coqui already downloaded into its data folder
(``$TTS_HOME`` or ``$XDG_DATA_HOME`` or ``~/.local/share``, then ``tts/<name with -- for />``).
montage never downloads models. Whatever the form, the model is loaded through Coqui's public loader
``TTS.api.TTS(model_path=..., config_path=...)``. Single-network models (the VITS family) are what this
path serves; models needing a separate vocoder are not wired. Word timings are estimated.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from montage.speech.engines.estimated_result import estimated_result
from montage.speech.errors import SpeechError
from montage.speech.records import Availability, SynthesisResult, Voice
from montage.speech.text_checks import speakable_text
from montage.speech.voice_choice import choose_voice
from montage.text.languages import primary_language

ENGINE_NAME = "coqui"
NOMINAL_WPM = 170
"""Speaking rate assumed at length scale 1, to turn ``rate_wpm`` into a VITS length scale."""
DEFAULT_SPEAKER = "default"
_CHECKPOINT_NAMES = ("model_file.pth", "model_file.pth.tar", "model.pth", "checkpoint.pth", "best_model.pth")


@dataclass(frozen=True)
class CoquiModelFiles:
    """A Coqui model on disk and the language its name or config declares (None: not declared)."""

    checkpoint: Path
    config: Path
    language: str | None


def coqui_data_dir() -> Path:
    """Where Coqui keeps downloaded models (same rule as Coqui's own ``get_user_data_dir`` on Linux)."""
    base = os.environ.get("TTS_HOME") or os.environ.get("XDG_DATA_HOME")
    root = Path(base).expanduser() if base else Path.home() / ".local" / "share"
    return root / "tts"


def resolve_model(model: str) -> CoquiModelFiles:
    """Find checkpoint and config for ``model``; raise ``SpeechError(engine_unavailable)`` saying why not."""
    path = Path(model).expanduser()
    name_language: str | None = None
    if not path.exists() and model.count("/") == 3 and model.startswith("tts_models/"):
        name_language = primary_language(model.split("/")[1])
        path = coqui_data_dir() / model.replace("/", "--")
        if not path.is_dir():
            raise SpeechError(
                f"Coqui model {model!r} is not downloaded (looked in {path}); montage does not download "
                f"models: fetch it once with Coqui's `tts --model_name {model} --list_speaker_idxs` "
                "where there is internet, or point MONTAGE_SPEECH__COQUI_MODEL at a local model folder",
                code="engine_unavailable",
            )
    if path.is_dir():
        return CoquiModelFiles(_checkpoint_in(path), _existing(path / "config.json"), name_language)
    if path.is_file() and path.suffix == ".json":
        return CoquiModelFiles(_checkpoint_in(path.parent), path, name_language)
    if path.is_file():
        return CoquiModelFiles(path, _existing(path.parent / "config.json"), name_language)
    raise SpeechError(
        f"Coqui model {model!r} is neither a model folder, a config/checkpoint file nor a model name "
        "tts_models/<lang>/<dataset>/<model>",
        code="engine_unavailable",
    )


def _checkpoint_in(folder: Path) -> Path:
    for name in _CHECKPOINT_NAMES:
        if (folder / name).is_file():
            return folder / name
    candidates = sorted(folder.glob("*.pth")) + sorted(folder.glob("*.pt"))
    if len(candidates) == 1:
        return candidates[0]
    raise SpeechError(
        f"no single Coqui checkpoint (*.pth) in {folder} (found {len(candidates)})", code="engine_unavailable"
    )


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise SpeechError(f"Coqui model config {path} does not exist", code="engine_unavailable")
    return path


@dataclass
class _Loaded:
    tts: Any
    voices: list[Voice]
    speakers: dict[str, tuple[str | None, str | None]]
    base_length_scale: float | None


class CoquiEngine:
    """A Coqui TTS model loaded once in this process; synthesis is serialised by a lock."""

    name = ENGINE_NAME

    def __init__(
        self, *, model: str | None = None, rate_wpm: int | None = None, use_gpu: bool = False
    ) -> None:
        self.model = model
        self.rate_wpm = rate_wpm
        self.use_gpu = use_gpu
        self._loaded: _Loaded | None = None
        self._load_error: SpeechError | None = None
        self._lock = threading.Lock()

    def is_available(self) -> Availability:
        """Available when coqui-tts imports and the configured model loads (the first call loads it)."""
        if importlib.util.find_spec("TTS") is None:
            return Availability(
                False, "coqui-tts is not installed (extra speech-coqui: pip install coqui-tts)"
            )
        if self.model is None:
            return Availability(False, "no Coqui model configured (set MONTAGE_SPEECH__COQUI_MODEL)")
        try:
            loaded = self._load()
        except SpeechError as exc:
            return Availability(False, exc.message)
        return Availability(
            True, f"coqui-tts {_coqui_version()} with {self.model} ({len(loaded.voices)} voice(s))"
        )

    def voices(self) -> list[Voice]:
        """One voice per speaker (and language, for multilingual models); ``default`` for single-speaker."""
        if not self.is_available().available:
            return []
        return list(self._load().voices)

    def cache_identity(self, voice: Voice) -> str:
        """coqui-tts version, checkpoint (path, size, modification time), config digest and the rate."""
        if self.model is None:
            raise SpeechError("no Coqui model configured", code="engine_unavailable")
        files = resolve_model(self.model)
        stat = files.checkpoint.stat()
        config_digest = hashlib.sha256(files.config.read_bytes()).hexdigest()[:16]
        return (
            f"coqui-tts {_coqui_version()} {files.checkpoint} {stat.st_size} {stat.st_mtime_ns} "
            f"config={config_digest} rate={self.rate_wpm}"
        )

    def synthesize(self, text: str, *, voice: str | None, language: str, out_wav: Path) -> SynthesisResult:
        """Speak ``text`` with the loaded model into ``out_wav``."""
        spoken = speakable_text(text)
        availability = self.is_available()
        if not availability.available:
            raise SpeechError(availability.reason, code="engine_unavailable")
        loaded = self._load()
        chosen = choose_voice(loaded.voices, voice, language, engine=ENGINE_NAME)
        speaker, model_language = loaded.speakers[chosen.id]
        out_wav.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            self._apply_rate(loaded)
            try:
                loaded.tts.tts_to_file(
                    text=spoken,
                    speaker=speaker,
                    language=model_language,
                    file_path=str(out_wav),
                    split_sentences=False,
                )
            except Exception as exc:  # any failure inside the model is a synthesis failure for the user
                raise SpeechError(f"Coqui synthesis failed: {exc}", code="synthesis_failed") from exc
        return estimated_result(out_wav, spoken, chosen.language)

    def _apply_rate(self, loaded: _Loaded) -> None:
        model = loaded.tts.synthesizer.tts_model
        if loaded.base_length_scale is None:
            return
        scale = loaded.base_length_scale
        if self.rate_wpm is not None:
            scale *= NOMINAL_WPM / self.rate_wpm
        model.length_scale = scale

    def _load(self) -> _Loaded:
        with self._lock:
            if self._loaded is not None:
                return self._loaded
            if self._load_error is not None:
                raise self._load_error
            try:
                self._loaded = self._load_model()
            except SpeechError as exc:
                self._load_error = exc
                raise
            return self._loaded

    def _load_model(self) -> _Loaded:
        if self.model is None:
            raise SpeechError("no Coqui model configured", code="engine_unavailable")
        files = resolve_model(self.model)
        try:
            from TTS.api import TTS
        except (
            Exception
        ) as exc:  # coqui-tts raises ImportError (and others) when torch/torchaudio are missing
            raise SpeechError(
                f"coqui-tts is installed but cannot be imported: {exc}", code="engine_unavailable"
            ) from exc
        try:
            tts = TTS(
                model_path=str(files.checkpoint),
                config_path=str(files.config),
                progress_bar=False,
                gpu=self.use_gpu,
            )
        except Exception as exc:  # a broken or mismatched checkpoint surfaces as many exception types
            raise SpeechError(
                f"Coqui model {self.model!r} could not be loaded: {exc}", code="engine_unavailable"
            ) from exc
        language = files.language or _config_language(files.config)
        speakers: list[str | None] = list(tts.speakers) if tts.is_multi_speaker and tts.speakers else [None]
        languages: list[str | None] = (
            list(tts.languages) if tts.is_multi_lingual and tts.languages else [None]
        )
        voices: list[Voice] = []
        by_id: dict[str, tuple[str | None, str | None]] = {}
        for speaker in speakers:
            for model_language in languages:
                voice_id = speaker or DEFAULT_SPEAKER
                if model_language is not None:
                    voice_id = f"{voice_id}/{model_language}"
                voice_language = primary_language(model_language) if model_language else language
                voices.append(
                    Voice(voice_id, voice_language, ENGINE_NAME, f"Coqui {files.checkpoint.parent.name}")
                )
                by_id[voice_id] = (speaker, model_language)
        model = tts.synthesizer.tts_model
        base = getattr(model, "length_scale", None)
        return _Loaded(tts, voices, by_id, float(base) if isinstance(base, int | float) else None)


def _config_language(config: Path) -> str:
    """The language a Coqui config declares (``phoneme_language``/``language``), English if none."""
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "en"
    declared = data.get("phoneme_language") or data.get("language") or "en"
    return primary_language(str(declared))


def _coqui_version() -> str:
    try:
        return importlib.metadata.version("coqui-tts")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
