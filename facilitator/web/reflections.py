"""The home reflection page: a private link, saved as the person types.

The link stays valid after the workshop ends, until the next workshop of the same people
starts; after that the text is read on the person's day-2 page instead.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from facilitator import i18n
from facilitator.agenda import HomeReflectionPhase, Role, Text
from facilitator.i18n import N_
from facilitator.store import reflections
from facilitator.store.db import session_scope
from facilitator.store.tables import Participant, Reflection, Workshop
from facilitator.store.workshops import agenda_of
from facilitator.web.commands import MAX_BODY
from facilitator.web.errors import EdgeError, Gone, Malformed, NotAllowed, NotFound, TooLarge
from facilitator.web.pages import who
from facilitator.web.render import language_of, page
from facilitator.web.services import services

COOKIE = "reflection-{programme}"


def _prompt(row: Workshop) -> dict[str, Any]:
    phase = next((p for p in agenda_of(row).phases if isinstance(p, HomeReflectionPhase)), None)
    if phase is None:
        raise NotFound()
    return phase.prompt.model_dump()


async def open_reflection(request: Request) -> Response:
    """From the workshop page to the person's own reflection link (made on first use)."""
    row, actor, _room = await who(request, Role.PARTICIPANT, Role.LEADER)
    app = services(request)
    prompt = _prompt(row)

    def find() -> Reflection:
        with session_scope(app.engine) as session:
            person = session.get(Participant, actor.participant_id)
            if person is None:
                raise NotAllowed()
            return reflections.reflection_for(
                session, participant=person, workshop=row, prompt=prompt, now=app.clock()
            )

    reflection = await asyncio.to_thread(find)
    response = RedirectResponse(f"/r/{reflection.token}", status_code=303)
    response.set_cookie(
        COOKIE.format(programme=row.programme_id),
        reflection.token,
        max_age=90 * 86400,
        httponly=True,
        samesite="lax",
    )
    return response


async def _load(request: Request) -> tuple[Reflection, bool]:
    app = services(request)
    token = request.path_params["token"]

    def load() -> tuple[Reflection | None, bool]:
        with session_scope(app.engine) as session:
            found = reflections.by_token(session, token=token)
            return found, found is not None and reflections.is_open(session, reflection=found)

    found, writable = await asyncio.to_thread(load)
    if found is None:
        raise NotFound(N_("This reflection link is not valid."))
    return found, writable


async def reflection_page(request: Request) -> Response:
    reflection, writable = await _load(request)
    language = language_of(request)
    context = {
        "reflection": reflection,
        "prompt": Text.model_validate(reflection.prompt).get(language),
        "writable": writable,
        "limit": reflections.MAX_TEXT,
        "updated": i18n.format_datetime(reflection.updated_at, language),
    }
    return page(services(request).renderer, request, "participant/reflection.html", context)


async def save_reflection(request: Request) -> Response:
    reflection, writable = await _load(request)
    app = services(request)
    language = language_of(request)
    wants_json = request.headers.get("content-type", "").startswith("application/json")

    def refuse(error: EdgeError) -> Response:
        message = error.render(lambda msgid: i18n.gettext(language, msgid))
        status = error.status
        if wants_json:
            return JSONResponse({"ok": False, "error": message}, status_code=status)
        return page(app.renderer, request, "error.html", {"message": message}, status_code=status)

    if not writable:
        return refuse(
            Gone(N_("The next workshop has started; this reflection can no longer change."))
        )
    body = await request.body()
    if len(body) > MAX_BODY * 2:
        return refuse(TooLarge())
    try:
        if wants_json:
            fields = json.loads(body)
            text, share = fields["text"], fields.get("share", False)
        else:
            form = await request.form()
            text, share = form["text"], form.get("share") == "on"
        if not isinstance(text, str) or not isinstance(share, bool):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return refuse(Malformed())
    if len(text) > reflections.MAX_TEXT:
        return refuse(Malformed(N_("A reflection can be at most 5000 characters.")))

    def write() -> Reflection:
        with session_scope(app.engine) as session:
            found = reflections.by_token(session, token=reflection.token)
            assert found is not None
            return reflections.save(
                session, reflection=found, text=text, share=share, now=app.clock()
            )

    saved = await asyncio.to_thread(write)
    if wants_json:
        return JSONResponse({"ok": True, "updated_at": saved.updated_at.isoformat()})
    return RedirectResponse(f"/r/{reflection.token}", status_code=303)


routes = [
    Route("/w/{workshop_id}/reflection", open_reflection),
    Route("/r/{token}", reflection_page, methods=["GET"]),
    Route("/r/{token}", save_reflection, methods=["POST"]),
]
