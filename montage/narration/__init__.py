"""Narration: the article sentences to speak within a target length (extractive), optionally LLM-polished.

Imports nothing: ``summarize.summarize_article`` makes the script, ``llm_rewrite`` polishes it and
``speech_time`` estimates how long it takes to say.
"""
