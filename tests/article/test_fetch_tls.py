"""HTTPS downloads: connected to the checked IP, while SNI and the certificate check keep the host name."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from montage.article.errors import FetchError
from montage.article.loader import load_article_url
from montage.options.article import ArticleOptions
from tests.article.local_http import LocalServer

pytestmark = pytest.mark.skipif(
    shutil.which("openssl") is None, reason="the openssl command is not installed"
)


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=30)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throw-away CA and a certificate for the name "localhost" (no IP address in it) signed by it."""
    folder = tmp_path_factory.mktemp("tls")
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    _openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=montage test CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign", cwd=folder)  # fmt: skip
    _openssl("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost", cwd=folder)
    (folder / "ext.cnf").write_text(
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
    )
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf", cwd=folder)  # fmt: skip
    return folder


@pytest.fixture
def tls_server(certificates: Path) -> Iterator[LocalServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates / "server.pem", certificates / "server.key")
    local = LocalServer(tls_context=context).start()
    local.serve("/story", b"A story over TLS. It arrived intact.", "text/plain; charset=utf-8")
    yield local
    local.close()


OPTIONS = ArticleOptions(allow_private_hosts=True, connect_timeout_s=2.0, total_timeout_s=5.0)


def test_https_sends_the_host_name_as_sni(
    tls_server: LocalServer, certificates: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates / "ca.pem"))
    article = load_article_url(tls_server.url("/story", host="localhost"), OPTIONS)
    assert [s.text for s in article.sentences] == ["A story over TLS.", "It arrived intact."]
    assert tls_server.server_names == ["localhost"]
    assert tls_server.hits[0].host_header == f"localhost:{tls_server.port}"


def test_https_certificate_must_match_the_host_name(
    tls_server: LocalServer, certificates: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates / "ca.pem"))
    with pytest.raises(FetchError) as caught:
        load_article_url(tls_server.url("/story", host="127.0.0.1"), OPTIONS)  # certificate names localhost
    assert caught.value.code == "url_fetch_failed"
    assert tls_server.hits == []


def test_https_untrusted_certificate_is_refused(
    tls_server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_store = tmp_path / "empty.pem"
    empty_store.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty_store))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    with pytest.raises(FetchError, match="TLS"):
        load_article_url(tls_server.url("/story", host="localhost"), OPTIONS)
