"""Optional abstractive polish: an OpenAI-compatible chat model rewrites each script sentence for the ear.

The rewrite is sentence for sentence, so every line still points back to its article sentence (retrieval
and subtitles rely on that). Any failure (network, HTTP status, a reply that is not the expected JSON,
a different number of sentences, a sentence grown far longer) keeps the extractive script and adds a
warning; the pipeline never fails because of the LLM.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from typing import Any

import httpx

from montage.narration.script import NarrationScript, ScriptSentence
from montage.narration.speech_time import estimate_speech_seconds
from montage.options.narration import LLMOptions, NarrationOptions

log = logging.getLogger(__name__)

_SYSTEM_PROMPT = (
    "You edit news narration for a voice-over. Rewrite each sentence so it is easy to follow when heard: "
    "resolve pronouns that lost their antecedent, spell out abbreviations on first use, keep every fact, "
    "name and number, add nothing new, and keep each sentence about as long as the original. Write in the "
    'language of the input. Reply with JSON only: {"sentences": [...]} with exactly one string per input '
    "sentence, in the same order."
)
_CODE_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.MULTILINE)


class RewriteRefused(Exception):
    """The endpoint's reply cannot be used; the message says why."""


def chat_completions_url(base_url: str) -> str:
    """``<base>/v1/chat/completions``, or ``<base>/chat/completions`` when the base already ends in /v1."""
    base = base_url.rstrip("/")
    return f"{base}/chat/completions" if base.endswith("/v1") else f"{base}/v1/chat/completions"


def _request_body(
    script: NarrationScript, lines: list[ScriptSentence], endpoint: LLMOptions
) -> dict[str, Any]:
    payload = {"language": script.language, "sentences": [line.text for line in lines]}
    return {
        "model": endpoint.model,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": _SYSTEM_PROMPT},
            {"role": "user", "content": json.dumps(payload, ensure_ascii=False)},
        ],
    }


def _reply_sentences(reply: Any, expected: int) -> list[str]:
    try:
        content = reply["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise RewriteRefused("the reply has no choices[0].message.content") from exc
    if not isinstance(content, str):
        raise RewriteRefused("the reply content is not text")
    try:
        parsed = json.loads(_CODE_FENCE.sub("", content.strip()))
    except json.JSONDecodeError as exc:
        raise RewriteRefused(f"the reply is not JSON ({exc.msg})") from exc
    sentences = parsed.get("sentences") if isinstance(parsed, dict) else parsed
    if not isinstance(sentences, list) or not all(isinstance(s, str) and s.strip() for s in sentences):
        raise RewriteRefused('the reply has no "sentences" list of non-empty strings')
    if len(sentences) != expected:
        raise RewriteRefused(f"the reply has {len(sentences)} sentences for {expected} sent")
    return [s.strip() for s in sentences]


def _call(url: str, body: dict[str, Any], endpoint: LLMOptions) -> Any:
    headers = {"Content-Type": "application/json"}
    if endpoint.api_key:
        headers["Authorization"] = f"Bearer {endpoint.api_key}"
    try:
        response = httpx.post(url, json=body, headers=headers, timeout=endpoint.timeout_s)
    except httpx.HTTPError as exc:
        raise RewriteRefused(f"request failed: {exc}") from exc
    if response.status_code != 200:
        raise RewriteRefused(f"HTTP {response.status_code}: {response.text[:200]}")
    try:
        return response.json()
    except ValueError as exc:
        raise RewriteRefused("the response body is not JSON") from exc


def _rewritten(
    script: NarrationScript, texts: dict[int, str], endpoint: LLMOptions, options: NarrationOptions
) -> NarrationScript:
    lines: list[ScriptSentence] = []
    for line in script.sentences:
        if line.index not in texts:
            lines.append(line)
            continue
        seconds = estimate_speech_seconds(texts[line.index], script.language, options)
        if seconds > endpoint.max_growth * line.est_seconds:
            raise RewriteRefused(
                f"sentence {line.index} grew from {line.est_seconds:.1f}s to {seconds:.1f}s of speech"
            )
        lines.append(dataclasses.replace(line, text=texts[line.index], est_seconds=seconds))
    return dataclasses.replace(
        script, sentences=lines, estimated_seconds=sum(line.est_seconds for line in lines)
    )


def rewrite_with_llm(
    script: NarrationScript, endpoint: LLMOptions, options: NarrationOptions | None = None
) -> NarrationScript:
    """Rewrite the script's sentences (not the title line) through ``endpoint``'s /v1/chat/completions.

    Returns the rewritten script with speech times re-estimated (``options`` gives the speaking rate;
    defaults when None), or on any failure the given script with a warning appended to ``warnings``.
    """
    options = options or NarrationOptions()
    lines = [line for line in script.sentences if not line.is_title]
    if not lines:
        return script
    try:
        if not endpoint.base_url or not endpoint.model:
            raise RewriteRefused("no base_url or model configured")
        reply = _call(
            chat_completions_url(endpoint.base_url), _request_body(script, lines, endpoint), endpoint
        )
        texts = dict(zip((line.index for line in lines), _reply_sentences(reply, len(lines)), strict=True))
        return _rewritten(script, texts, endpoint, options)
    except RewriteRefused as exc:
        warning = f"LLM rewrite not applied, the extractive script is kept: {exc}"
        log.warning(warning)
        return dataclasses.replace(script, warnings=[*script.warnings, warning])
