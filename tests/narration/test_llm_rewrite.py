"""The optional LLM rewrite against a LOCAL FAKE OpenAI-compatible server (http.server in a thread).

A remote LLM cannot run here, so these tests stand up a small HTTP server that answers
/v1/chat/completions the way such an endpoint does (or fails the ways one can fail) and check what
montage sends and what it does with the answers. The HTTP client, JSON handling and fallbacks are real.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from montage.narration.llm_rewrite import chat_completions_url, rewrite_with_llm
from montage.narration.script import NarrationScript, ScriptSentence
from montage.narration.speech_time import estimate_speech_seconds
from montage.options.narration import LLMOptions, NarrationOptions

Reply = Callable[[dict[str, Any]], tuple[int, str]]


class _FakeServer:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        self.reply: Reply = lambda body: (500, "not set")
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append((self.path, dict(self.headers), body))
                status, text = fake.reply(body)
                payload = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server() -> Iterator[_FakeServer]:
    fake = _FakeServer()
    yield fake
    fake.close()


def _completion(content: str) -> str:
    return json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]})


def _script() -> NarrationScript:
    options = NarrationOptions()
    texts = [
        "London plans a new barrier",
        "It has closed 221 times.",
        "He said the Treasury set aside money.",
    ]
    lines = [
        ScriptSentence(i, None if i == 0 else 10 + i, None if i == 0 else i, text, 0.5, 0.0)
        for i, text in enumerate(texts)
    ]
    lines = [
        ScriptSentence(
            s.index,
            s.article_sentence_index,
            s.paragraph_index,
            s.text,
            s.salience,
            estimate_speech_seconds(s.text, "en", options),
        )
        for s in lines
    ]
    return NarrationScript("London plans a new barrier", "en", lines, 30.0, sum(s.est_seconds for s in lines))


def test_sentences_are_rewritten_one_for_one(server: _FakeServer) -> None:
    rewritten = [
        "The Thames Barrier has closed 221 times.",
        "Minister Daniel Hughes said the Treasury set aside money.",
    ]
    server.reply = lambda body: (200, _completion(json.dumps({"sentences": rewritten})))
    endpoint = LLMOptions(enabled=True, base_url=server.url, model="local-model", api_key="sk-test")
    script = _script()
    result = rewrite_with_llm(script, endpoint)

    assert result.warnings == []
    assert [s.text for s in result.sentences] == [script.sentences[0].text, *rewritten]
    assert [s.article_sentence_index for s in result.sentences] == [None, 11, 12]
    assert result.sentences[1].est_seconds == pytest.approx(
        estimate_speech_seconds(rewritten[0], "en", NarrationOptions())
    )
    assert result.estimated_seconds == pytest.approx(sum(s.est_seconds for s in result.sentences))
    path, headers, body = server.requests[0]
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer sk-test"
    assert body["model"] == "local-model" and body["temperature"] == 0
    sent = json.loads(body["messages"][-1]["content"])
    assert sent == {"language": "en", "sentences": [s.text for s in script.sentences[1:]]}  # no title line


def test_a_fenced_json_reply_is_accepted_and_v1_base_urls_work(server: _FakeServer) -> None:
    fenced = "```json\n" + json.dumps({"sentences": ["One.", "Two."]}) + "\n```"
    server.reply = lambda body: (200, _completion(fenced))
    result = rewrite_with_llm(_script(), LLMOptions(enabled=True, base_url=server.url + "/v1/", model="m"))
    assert [s.text for s in result.sentences[1:]] == ["One.", "Two."]
    assert server.requests[0][0] == "/v1/chat/completions"
    assert "Authorization" not in server.requests[0][1]


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ((500, '{"error": "overloaded"}'), "HTTP 500"),
        ((200, "not json at all"), "response body is not JSON"),
        ((200, json.dumps({"id": "x"})), "no choices"),
        ((200, _completion("Sure! Here you go.")), "reply is not JSON"),
        ((200, _completion(json.dumps({"sentences": ["Only one."]}))), "1 sentences for 2 sent"),
        ((200, _completion(json.dumps({"sentences": ["Fine.", ""]}))), "non-empty strings"),
        ((200, _completion(json.dumps({"sentences": ["Fine.", "word " * 60]}))), "grew from"),
    ],
    ids=["http-500", "body-not-json", "no-choices", "content-not-json", "wrong-count", "empty", "too-long"],
)
def test_a_bad_reply_keeps_the_extractive_script_with_a_warning(
    server: _FakeServer, reply: tuple[int, str], reason: str
) -> None:
    server.reply = lambda body: reply
    script = _script()
    result = rewrite_with_llm(script, LLMOptions(enabled=True, base_url=server.url, model="m"))
    assert result.sentences == script.sentences
    assert len(result.warnings) == 1 and reason in result.warnings[0]
    assert "extractive script is kept" in result.warnings[0]


def test_an_unreachable_endpoint_falls_back_quickly() -> None:
    probe = _FakeServer()
    url = probe.url
    probe.close()  # nothing listens on this port any more
    result = rewrite_with_llm(_script(), LLMOptions(enabled=True, base_url=url, model="m", timeout_s=2))
    assert result.sentences == _script().sentences
    assert "request failed" in result.warnings[0]


def test_missing_configuration_is_a_warning_not_a_crash() -> None:
    result = rewrite_with_llm(_script(), LLMOptions())
    assert "no base_url or model" in result.warnings[0]


def test_url_building() -> None:
    assert chat_completions_url("http://h:8000") == "http://h:8000/v1/chat/completions"
    assert chat_completions_url("http://h:8000/v1") == "http://h:8000/v1/chat/completions"
    assert chat_completions_url("https://api.example.com/openai/v1/") == (
        "https://api.example.com/openai/v1/chat/completions"
    )
