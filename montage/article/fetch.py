"""Download an article over http(s) safely: size, time and content-type limits, public hosts only.

Each hop (the URL and every redirect target) is resolved once; all its addresses must pass the address
policy (``address_policy``); the connection is made to a checked address itself, so a second DNS answer
cannot swap in an internal one (DNS rebinding), while the Host header and TLS SNI/certificate check keep
the host name. Environment proxies are not used: a proxy would connect on our behalf, unchecked.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from email.message import Message
from urllib.parse import quote, urljoin, urlsplit

from montage.article.address_policy import IPAddress, is_allowed_address
from montage.article.errors import (
    ContentTypeError,
    DownloadTooLargeError,
    FetchError,
    FetchTimeoutError,
    HttpStatusError,
    InvalidUrlError,
    PrivateAddressError,
    TooManyRedirectsError,
    UnreachableHostError,
    UrlSchemeNotAllowedError,
)
from montage.options.article import ArticleOptions

ALLOWED_SCHEMES = frozenset({"http", "https"})
ALLOWED_CONTENT_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "text/plain", "text/markdown", "text/x-markdown"}
)
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK_BYTES = 64 * 1024
_ACCEPT = "text/html,application/xhtml+xml,text/markdown;q=0.9,text/plain;q=0.9,*/*;q=0.1"
_PATH_SAFE = "/%:@!$&'()*+,;=-._~?"


@dataclass(frozen=True)
class FetchedDocument:
    """A downloaded body with what the server said about it."""

    url: str
    """The final URL, after redirects."""
    body: bytes
    """The body, decompressed (gzip/deflate)."""
    content_type: str
    """The MIME type in lower case ("text/html"), or "" when the server sent none."""
    charset: str | None
    """The charset parameter of Content-Type, if any."""


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    request_path: str


def _parse_target(url: str) -> _Target:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise InvalidUrlError(f"The URL {url!r} is malformed: {exc}.") from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = scheme or "(none)"
        raise UrlSchemeNotAllowedError(
            f"Only http and https URLs can be fetched, not scheme {shown}: {url!r}."
        )
    if parts.username is not None or parts.password is not None:
        raise InvalidUrlError("URLs with a user name or password are not accepted.")
    if not parts.hostname:
        raise InvalidUrlError(f"The URL {url!r} has no host name.")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidUrlError(f"The host name {parts.hostname!r} is not valid.") from exc
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_PATH_SAFE)
    return _Target(scheme, host, port or (443 if scheme == "https" else 80), path)


def _remaining(deadline: float, total_timeout: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchTimeoutError(f"The download took longer than the {total_timeout:g} s limit.")
    return left


def _resolve(host: str, port: int, timeout: float) -> list[IPAddress]:
    """All addresses of ``host`` (a literal IP is its own answer), within ``timeout`` seconds."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    outcome: list[object] = []

    def lookup() -> None:
        try:
            outcome.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=lookup, name=f"resolve-{host}", daemon=True)
    thread.start()
    thread.join(timeout)
    if not outcome:
        raise FetchTimeoutError(f"Resolving the host {host} took longer than {timeout:.3g} s.")
    result = outcome[0]
    if isinstance(result, OSError):
        raise UnreachableHostError(f"The host {host} could not be resolved: {result}.")
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in result:  # type: ignore[attr-defined]
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnreachableHostError(f"The host {host} has no address.")
    return addresses


def _check_addresses(host: str, addresses: list[IPAddress], options: ArticleOptions) -> None:
    for address in addresses:
        allowed = is_allowed_address(
            address,
            allow_private=options.allow_private_hosts,
            allowed_networks=options.allowed_private_networks,
        )
        if not allowed:
            raise PrivateAddressError(
                f"The host {host} resolves to {address}, which is not a public address; fetching it is "
                "refused (set allow_private_hosts to allow internal hosts)."
            )


def _connect(target: _Target, addresses: list[IPAddress], timeout: float) -> socket.socket:
    """Open a TCP (and TLS) connection to one of the checked addresses."""
    last_error: OSError | None = None
    for address in addresses:
        try:
            sock = socket.create_connection((str(address), target.port), timeout=timeout)
        except TimeoutError as exc:
            last_error = exc
            continue
        except OSError as exc:
            last_error = exc
            continue
        if target.scheme == "https":
            try:
                return ssl.create_default_context().wrap_socket(sock, server_hostname=target.host)
            except TimeoutError as exc:
                sock.close()
                raise FetchTimeoutError(f"The TLS handshake with {target.host} timed out.") from exc
            except (ssl.SSLError, ssl.CertificateError, OSError) as exc:
                sock.close()
                raise FetchError(f"The TLS connection to {target.host} failed: {exc}.") from exc
        return sock
    if isinstance(last_error, TimeoutError):
        raise FetchTimeoutError(
            f"Connecting to {target.host}:{target.port} took longer than {timeout:.3g} s."
        )
    raise UnreachableHostError(f"Could not connect to {target.host}:{target.port}: {last_error}.")


def _content_type(response: http.client.HTTPResponse) -> tuple[str, str | None]:
    header = response.getheader("Content-Type")
    if not header:
        return "", None
    message = Message()
    message["Content-Type"] = header
    charset = message.get_param("charset")
    return message.get_content_type().lower(), str(charset) if isinstance(charset, str) else None


