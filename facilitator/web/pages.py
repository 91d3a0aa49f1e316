"""HTTP routes: health, the facilitator console, commands and state as JSON."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from facilitator.core.actors import Actor, Role
from facilitator.core.errors import Refusal
from facilitator.live.room import Accepted, Room
from facilitator.store import workshops as store
from facilitator.store.db import session_scope
from facilitator.store.tables import Workshop
from facilitator.web import i18n
from facilitator.web.auth import remember, staff_actor
from facilitator.web.commands import MAX_BODY, BadCommand, parse, parse_json
from facilitator.web.render import is_htmx, language_of
from facilitator.web.services import Services, services
from facilitator.web.views import console_context


class Denied(Exception):
    """Raised by a route to answer 403 with a translated message."""


class NotFound(Exception):
    """Raised by a route to answer 404 with a translated message."""

    def __init__(self, message: str = "Page not found.") -> None:
        super().__init__(message)
        self.message = message


async def healthz(request: Request) -> Response:
    app = services(request)

    def ping() -> None:
        with app.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    await asyncio.to_thread(ping)
    return JSONResponse({"status": "ok", "database": app.engine.dialect.name})


async def home(request: Request) -> Response:
    return services(request).renderer.page(request, "home.html", {})


async def _workshop(app: Services, workshop_id: str) -> Workshop:

    def load() -> Workshop | None:
        with session_scope(app.engine) as session:
            return store.get_workshop(session, workshop_id=workshop_id)

    row = await asyncio.to_thread(load)
    if row is None:
        raise NotFound("Workshop not found.")
    return row


async def _staff(request: Request, role: Role) -> tuple[Workshop, Actor, Room]:
    app = services(request)
    row = await _workshop(app, request.path_params["workshop_id"])
    actor = staff_actor(request, row)
    if actor is None or (role is Role.FACILITATOR and actor.role is not Role.FACILITATOR):
        raise Denied()
    return row, actor, await app.rooms.get(row.id)


def _with_token_cookie(request: Request, response: Response, role: Role, row: Workshop) -> None:
    token = request.query_params.get("token")
    if token:
        remember(response, role, row.id, token)


async def facilitator_console(request: Request) -> Response:
    row, _actor, room = await _staff(request, Role.FACILITATOR)
    app = services(request)
    if request.query_params.get("token"):
        # Keep the secret out of the address bar and history: cookie, then a clean URL.
        response: Response = RedirectResponse(request.url.path, status_code=303)
        _with_token_cookie(request, response, Role.FACILITATOR, row)
        return response
    context = _console(app, room, row, language_of(request))
    return app.renderer.page(request, "facilitator/console.html", context)


def _console(app: Services, room: Room, row: Workshop, language: str) -> dict[str, Any]:
    return console_context(room, row, app.clock(), language, app.settings.base_url())


async def submit_command(request: Request) -> Response:
    row, actor, room = await _staff(request, Role.FACILITATOR)
    app = services(request)
    language = language_of(request)
    content_type = request.headers.get("content-type", "")
    try:
        if content_type.startswith("application/json"):
            body = await request.body()
            command, client_id = parse_json(body)
        else:
            if int(request.headers.get("content-length") or 0) > MAX_BODY:
                raise BadCommand("The message is too large.")
            form = await request.form()
            command, client_id = parse({k: v for k, v in form.items() if isinstance(v, str)})
    except BadCommand as exc:
        return _answer_error(request, app, i18n.gettext(language, exc.message), 422)

    outcome = await room.submit(command, actor, client_id)
    if isinstance(outcome, Refusal):
        message = outcome.render(lambda msgid: i18n.gettext(language, msgid))
        return _answer_error(request, app, message, 409, code=outcome.code)
    return _answer_accepted(request, app, room, row, outcome, language)


def _answer_error(
    request: Request, app: Services, message: str, status: int, code: str = "invalid"
) -> Response:
    if is_htmx(request):
        # htmx swaps only 2xx answers; the message goes into the page's alert region.
        body = app.renderer.render(
            "fragments/flash.html", {"message": message}, language_of(request)
        )
        return Response(body, media_type="text/html", headers={"HX-Reswap": "none"})
    if request.headers.get("content-type", "").startswith("application/json"):
        return JSONResponse({"ok": False, "code": code, "error": message}, status_code=status)
    return Response(message, status_code=status, media_type="text/plain; charset=utf-8")


def _answer_accepted(
    request: Request, app: Services, room: Room, row: Workshop, outcome: Accepted, language: str
) -> Response:
    if is_htmx(request):
        context = _console(app, room, row, language)
        body = app.renderer.render("fragments/agenda.html", context, language)
        return Response(body, media_type="text/html")
    if request.headers.get("content-type", "").startswith("application/json"):
        return JSONResponse({"ok": True, "seq": outcome.seq, "replayed": outcome.replayed})
    return RedirectResponse(f"/w/{row.id}/facilitator", status_code=303)


async def workshop_state(request: Request) -> Response:
    row, _actor, room = await _staff(request, Role.PROJECTOR)
    app = services(request)
    now = app.clock()
    machine = room.state.machine
    return JSONResponse(
        {
            "workshop": row.id,
            "seq": room.seq,
            "status": machine.status.value,
            "phase": machine.phase,
            "time_left": machine.time_left(now),
            "overrun": machine.overrun(now),
            "deadline": (d.isoformat() if (d := machine.deadline()) else None),
            "server_now": now.isoformat(),
        }
    )


routes = [
    Route("/", home),
    Route("/healthz", healthz),
    Route("/w/{workshop_id}/facilitator", facilitator_console),
    Route("/w/{workshop_id}/commands", submit_command, methods=["POST"]),
    Route("/w/{workshop_id}/state", workshop_state),
]
