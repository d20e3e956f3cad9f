"""Narration: the article sentences to speak within a target length (extractive), optionally LLM-polished."""

from montage.narration.llm_rewrite import rewrite_with_llm
from montage.narration.script import NarrationScript, ScriptSentence
from montage.narration.speech_time import estimate_speech_seconds, target_seconds
from montage.narration.summarize import summarize_article
from montage.options.narration import LLMOptions, NarrationOptions

__all__ = [
    "LLMOptions",
    "NarrationOptions",
    "NarrationScript",
    "ScriptSentence",
    "estimate_speech_seconds",
    "rewrite_with_llm",
    "summarize_article",
    "target_seconds",
]