class _BodyReader:
    """Reads a response body chunk by chunk under the size limit and the overall deadline."""

    def __init__(self, sock: socket.socket, options: ArticleOptions, deadline: float, encoding: str) -> None:
        self._sock = sock
        self._options = options
        self._deadline = deadline
        self._limit = options.max_download_bytes
        self._decompressor: zlib._Decompress | None = None
        self._encoding = encoding
        if encoding in ("gzip", "x-gzip"):
            self._decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            self._decompressor = zlib.decompressobj(zlib.MAX_WBITS)
        elif encoding not in ("", "identity"):
            raise FetchError(f"The server sent an unsupported content encoding: {encoding}.")
        self._parts: list[bytes] = []
        self._size = 0

    def _too_large(self) -> DownloadTooLargeError:
        return DownloadTooLargeError(
            f"The download is larger than the {self._limit:,} byte limit (max_download_bytes)."
        )

    def _append(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            raise self._too_large()
        self._parts.append(data)

    def _feed(self, chunk: bytes) -> None:
        if self._decompressor is None:
            self._append(chunk)
            return
        try:
            out = self._decompressor.decompress(chunk, self._limit - self._size + 1)
        except zlib.error as exc:
            if self._encoding == "deflate" and self._size == 0 and not self._parts:
                self._decompressor = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send
                out = self._decompressor.decompress(chunk, self._limit - self._size + 1)
            else:
                raise FetchError(f"The compressed body is corrupt: {exc}.") from exc
        self._append(out)

    def read(self, response: http.client.HTTPResponse) -> bytes:
        while True:
            self._sock.settimeout(_remaining(self._deadline, self._options.total_timeout_s))
            try:
                chunk = response.read1(_CHUNK_BYTES)
            except TimeoutError as exc:
                raise FetchTimeoutError(
                    f"The download took longer than the {self._options.total_timeout_s:g} s limit."
                ) from exc
            except (http.client.HTTPException, OSError) as exc:
                raise UnreachableHostError(f"The connection broke during the download: {exc}.") from exc
            if not chunk:
                break
            self._feed(chunk)
            _remaining(self._deadline, self._options.total_timeout_s)
        return b"".join(self._parts)


def _request(
    target: _Target, sock: socket.socket, options: ArticleOptions, deadline: float
) -> http.client.HTTPResponse:
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = http.client.HTTPSConnection(target.host, target.port)
    else:
        connection = http.client.HTTPConnection(target.host, target.port)
    connection.sock = sock  # already connected to the checked address; Host header keeps the name
    headers = {
        "User-Agent": options.user_agent,
        "Accept": _ACCEPT,
        "Accept-Encoding": "gzip, deflate",
        "Connection": "close",
    }
    sock.settimeout(_remaining(deadline, options.total_timeout_s))
    try:
        connection.request("GET", target.request_path, headers=headers)
        return connection.getresponse()
    except TimeoutError as exc:
        raise FetchTimeoutError(
            f"{target.host} did not answer within the {options.total_timeout_s:g} s limit."
        ) from exc
    except (http.client.HTTPException, OSError) as exc:
        raise UnreachableHostError(f"The request to {target.host} failed: {exc}.") from exc


def fetch_url(url: str, options: ArticleOptions) -> FetchedDocument:
    """Download ``url`` under ``options`` and return its body and content type.

    Raises ``UrlSchemeNotAllowedError``, ``InvalidUrlError``, ``PrivateAddressError``,
    ``UnreachableHostError``, ``FetchTimeoutError``, ``HttpStatusError``, ``ContentTypeError``,
    ``DownloadTooLargeError`` or ``TooManyRedirectsError`` (all ``ArticleError``s with distinct codes).
    """
    deadline = time.monotonic() + options.total_timeout_s
    current = url.strip()
    redirects = 0
    while True:
        target = _parse_target(current)
        lookup_time = min(options.connect_timeout_s, _remaining(deadline, options.total_timeout_s))
        addresses = _resolve(target.host, target.port, lookup_time)
        _check_addresses(target.host, addresses, options)
        connect_time = min(options.connect_timeout_s, _remaining(deadline, options.total_timeout_s))
        sock = _connect(target, addresses, connect_time)
        response: http.client.HTTPResponse | None = None
        try:
            response = _request(target, sock, options, deadline)
            status = response.status
            if status in _REDIRECT_STATUSES:
                location = response.getheader("Location")
                if not location:
                    raise HttpStatusError(
                        f"{current} redirected (HTTP {status}) without a Location.", status=status
                    )
                redirects += 1
                if redirects > options.max_redirects:
                    raise TooManyRedirectsError(
                        f"{url} redirected more than {options.max_redirects} times (max_redirects)."
                    )
                current = urljoin(current, location.strip())
                continue
            if not 200 <= status < 300 or status in (204, 205):
                raise HttpStatusError(
                    f"{current} answered HTTP {status} {response.reason}.".replace(" .", "."), status=status
                )
            content_type, charset = _content_type(response)
            if content_type and content_type not in ALLOWED_CONTENT_TYPES:
                raise ContentTypeError(
                    f"{current} is {content_type}, not an article (HTML, plain text or Markdown)."
                )
            length = response.getheader("Content-Length")
            if length and length.strip().isdigit() and int(length) > options.max_download_bytes:
                raise DownloadTooLargeError(
                    f"{current} is {int(length):,} bytes, over the {options.max_download_bytes:,} byte "
                    "limit (max_download_bytes)."
                )
            encoding = (response.getheader("Content-Encoding") or "").strip().lower()
            body = _BodyReader(sock, options, deadline, encoding).read(response)
            return FetchedDocument(url=current, body=body, content_type=content_type, charset=charset)
        finally:
            if response is not None:
                response.close()
            sock.close()
