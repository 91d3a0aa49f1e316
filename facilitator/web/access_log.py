"""One line per request, with no secret in it.

Tokens travel in some URLs (a facilitator's first link, a reflection's private link), so the
server's own access log (uvicorn's is switched off) leaves out every query string and
replaces the secret part of such paths with ``…``.
"""

from __future__ import annotations

import logging
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("facilitator.access")

# Paths whose last part is a secret: a reflection's or a recovery link's token.
_SECRET_PATHS = re.compile(r"^(/(?:r|recover)/)[^/]+")


def loggable(path: str) -> str:
    """The path as it may appear in a log: secrets replaced, no query string."""
    return _SECRET_PATHS.sub(r"\1…", path.split("?", 1)[0])


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "websocket.accept":
                status = 101
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            method = scope.get("method", "WS")
            ms = (time.perf_counter() - started) * 1000
            client = (scope.get("client") or ("-",))[0]
            log.info("%s %s %s %d %.0f ms", client, method, loggable(scope["path"]), status, ms)
