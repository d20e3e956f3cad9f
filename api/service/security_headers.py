"""Security headers on the editor's pages: a strict Content-Security-Policy (same-origin scripts, styles
and media only; no framing) and no MIME sniffing or referrers."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

EDITOR_PREFIX = "/editor"
EDITOR_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


class EditorSecurityHeaders:
    """ASGI middleware adding :data:`EDITOR_HEADERS` to every response under ``/editor``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(EDITOR_PREFIX):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [
                    (k, v) for k, v in message.get("headers", []) if k.decode().lower() not in EDITOR_HEADERS
                ]
                added = [(name.encode(), value.encode()) for name, value in EDITOR_HEADERS.items()]
                message = {**message, "headers": kept + added}
            await send(message)

        await self.app(scope, receive, send_with_headers)
