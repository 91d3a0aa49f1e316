"""Request bodies counted while they arrive, so none is held beyond its limit.

A body over its limit is answered 413 ("The message is too large."): one that declares a
Content-Length over the limit at once, before a byte of it is read; one that streams
(chunked, or longer than it said) as soon as the count passes the limit, having handed
the app no more than the limit. A JSON body that nests deeper than ``Limits.json_depth``
is refused as malformed (422) as it arrives, before any parser sees it. The limit is
``Limits.reflection_bytes`` for a home reflection (``POST /r/{token}``),
``Limits.agenda_bytes`` for the agenda editor (``POST /w/{id}/agenda``) and
``Limits.body_bytes`` for everything else. A GET's or HEAD's body is never read by a route:
one that declares too much is answered 413 all the same, one that streams is left to the
server (uvicorn stops reading past its buffer) and never refused mid-answer.

A path with a character no id, token or code can hold (NUL, other control characters:
``core/text.py``) names nothing here: 404, before any route looks it up.

What the app reads raises the error from ``receive``, so a route answers it in its own
shape or the app's error handler does (JSON or the error page); what is refused before the
app is answered by ``refuse``, the same handler.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from facilitator.core.text import storable
from facilitator.settings import Limits
from facilitator.web.commands import JsonDepth
from facilitator.web.errors import EdgeError, Malformed, NotFound, TooLarge

Refuse = Callable[[Request, Exception], Awaitable[Response]]


class BodyLimit:
    def __init__(self, app: ASGIApp, *, limits: Limits, refuse: Refuse) -> None:
        self.app = app
        self.limits = limits
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not storable(scope["path"]):
            await self._answer(scope, receive, send, NotFound())
            return
        limit = self._limit(scope)
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        declared = headers.get(b"content-length", b"").strip()
        if declared.isdigit() and int(declared) > limit:
            await self._answer(scope, receive, send, TooLarge())
            return
        if scope.get("method") in ("GET", "HEAD"):
            # No route reads a GET's body; a file answer only listens on it for the client
            # going away, and must not meet a refusal half-way through its own response.
            await self.app(scope, receive, send)
            return
        gauge = JsonDepth() if b"json" in headers.get(b"content-type", b"").lower() else None
        received = 0
        refused: list[EdgeError] = []

        async def counted() -> Message:
            nonlocal received
            if refused:  # the app asks again after the refusal: it gets the refusal again
                raise refused[0]
            message = await receive()
            if message["type"] == "http.request":
                body: bytes = message.get("body", b"")
                received += len(body)
                if received > limit:
                    refused.append(TooLarge())
                elif gauge is not None and gauge.feed(body) > self.limits.json_depth:
                    refused.append(Malformed())
                if refused:
                    raise refused[0]
            return message

        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except EdgeError as exc:
            # The app's handlers answer these; this is for an app that let its own through.
            if not refused or exc is not refused[0] or started:
                raise
            await self._answer(scope, receive, send, exc)

    def _limit(self, scope: Scope) -> int:
        path: str = scope["path"]
        if scope["method"] == "POST" and path.startswith("/r/"):
            return self.limits.reflection_bytes
        if scope["method"] == "POST" and path.startswith("/w/") and path.endswith("/agenda"):
            return self.limits.agenda_bytes  # the agenda editor's form, or an uploaded file
        return self.limits.body_bytes

    async def _answer(self, scope: Scope, receive: Receive, send: Send, error: EdgeError) -> None:
        response = await self.refuse(Request(scope, receive), error)
        await response(scope, receive, send)
