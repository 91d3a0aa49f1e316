"""HTTP routes: health, the three screens, commands (forms, htmx, JSON) and state as JSON."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from facilitator import i18n
from facilitator.agenda import Role
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.board_rules import UNCHANGED
from facilitator.core.errors import Refusal
from facilitator.i18n import N_
from facilitator.live.room import Accepted, Room
from facilitator.store import privacy, reflections, workshops
from facilitator.store.db import session_scope
from facilitator.store.tables import Workshop
from facilitator.web import home_session
from facilitator.web import privacy as erasure
from facilitator.web.auth import actor_for, is_id, remember
from facilitator.web.commands import parse, parse_json, triage_form
from facilitator.web.errors import (
    EdgeError,
    Malformed,
    NotAllowed,
    NotFound,
    TooManyRequests,
    refused,
)
from facilitator.web.render import is_htmx, language_of, page
from facilitator.web.services import Services, services
from facilitator.web.views.screens import Scene, live_fragments, screen_context
from facilitator.web.views.wall import WALL_VIEWER


async def healthz(request: Request) -> Response:
    app = services(request)

    def ping() -> None:
        with app.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    await asyncio.to_thread(ping)
    return JSONResponse({"status": "ok", "database": app.engine.dialect.name})


async def home(request: Request) -> Response:
    return page(services(request).renderer, request, "home.html", {})


# The roles of people who joined with a code (the phone's page is theirs).
PEOPLE = (Role.PARTICIPANT, Role.LEADER, Role.GUEST)


async def who(request: Request, *roles: Role) -> tuple[Workshop, Actor, Room]:
    """The workshop of the path and the proven actor, if it has one of ``roles``."""
    app = services(request)
    workshop_id = request.path_params["workshop_id"]
    if not is_id(workshop_id):  # no lookup for what no workshop's id looks like
        raise NotFound(N_("Workshop not found."))

    def load() -> tuple[Workshop | None, Actor | None]:
        with session_scope(app.engine) as session:
            row = workshops.get_workshop(session, workshop_id=workshop_id)
            actor = None if row is None else actor_for(request, session, row)
        wanted = not roles or Role.FACILITATOR in roles
        unproven = actor is None or (roles and actor.role not in roles)
        # Signed in to the facilitator's home: the facilitator of every workshop.
        if (
            row is not None
            and wanted
            and unproven
            and home_session.signed_in(app.engine, request, app.clock())
        ):
            actor = FACILITATOR
        return row, actor

    row, actor = await asyncio.to_thread(load)
    if row is None:
        raise NotFound(N_("Workshop not found."))
    if actor is None or (roles and actor.role not in roles):
        raise NotAllowed()
    if not all(is_id(value) for name, value in request.path_params.items() if name.endswith("_id")):
        raise NotFound()  # another id of the path (a participant's): nobody has it
    return row, actor, await app.rooms.get(row.id)


def _clean_url(request: Request, role: Role, row: Workshop) -> Response | None:
    """Keep a secret link out of the address bar and history: cookie, then a clean URL."""
    token = request.query_params.get("token")
    if not token:
        return None
    response = RedirectResponse(request.url.path, status_code=303)
    remember(response, role, row.id, token)
    return response


def _screen(app: Services, room: Room, row: Workshop, actor: Actor, lang: str) -> dict[str, Any]:
    now = app.clock()
    scene = Scene.of(room)
    context = screen_context(scene, row, actor, lang, base_url=app.settings.base_url(), now=now)
    context["server_now"] = now.isoformat()
    return context


async def facilitator_console(request: Request) -> Response:
    row, actor, room = await who(request, Role.FACILITATOR)
    if (redirect := _clean_url(request, Role.FACILITATOR, row)) is not None:
        return redirect
    app = services(request)
    context = _screen(app, room, row, actor, language_of(request))
    return page(app.renderer, request, "facilitator/console.html", context)


async def projector(request: Request) -> Response:
    row, _actor, room = await who(request, Role.PROJECTOR, Role.FACILITATOR)
    if (redirect := _clean_url(request, Role.PROJECTOR, row)) is not None:
        return redirect
    app = services(request)
    # The facilitator's own browser (its cookie wins) shows the wall as the room sees it.
    context = _screen(app, room, row, WALL_VIEWER, language_of(request))
    return page(app.renderer, request, "projector/page.html", context)


async def participant_page(request: Request) -> Response:
    try:
        row, actor, room = await who(request, *PEOPLE)
    except NotAllowed:
        return RedirectResponse("/", status_code=303)
    app = services(request)
    context = _screen(app, room, row, actor, language_of(request))
    member = room.state.board.members.get(actor.participant_id or "")
    context["me_name"] = member.name if member else ""

    def earlier_reflection() -> str:
        with session_scope(app.engine) as session:
            found = reflections.earlier_reflection(
                session, participant_id=actor.participant_id or ""
            )
            return found.text if found else ""

    context["my_reflection"] = await asyncio.to_thread(earlier_reflection)
    return page(app.renderer, request, "participant/page.html", context)


async def submit_command(request: Request) -> Response:
    row, actor, room = await who(request)
    app = services(request)
    # The same rate as a websocket's, per client of this workshop (docs/api.md §2).
    bucket = app.command_buckets[(row.id, actor.role, actor.participant_id)]
    if not bucket.take():
        return _answer_error(request, app, TooManyRequests(retry_after=bucket.retry_after()))
    content_type = request.headers.get("content-type", "")
    # A body over Limits.body_bytes is refused while it arrives (web/body_limit.py): 413.
    try:
        if content_type.startswith("application/json"):
            command, client_id = parse_json(await request.body(), app.settings.limits)
        else:
            form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
            if (several := triage_form(form)) is not None:
                return await _submit_each(request, app, room, row, actor, several)
            command, client_id = parse(form)
    except Malformed as exc:
        return _answer_error(request, app, exc)

    # The facilitator's anonymise_participant is the whole erasure (web/privacy.py).
    outcome = await erasure.submit(app, room, row, command, actor, client_id)
    if isinstance(outcome, Refusal):
        # Its kind says whether it is who asks (403), the state now (409) or the content (422).
        return _answer_error(request, app, refused(outcome))
    return _answer_accepted(request, app, room, row, actor, outcome)


async def _submit_each(
    request: Request,
    app: Services,
    room: Room,
    row: Workshop,
    actor: Actor,
    commands: list[dict[str, Any]],
) -> Response:
    """The fields of a form posted without JavaScript, one command each: the answer is the
    first refusal that is not ``unchanged``, or the page again."""
    refusal: Refusal | None = None
    accepted: Accepted | None = None
    for fields in commands:
        command, _ = parse(fields)
        outcome = await room.submit(command, actor, None)
        if isinstance(outcome, Accepted):
            accepted = outcome
        elif outcome.code != "unchanged" and refusal is None:
            refusal = outcome
    if refusal is not None:
        return _answer_error(request, app, refused(refusal))
    if accepted is None:
        return _answer_error(request, app, refused(UNCHANGED))
    return _answer_accepted(request, app, room, row, actor, accepted)


def _answer_error(request: Request, app: Services, error: EdgeError) -> Response:
    language = language_of(request)
    message = error.render(lambda msgid: i18n.gettext(language, msgid))
    status, code = error.status, error.code or "invalid"
    if is_htmx(request):
        # htmx swaps only 2xx answers; the message goes into the page's alert region.
        body = app.renderer.render("fragments/flash.html", {"message": message}, language)
        return Response(body, media_type="text/html", headers={"HX-Reswap": "none"})
    response: Response
    if request.headers.get("content-type", "").startswith("application/json"):
        answer = {"ok": False, "code": code, "error": message}
        response = JSONResponse(answer, status_code=status)
    else:
        context = {"message": message}
        response = page(app.renderer, request, "error.html", context, status_code=status)
    response.headers.update(error.headers)
    return response


def _answer_accepted(
    request: Request, app: Services, room: Room, row: Workshop, actor: Actor, outcome: Accepted
) -> Response:
    if is_htmx(request):
        # The new view at once (out-of-band, by id), even if the websocket is down.
        html = "".join(
            live_fragments(
                app.renderer,
                room,
                row,
                actor,
                language_of(request),
                base_url=app.settings.base_url(),
                now=app.clock(),
            )
        )
        cleared = '<div id="flash" role="alert" aria-live="assertive" hx-swap-oob="true"></div>'
        return Response(html + cleared, media_type="text/html")
    if request.headers.get("content-type", "").startswith("application/json"):
        return JSONResponse({"ok": True, "seq": outcome.seq, "replayed": outcome.replayed})
    screen = "facilitator" if actor.role is Role.FACILITATOR else "me"
    return RedirectResponse(f"/w/{row.id}/{screen}", status_code=303)


async def workshop_state(request: Request) -> Response:
    row, _actor, room = await who(request, Role.FACILITATOR, Role.PROJECTOR)
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
    Route("/w/{workshop_id}/projector", projector),
    Route("/w/{workshop_id}/me", participant_page),
    Route("/w/{workshop_id}/commands", submit_command, methods=["POST"]),
    Route("/w/{workshop_id}/state", workshop_state),
]


async def my_data(request: Request) -> Response:
    """Everything stored about the person asking, as a JSON download (GDPR)."""
    _row, actor, _room = await who(request, *PEOPLE)
    app = services(request)

    def collect() -> dict[str, Any]:
        with session_scope(app.engine) as session:
            return privacy.own_data(session, participant_id=actor.participant_id or "")

    data = await asyncio.to_thread(collect)
    headers = {"content-disposition": 'attachment; filename="my-data.json"'}
    return JSONResponse(data, headers=headers)


async def anonymise(request: Request) -> Response:
    """The facilitator anonymises a person everywhere in the programme; ideas stay.

    The flow is ``web.privacy.erase``, the same as for the ``anonymise_participant`` command.
    """
    row, _actor, _room = await who(request, Role.FACILITATOR)
    app = services(request)
    erased = await erasure.erase(app, row, request.path_params["participant_id"])
    if erased is None:
        raise NotFound()
    if is_htmx(request):
        return Response("", media_type="text/html")
    if request.headers.get("content-type", "").startswith("application/json"):
        return JSONResponse({"ok": True, "workshops": sorted(erased)})
    return RedirectResponse(f"/w/{row.id}/facilitator", status_code=303)


routes += [
    Route("/w/{workshop_id}/my-data", my_data),
    Route("/w/{workshop_id}/anonymise/{participant_id}", anonymise, methods=["POST"]),
]
