"""The espeak-ng engine: the offline default, run as an external program (it is GPL-3; never linked).

English uses the ``espeak-ng`` program found on PATH (Debian: 1.51). Mandarin needs espeak-ng ≥ 1.52 to
read Chinese characters as Chinese: Debian's 1.51 switches to English and reads them as pinyin with the
tone digits spelled out. When the ``espeakng-loader`` package is installed (it ships libespeak-ng 1.52
and its data, but no program), the same ``espeak-ng`` program is started in a child process with
``LD_LIBRARY_PATH`` pointing at the bundled library and ``--path`` at the bundled data. Which runtime
speaks Mandarin is decided by asking it for the phonemes of 你好 and checking it did not switch to English.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from montage.speech.engines.estimated_result import estimated_result
from montage.speech.errors import SpeechError
from montage.speech.records import Availability, SynthesisResult, Voice
from montage.speech.text_checks import speakable_text
from montage.speech.tool_process import run_tool
from montage.speech.voice_choice import choose_voice

ENGINE_NAME = "espeak-ng"
CHINESE_PROBE_TEXT = "你好世界"
_VERSION = re.compile(r"text-to-speech:\s*([\d.]+)")
_VOICES = (("en-us", "en", "English (American)"), ("en-gb", "en", "English (British)"))
_MANDARIN_ID = "cmn"


@dataclass(frozen=True)
class EspeakRuntime:
    """One way of running espeak-ng: the program, and optionally another library and data folder."""

    program: str
    version: str
    library_dir: Path | None = None
    data_parent: Path | None = None

    @property
    def label(self) -> str:
        """How the runtime is named in messages."""
        origin = "espeakng-loader" if self.library_dir else self.program
        return f"espeak-ng {self.version} ({origin})"

    def command(self, *args: str) -> list[str]:
        """The command line running espeak-ng with ``args``."""
        data = [f"--path={self.data_parent}"] if self.data_parent else []
        return [self.program, *data, *args]

    def env(self) -> dict[str, str] | None:
        """The environment for the child process (None: inherit unchanged)."""
        if self.library_dir is None:
            return None
        env = dict(os.environ)
        env["LD_LIBRARY_PATH"] = os.pathsep.join(
            part for part in (str(self.library_dir), env.get("LD_LIBRARY_PATH", "")) if part
        )
        return env


def system_runtime(*, timeout_s: float = 10.0) -> EspeakRuntime | None:
    """The ``espeak-ng`` program on PATH with its own library and data, or None when not installed."""
    program = shutil.which("espeak-ng")
    if program is None:
        return None
    return _with_version(EspeakRuntime(program=program, version="?"), timeout_s=timeout_s)


def loader_runtime(program: str, *, timeout_s: float = 10.0) -> EspeakRuntime | None:
    """``program`` run against espeakng-loader's bundled library and data, or None when not installed.

    The package is located without importing it.
    """
    spec = importlib.util.find_spec("espeakng_loader")
    if spec is None or not spec.submodule_search_locations:
        return None
    package_dir = Path(next(iter(spec.submodule_search_locations)))
    if not (package_dir / "espeak-ng-data").is_dir() or not list(package_dir.glob("libespeak-ng.so*")):
        return None
    runtime = EspeakRuntime(program=program, version="?", library_dir=package_dir, data_parent=package_dir)
    return _with_version(runtime, timeout_s=timeout_s)


def _with_version(runtime: EspeakRuntime, *, timeout_s: float) -> EspeakRuntime | None:
    try:
        completed = run_tool(
            runtime.command("--version"), what="espeak-ng --version", timeout_s=timeout_s, env=runtime.env()
        )
    except SpeechError:
        return None
    match = _VERSION.search(completed.stdout)
    return EspeakRuntime(
        program=runtime.program,
        version=match.group(1) if match else "unknown",
        library_dir=runtime.library_dir,
        data_parent=runtime.data_parent,
    )


def mandarin_phonemes(
    runtime: EspeakRuntime, text: str = CHINESE_PROBE_TEXT, *, timeout_s: float = 10.0
) -> str:
    """The phonemes (``-x`` notation) ``runtime`` produces for ``text`` with the Mandarin voice."""
    completed = run_tool(
        runtime.command("-q", "-x", "-b", "1", "-v", _MANDARIN_ID),
        what="espeak-ng (phonemes)",
        timeout_s=timeout_s,
        input_text=text,
        env=runtime.env(),
    )
    return completed.stdout.strip()


def reads_chinese(runtime: EspeakRuntime, *, timeout_s: float = 10.0) -> bool:
    """Whether ``runtime`` reads Chinese characters as Mandarin (no switch to English, tone numbers)."""
    try:
        phonemes = mandarin_phonemes(runtime, timeout_s=timeout_s)
    except SpeechError:
        return False
    return bool(phonemes) and "(en)" not in phonemes and any(char.isdigit() for char in phonemes)


@dataclass(frozen=True)
class _Runtimes:
    english: EspeakRuntime
    mandarin: EspeakRuntime
    mandarin_ok: bool


class EspeakNgEngine:
    """espeak-ng voices ``en-us``, ``en-gb`` and ``cmn``, with estimated word timings."""

    name = ENGINE_NAME

    def __init__(self, *, rate_wpm: int | None = None, timeout_s: float = 60.0) -> None:
        self.rate_wpm = rate_wpm
        self.timeout_s = timeout_s
        self._runtimes: _Runtimes | None = None
        self._probed = False
        self._lock = threading.Lock()

    def _probe(self) -> _Runtimes | None:
        with self._lock:
            if not self._probed:
                self._runtimes = _find_runtimes()
                self._probed = True
            return self._runtimes

    def is_available(self) -> Availability:
        """Available when an ``espeak-ng`` program runs; the reason says which runtime speaks Mandarin."""
        runtimes = self._probe()
        if runtimes is None:
            return Availability(
                False, "the espeak-ng program is not installed (Debian: apt install espeak-ng)"
            )
        reason = f"{runtimes.english.label}; Mandarin: {_mandarin_note(runtimes)}"
        return Availability(True, reason)

    def voices(self) -> list[Voice]:
        """``en-us``, ``en-gb`` and ``cmn`` (the latter's description names its runtime)."""
        runtimes = self._probe()
        if runtimes is None:
            return []
        voices = [Voice(voice_id, language, ENGINE_NAME, text) for voice_id, language, text in _VOICES]
        voices.append(Voice(_MANDARIN_ID, "zh", ENGINE_NAME, f"Mandarin Chinese, {_mandarin_note(runtimes)}"))
        return voices

    def runtime_for(self, voice: Voice) -> EspeakRuntime:
        """The runtime that speaks ``voice``."""
        runtimes = self._require()
        return runtimes.mandarin if voice.language == "zh" else runtimes.english

    def cache_identity(self, voice: Voice) -> str:
        """Program version and data folder of the runtime speaking ``voice``, and the rate."""
        runtime = self.runtime_for(voice)
        return f"{runtime.label} data={runtime.data_parent or 'system'} rate={self.rate_wpm}"

    def synthesize(self, text: str, *, voice: str | None, language: str, out_wav: Path) -> SynthesisResult:
        """Speak ``text`` with espeak-ng into ``out_wav`` (16-bit mono, 22050 Hz)."""
        spoken = speakable_text(text)
        chosen = choose_voice(self.voices(), voice, language, engine=ENGINE_NAME)
        runtime = self.runtime_for(chosen)
        rate = ["-s", str(self.rate_wpm)] if self.rate_wpm else []
        out_wav.parent.mkdir(parents=True, exist_ok=True)
        run_tool(
            runtime.command("-b", "1", "-v", chosen.id, *rate, "-w", str(out_wav)),
            what=runtime.label,
            timeout_s=self.timeout_s,
            input_text=spoken,
            env=runtime.env(),
        )
        return estimated_result(out_wav, spoken, chosen.language)

    def _require(self) -> _Runtimes:
        runtimes = self._probe()
        if runtimes is None:
            raise SpeechError(self.is_available().reason, code="engine_unavailable")
        return runtimes


def _find_runtimes() -> _Runtimes | None:
    system = system_runtime()
    if system is None:
        return None
    loader = loader_runtime(system.program)
    if loader is not None and reads_chinese(loader):
        return _Runtimes(english=system, mandarin=loader, mandarin_ok=True)
    return _Runtimes(english=system, mandarin=system, mandarin_ok=reads_chinese(system))


def _mandarin_note(runtimes: _Runtimes) -> str:
    if runtimes.mandarin_ok:
        return f"spoken by {runtimes.mandarin.label}"
    return (
        f"falls back to {runtimes.mandarin.label}, which reads Chinese characters as pinyin with the tone "
        "numbers spoken in English; install espeakng-loader (extra speech-zh) for real Mandarin"
    )
