"""Stage 4 of the pipeline: narration text → speech audio, one normalised WAV per sentence.

Engines: ``espeak-ng`` (offline default, external program), ``piper`` (optional, CLI out of process),
``coqui`` (optional, in process with a locally available model). See docs/speech.md.
"""

from montage.options.speech import SpeechOptions
from montage.speech.errors import SpeechError
from montage.speech.protocol import BatchTTSEngine, TTSEngine
from montage.speech.records import (
    Availability,
    EngineVoices,
    SentenceAudio,
    SynthesisResult,
    TimingSource,
    Voice,
    WordTiming,
)
from montage.speech.registry import AVAILABLE_ENGINES, get_engine, list_voices
from montage.speech.sentence_synthesis import synthesize_sentences

__all__ = [
    "AVAILABLE_ENGINES",
    "Availability",
    "BatchTTSEngine",
    "EngineVoices",
    "SentenceAudio",
    "SpeechError",
    "SpeechOptions",
    "SynthesisResult",
    "TTSEngine",
    "TimingSource",
    "Voice",
    "WordTiming",
    "get_engine",
    "list_voices",
    "synthesize_sentences",
]
