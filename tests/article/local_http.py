"""A real HTTP(S) server on a loopback address, in a thread, with routes the tests define."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Handler = Callable[[BaseHTTPRequestHandler, threading.Event], None]


@dataclass
class Hit:
    path: str
    host_header: str | None
    accept_encoding: str | None
    user_agent: str | None


@dataclass
class LocalServer:
    """Routes are ``path → handler``; every request is recorded in ``hits``."""

    host: str = "127.0.0.1"
    tls_context: ssl.SSLContext | None = None
    routes: dict[str, Handler] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    server_names: list[str | None] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    def url(self, path: str, host: str | None = None) -> str:
        scheme = "https" if self.tls_context else "http"
        return f"{scheme}://{host or self.host}:{self.port}{path}"

    def serve(
        self,
        path: str,
        body: bytes,
        content_type: str | None = "text/html; charset=utf-8",
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        content_length: bool = True,
    ) -> None:
        def handler(request: BaseHTTPRequestHandler, _stop: threading.Event) -> None:
            request.send_response(status)
            if content_type is not None:
                request.send_header("Content-Type", content_type)
            for name, value in (headers or {}).items():
                request.send_header(name, value)
            if content_length:
                request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)

        self.routes[path] = handler

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.serve(path, b"", None, status=status, headers={"Location": location})

    def start(self) -> LocalServer:
        owner = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                owner.hits.append(
                    Hit(
                        self.path,
                        self.headers.get("Host"),
                        self.headers.get("Accept-Encoding"),
                        self.headers.get("User-Agent"),
                    )
                )
                handler = owner.routes.get(self.path.split("?")[0])
                self.close_connection = True
                try:
                    if handler is None:
                        self.send_error(404, "Not Found")
                    else:
                        handler(self, owner.stop)
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                    pass

            def log_message(self, format: str, *args: object) -> None:
                return

        server = ThreadingHTTPServer((self.host, 0), RequestHandler)
        server.daemon_threads = True
        if self.tls_context is not None:
            self.tls_context.sni_callback = self._record_sni
            server.socket = self.tls_context.wrap_socket(server.socket, server_side=True)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def _record_sni(self, _sock: ssl.SSLObject, name: str | None, _context: ssl.SSLContext) -> None:
        self.server_names.append(name)

    def close(self) -> None:
        self.stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
