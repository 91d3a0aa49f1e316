"""What keeps other sites out: security headers on every answer, and a check that a request
that changes something, or a websocket, comes from one of this server's own pages.

Headers, on every HTTP answer: a strict Content-Security-Policy (scripts, styles and
connections only to this server, no inline script, nothing may frame a page, forms post only
here), ``Referrer-Policy: same-origin`` (some links carry a token: no other site ever sees
one; ``no-referrer`` would also blank the Origin of our own posts, which the check below
needs for browsers without Sec-Fetch-Site), ``X-Content-Type-Options: nosniff``, and
``X-Frame-Options: DENY`` for browsers older than ``frame-ancestors``.

Origins: a browser says where a request comes from (``Sec-Fetch-Site``, ``Origin``; a page
cannot forge either). A POST from another site, another port of this host included, or a
websocket opened by another site's page, is refused before it reaches the app: 403, or the
socket closed with 4403. A request with neither header is no browser's cross-site request
(curl, the JSON API's clients) and passes; who it is remains the tokens' to prove. An origin
is ours when it is the public URL's, one named in ``allowed_origins``, a loopback address of
this port, or the very host the request was sent to when that host is an IP address (a
hostname could be re-pointed at this machine by someone else's DNS, an address cannot).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
CLOSE_FOREIGN = 4403
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
_OUR_FETCHES = frozenset({"same-origin", "none"})


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower-cased, default ports left out."""
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if not scheme or not host:
        return ""
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" if port in (None, default) else f"{scheme}://{host}:{port}"


class Origins:
    """The origins of this server's own pages."""

    def __init__(self, public_urls: Iterable[str], port: int) -> None:
        loopback = ("localhost", "127.0.0.1", "[::1]")
        self._known = {origin_of(url) for url in public_urls if origin_of(url)}
        self._known |= {
            origin_of(f"{scheme}://{host}:{port}")
            for host in loopback
            for scheme in ("http", "https")
        }

    def ours(self, origin: str, host: str | None) -> bool:
        if not origin or origin == "null":
            return False
        normal = origin_of(origin)
        if normal in self._known:
            return True
        # The host the request was sent to, if it is an address (nobody else's DNS can make
        # another site's page appear to come from it).
        if host and _is_address(host):
            return normal in (origin_of(f"http://{host}"), origin_of(f"https://{host}"))
        return False


def _is_address(host: str) -> bool:
    name = urlsplit(f"//{host}").hostname or ""
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class SecurityMiddleware:
    """Headers on every answer; requests and sockets from other sites refused."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        origins: Origins,
        refuse: Callable[[Request], Response],
    ) -> None:
        self.app = app
        self.origins = origins
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            if not self._from_us(scope):
                await _close_foreign(receive, send)
                return
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [header for header in HEADERS if header[0] not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        if scope["method"] not in _SAFE and not self._from_us(scope):
            response = self.refuse(Request(scope, receive))
            await response(scope, receive, with_headers)
            return
        await self.app(scope, receive, with_headers)

    def _from_us(self, scope: Scope) -> bool:
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        fetch = headers.get(b"sec-fetch-site")
        if fetch is not None and fetch.decode("latin-1").lower() not in _OUR_FETCHES:
            return False
        origin = headers.get(b"origin")
        if origin is None:
            return True  # not a browser's cross-site request
        host = headers.get(b"host")
        return self.origins.ours(
            origin.decode("latin-1"), host.decode("latin-1") if host is not None else None
        )


async def _close_foreign(receive: Receive, send: Send) -> None:
    """Accept and close at once with 4403, so the page sees why (a bare 403 says nothing)."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": CLOSE_FOREIGN})
