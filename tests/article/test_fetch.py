"""Downloading articles from a real local HTTP server: limits, redirects, address policy, charsets."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from montage.article.errors import (
    ContentTypeError,
    DownloadTooLargeError,
    FetchTimeoutError,
    HttpStatusError,
    InvalidUrlError,
    PrivateAddressError,
    TooManyRedirectsError,
    UnreachableHostError,
    UrlSchemeNotAllowedError,
)
from montage.article.loader import load_article, load_article_url
from montage.errors import InputError
from montage.options.article import ArticleOptions
from tests.article.conftest import FIXTURES
from tests.article.local_http import LocalServer

NEWS_HTML = (FIXTURES / "news_en.html").read_bytes()


def test_fetches_and_extracts_a_news_page(server: LocalServer, local_options: ArticleOptions) -> None:
    server.serve("/story", NEWS_HTML)
    article = load_article(server.url("/story"), options=local_options)
    assert article.title == "City council approves new river park plan"
    assert article.source == server.url("/story")
    assert article.source_format == "html"
    assert article.paragraphs[0].text.startswith("The city council voted 7–2")
    assert len(article.paragraphs) == 5
    hit = server.hits[0]
    assert hit.user_agent == local_options.user_agent
    assert hit.host_header == f"127.0.0.1:{server.port}"


def test_host_header_keeps_the_name_while_connecting_to_the_checked_address(
    server: LocalServer, local_options: ArticleOptions
) -> None:
    server.serve("/p", b"Plain text article. It has two sentences.", "text/plain; charset=utf-8")
    article = load_article_url(server.url("/p", host="localhost"), local_options)
    assert [s.text for s in article.sentences] == ["Plain text article.", "It has two sentences."]
    assert server.hits[0].host_header == f"localhost:{server.port}"


def test_default_options_refuse_loopback_before_connecting(server: LocalServer) -> None:
    server.serve("/story", NEWS_HTML)
    with pytest.raises(PrivateAddressError) as caught:
        load_article(server.url("/story"), options=ArticleOptions())
    assert caught.value.code == "url_private_address"
    assert isinstance(caught.value, InputError)
    with pytest.raises(PrivateAddressError):
        load_article_url(server.url("/story", host="localhost"), ArticleOptions())
    assert server.hits == []


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://2130706433/",
        "http://0x7f.0.0.1/",
        "http://127.1/",
    ],
)
def test_non_public_addresses_are_refused(url: str) -> None:
    options = ArticleOptions(connect_timeout_s=1.0, total_timeout_s=2.0)
    with pytest.raises(PrivateAddressError):
        load_article_url(url, options)


def test_allowed_private_networks_open_only_those_networks(server: LocalServer) -> None:
    server.serve("/p", b"An intranet page. It is allowed.", "text/plain")
    allowed = ArticleOptions(allowed_private_networks=("127.0.0.0/30",))
    assert (
        load_article_url(server.url("/p"), allowed).paragraphs[0].text == "An intranet page. It is allowed."
    )
    elsewhere = ArticleOptions(allowed_private_networks=("10.0.0.0/8",))
    with pytest.raises(PrivateAddressError):
        load_article_url(server.url("/p"), elsewhere)


@pytest.fixture
def second_server() -> Iterator[LocalServer]:
    """Another loopback server on 127.0.0.2, standing in for an internal host."""
    local = LocalServer(host="127.0.0.2").start()
    yield local
    local.close()


def test_redirect_to_a_private_host_is_refused(server: LocalServer, second_server: LocalServer) -> None:
    second_server.serve("/secret", b"Internal secret. Do not leak.", "text/plain")
    server.redirect("/go", second_server.url("/secret"))
    only_first = ArticleOptions(allowed_private_networks=("127.0.0.1/32",))
    with pytest.raises(PrivateAddressError):
        load_article_url(server.url("/go"), only_first)
    assert [hit.path for hit in server.hits] == ["/go"]
    assert second_server.hits == []
    # Control: the same redirect is followed when the target network is allowed too.
    both = ArticleOptions(allowed_private_networks=("127.0.0.1/32", "127.0.0.2/32"))
    article = load_article_url(server.url("/go"), both)
    assert article.source == second_server.url("/secret")
    assert article.paragraphs[0].text == "Internal secret. Do not leak."


def test_redirect_to_the_metadata_address_is_refused(server: LocalServer) -> None:
    server.redirect("/go", "http://169.254.169.254/latest/meta-data/", status=301)
    with pytest.raises(PrivateAddressError):
        load_article_url(server.url("/go"), ArticleOptions(allowed_private_networks=("127.0.0.1/32",)))


def test_redirects_are_followed_up_to_the_limit(server: LocalServer, local_options: ArticleOptions) -> None:
    server.serve("/final", b"Arrived at last. The end.", "text/plain")
    for hop in range(5):
        target = "/final" if hop == 4 else f"/hop{hop + 1}"
        server.redirect(f"/hop{hop}", target, status=(301, 302, 303, 307, 308)[hop])
    article = load_article_url(server.url("/hop0"), local_options)
    assert article.source == server.url("/final")
    assert len(server.hits) == 6
    with pytest.raises(TooManyRedirectsError) as caught:
        load_article_url(server.url("/hop0"), local_options.model_copy(update={"max_redirects": 4}))
    assert caught.value.code == "url_too_many_redirects"


def test_redirect_loop_stops(server: LocalServer, local_options: ArticleOptions) -> None:
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")
    with pytest.raises(TooManyRedirectsError):
        load_article_url(server.url("/a"), local_options)
    assert len(server.hits) == local_options.max_redirects + 1


def test_redirect_to_another_scheme_is_refused(server: LocalServer, local_options: ArticleOptions) -> None:
    server.redirect("/go", "file:///etc/passwd")
    with pytest.raises(UrlSchemeNotAllowedError):
        load_article_url(server.url("/go"), local_options)


@pytest.mark.parametrize("url", ["ftp://example.com/a.txt", "file:///etc/passwd", "gopher://example.com/"])
def test_only_http_schemes_are_allowed(url: str) -> None:
    with pytest.raises(UrlSchemeNotAllowedError) as caught:
        load_article(url, options=ArticleOptions())
    assert caught.value.code == "url_scheme_not_allowed"


@pytest.mark.parametrize(
    "url", ["http://user:pw@example.com/", "http:///nohost", "http://example.com:99999/"]
)
def test_malformed_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidUrlError):
        load_article(url, options=ArticleOptions(), kind="url")


def _slow_headers(request: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    stop.wait(5.0)


def _trickle(request: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "text/plain")
    request.end_headers()
    for _ in range(200):
        if stop.wait(0.05):
            return
        request.wfile.write(b"a ")
        request.wfile.flush()


@pytest.mark.parametrize("handler", [_slow_headers, _trickle], ids=["headers-late", "body-trickles"])
def test_slow_server_hits_the_total_time_limit(server: LocalServer, handler: object) -> None:
    server.routes["/slow"] = handler  # type: ignore[assignment]
    options = ArticleOptions(allow_private_hosts=True, total_timeout_s=0.6)
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError) as caught:
        load_article_url(server.url("/slow"), options)
    assert caught.value.code == "url_timeout"
    assert time.monotonic() - started < 2.0


def test_connect_time_limit() -> None:
    # A listener with a full backlog never completes new handshakes: connecting hangs.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    filler = socket.create_connection(listener.getsockname(), timeout=1.0)
    try:
        options = ArticleOptions(allow_private_hosts=True, connect_timeout_s=0.3, total_timeout_s=5.0)
        started = time.monotonic()
        with pytest.raises(FetchTimeoutError):
            load_article_url(f"http://127.0.0.1:{listener.getsockname()[1]}/", options)
        assert time.monotonic() - started < 2.0
    finally:
        filler.close()
        listener.close()


def test_closed_port_and_unknown_host_are_unreachable(local_options: ArticleOptions) -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    with pytest.raises(UnreachableHostError) as caught:
        load_article_url(f"http://127.0.0.1:{port}/", local_options)
    assert caught.value.code == "url_unreachable"
    with pytest.raises(UnreachableHostError):
        load_article_url("http://no-such-host.invalid/", local_options)


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_http_error_status(server: LocalServer, local_options: ArticleOptions, status: int) -> None:
    server.serve("/x", b"<html><body><p>Error page with some words in it.</p></body></html>", status=status)
    with pytest.raises(HttpStatusError) as caught:
        load_article_url(server.url("/x"), local_options)
    assert caught.value.status == status
    assert caught.value.code == "url_http_status"


@pytest.mark.parametrize("content_type", ["image/png", "application/json", "application/pdf", "video/mp4"])
def test_wrong_content_type(server: LocalServer, local_options: ArticleOptions, content_type: str) -> None:
    server.serve("/x", b"\x89PNG\r\n\x1a\n" + b"\x01" * 100, content_type)
    with pytest.raises(ContentTypeError) as caught:
        load_article_url(server.url("/x"), local_options)
    assert caught.value.code == "url_content_type"


def test_oversize_body_by_content_length(server: LocalServer) -> None:
    server.serve("/big", b"word " * 5_000, "text/plain")
    options = ArticleOptions(allow_private_hosts=True, max_download_bytes=10_000)
    with pytest.raises(DownloadTooLargeError) as caught:
        load_article_url(server.url("/big"), options)
    assert caught.value.code == "download_too_large"


def test_oversize_body_without_content_length(server: LocalServer) -> None:
    server.serve("/big", b"word " * 5_000, "text/plain", content_length=False)
    options = ArticleOptions(allow_private_hosts=True, max_download_bytes=10_000)
    with pytest.raises(DownloadTooLargeError):
        load_article_url(server.url("/big"), options)


def test_gzip_body_is_decoded_and_its_expansion_limited(server: LocalServer) -> None:
    text = b"Compressed article text. " + b"It repeats itself. " * 200
    server.serve("/gz", gzip.compress(text), "text/plain", headers={"Content-Encoding": "gzip"})
    options = ArticleOptions(allow_private_hosts=True, max_download_bytes=100_000)
    article = load_article_url(server.url("/gz"), options)
    assert article.sentences[0].text == "Compressed article text."
    assert "gzip" in (server.hits[0].accept_encoding or "")
    bomb = gzip.compress(b"a " * 2_000_000)  # ~4 MB of text in a few KB
    assert len(bomb) < 20_000
    server.serve("/bomb", bomb, "text/plain", headers={"Content-Encoding": "gzip"})
    with pytest.raises(DownloadTooLargeError):
        load_article_url(server.url("/bomb"), options)


ZH_TEXT = "研究人员在长江中游发现了一种新的鱼类物种。这种小鱼体长约八厘米，身上有独特的蓝色条纹。"
ZH_TRADITIONAL = "研究人員在長江中游發現了一種新的魚類物種。這種小魚體長約八厘米，身上有獨特的藍色條紋。"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain; charset=gbk", ZH_TEXT.encode("gbk")),  # header charset
        ("text/plain; charset=big5", ZH_TRADITIONAL.encode("big5")),
        ("text/plain", ZH_TEXT.encode("gb18030")),  # no charset anywhere: detected
        ("text/plain; charset=utf-8", ZH_TEXT.encode("gbk")),  # the header is wrong: detected
        ("text/plain; charset=iso-8859-1", ZH_TEXT.encode("utf-8")),  # UTF-8 mislabelled as Latin-1
        (
            "text/html",
            f'<html><head><meta charset="gbk"></head><body><p>{ZH_TEXT}</p></body></html>'.encode("gbk"),
        ),
    ],
    ids=["header-gbk", "header-big5", "detected", "header-lies", "latin1-label", "meta-charset"],
)
def test_charset_from_header_meta_or_detection(
    server: LocalServer, local_options: ArticleOptions, content_type: str, body: bytes
) -> None:
    server.serve("/zh", body, content_type)
    article = load_article_url(server.url("/zh"), local_options)
    assert article.language == "zh"
    expected = ZH_TRADITIONAL if "big5" in content_type else ZH_TEXT
    assert [s.text for s in article.sentences] == [expected[:21], expected[21:]]


def test_format_follows_the_content_type(server: LocalServer, local_options: ArticleOptions) -> None:
    markdown = b"# Night trains\n\nThey are back. People like them.\n\n```\ncode()\n```\n"
    server.serve("/post", markdown, "text/markdown; charset=utf-8")
    server.serve("/README.md", markdown, "text/plain; charset=utf-8")
    server.serve("/notes", b"<p>Angle brackets stay. They are text.</p>", "text/plain")
    for path in ("/post", "/README.md"):
        article = load_article_url(server.url(path), local_options)
        assert (article.title, article.source_format) == ("Night trains", "markdown")
        assert [s.text for s in article.sentences] == ["They are back.", "People like them."]
    plain = load_article_url(server.url("/notes"), local_options)
    assert plain.source_format == "text"
    assert plain.paragraphs[0].text == "<p>Angle brackets stay. They are text.</p>"
