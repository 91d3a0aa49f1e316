"""create_app: the Starlette application with its lifespan and its error pages."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute

from facilitator import i18n
from facilitator.clock import Clock, system_clock
from facilitator.live.hub import hub_from_url
from facilitator.live.room import WorkshopNotFound
from facilitator.live.rooms import Rooms
from facilitator.paths import STATIC
from facilitator.rendering import Renderer
from facilitator.settings import Settings
from facilitator.store.db import DatabaseUnavailable, make_engine
from facilitator.store.migrate import upgrade
from facilitator.web import (
    about,
    console_pages,
    downloads,
    join,
    offline,
    programme_pages,
    pulse_page,
    reflections,
)
from facilitator.web.access_log import AccessLog, loggable
from facilitator.web.body_limit import BodyLimit
from facilitator.web.errors import EdgeError, NotFound
from facilitator.web.limits import Buckets, JoinGuard, SocketCounts
from facilitator.web.pages import routes
from facilitator.web.render import language_of, page
from facilitator.web.security import Origins, SecurityMiddleware
from facilitator.web.services import Services
from facilitator.web.socket import WorkshopSocket
from facilitator.web.static import VersionedStatic

log = logging.getLogger("facilitator")


async def favicon(_request: Request) -> Response:
    """Browsers ask for /favicon.ico on every first page; pages also link favicon.svg."""
    return FileResponse(STATIC / "favicon.ico", headers={"cache-control": "public, max-age=86400"})


def create_app(settings: Settings | None = None, *, clock: Clock = system_clock) -> Starlette:
    settings = settings or Settings()
    renderer = Renderer()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = make_engine(settings.resolved_database_url())
        await asyncio.to_thread(upgrade, engine)
        hub = hub_from_url(settings.broker_url)
        rooms = Rooms(engine=engine, hub=hub, clock=clock)
        app.state.services = Services(
            settings=settings,
            engine=engine,
            rooms=rooms,
            renderer=renderer,
            clock=clock,
            sockets=SocketCounts(settings.limits.sockets_per_person),
            command_buckets=Buckets(settings.limits),
        )
        try:
            yield
        finally:
            await rooms.close()
            await hub.close()
            engine.dispose()

    def error(request: Request, msgid: str, status: int) -> Response:
        return answer(request, i18n.gettext(language_of(request), msgid), status)

    def answer(request: Request, message: str, status: int) -> Response:
        if "application/json" in request.headers.get("accept", "") or request.url.path.endswith(
            ("/state", "/commands", "/healthz")
        ):
            return JSONResponse({"ok": False, "error": message}, status_code=status)
        return page(renderer, request, "error.html", {"message": message}, status_code=status)

    async def edge_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, EdgeError)
        language = language_of(request)
        response = answer(request, exc.render(lambda m: i18n.gettext(language, m)), exc.status)
        response.headers.update(exc.headers)
        return response

    async def no_workshop(request: Request, _exc: Exception) -> Response:
        return await edge_error(request, NotFound())

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return error(request, "Page not found.", 404)
        if exc.status_code == 405:
            return error(request, "The request was malformed.", 405)
        return error(request, "The request was malformed.", exc.status_code)

    async def database_down(request: Request, exc: Exception) -> Response:
        log.error("database unavailable: %s", exc)
        return error(
            request, "The database cannot be written to right now; nothing was changed.", 503
        )

    def foreign(request: Request) -> Response:
        return error(request, "This request came from another site; nothing was changed.", 403)

    origins = Origins([settings.base_url(), *settings.allowed_origins], settings.port)

    def guessing(request: Request, retry_after: int) -> Response:
        response = error(request, "Too many wrong codes; wait a minute and try again.", 429)
        response.headers["retry-after"] = str(retry_after)
        return response

    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", loggable(request.url.path), exc_info=exc)
        return error(request, "Something went wrong on our side. Please try again.", 500)

    return Starlette(
        routes=[
            *routes,
            *downloads.routes,
            *console_pages.routes,
            *offline.routes,
            *join.routes,
            *reflections.routes,
            *about.routes,
            *programme_pages.routes,
            *pulse_page.routes,
            WebSocketRoute("/w/{workshop_id}/ws", WorkshopSocket()),
            Mount("/static", VersionedStatic(directory=STATIC), name="static"),
            Route("/favicon.ico", favicon),
        ],
        middleware=[
            Middleware(AccessLog),
            Middleware(SecurityMiddleware, origins=origins, refuse=foreign),
            Middleware(BodyLimit, limits=settings.limits, refuse=edge_error),
            Middleware(JoinGuard, limits=settings.limits, refuse=guessing),
            Middleware(GZipMiddleware, minimum_size=500),
        ],
        exception_handlers={
            EdgeError: edge_error,
            WorkshopNotFound: no_workshop,
            HTTPException: http_error,
            DatabaseUnavailable: database_down,
            OperationalError: database_down,
            Exception: server_error,
        },
        lifespan=lifespan,
    )
