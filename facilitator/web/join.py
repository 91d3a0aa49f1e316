"""Joining with a code: no account, a token in a cookie (and in the answer, for API clients).

The join code makes a participant, the leader code a leader. A form post (the phone's page)
and a JSON post (API clients) take the same path.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import uuid
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from facilitator import i18n
from facilitator.agenda import Role, Text
from facilitator.core.actors import Actor
from facilitator.core.board_messages import Join
from facilitator.core.errors import Refusal
from facilitator.store import reflections, workshops
from facilitator.store.db import session_scope
from facilitator.store.tables import Participant, ProgrammeRow, Workshop
from facilitator.web.auth import participant_token, remember
from facilitator.web.commands import MAX_BODY
from facilitator.web.errors import refused
from facilitator.web.render import language_of, page
from facilitator.web.services import Services, services


def _wants_json(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith("application/json")


async def _find(app: Services, code: str) -> tuple[Workshop, str, list[dict[str, Any]]] | None:
    def find() -> tuple[Workshop, str, list[dict[str, Any]]] | None:
        with session_scope(app.engine) as session:
            found = workshops.workshop_by_any_code(session, code=code)
            if found is None:
                return None
            row, role = found
            programme = session.get(ProgrammeRow, row.programme_id) if row.programme_id else None
            departments = list(programme.spec.get("departments", [])) if programme else []
            return row, role, departments

    return await asyncio.to_thread(find)


def _department_options(departments: list[dict[str, Any]], language: str) -> list[dict[str, str]]:
    return [
        {"key": d["key"], "name": Text.model_validate(d["name"]).get(language)} for d in departments
    ]


async def code_form(request: Request) -> Response:
    """The front page's code field lands here."""
    code = "".join(ch for ch in request.query_params.get("code", "") if ch.isalnum())[:12]
    return RedirectResponse(f"/join/{code.upper()}" if code else "/", status_code=303)


async def join_page(request: Request) -> Response:
    app = services(request)
    found = await _find(app, request.path_params["code"])
    if found is None:
        message = i18n.gettext(language_of(request), "No workshop has that code.")
        return page(app.renderer, request, "error.html", {"message": message}, status_code=404)
    row, _role, departments = found
    if participant_token(request, row.id):
        return RedirectResponse(f"/w/{row.id}/me", status_code=303)
    return _form(request, app, row, departments, {}, None)


def _form(
    request: Request,
    app: Services,
    row: Workshop,
    departments: list[dict[str, Any]],
    fields: dict[str, str],
    error: str | None,
    status: int = 200,
) -> Response:
    language = language_of(request)
    context = {
        "code": request.path_params["code"],
        "agenda_title": workshops.agenda_of(row).title.get(language),
        "departments": _department_options(departments, language),
        "name": fields.get("name"),
        "department": fields.get("department"),
        "error": error,
    }
    return page(app.renderer, request, "participant/join.html", context, status_code=status)


async def join(request: Request) -> Response:
    app = services(request)
    language = language_of(request)
    found = await _find(app, request.path_params["code"])
    if found is None:
        message = i18n.gettext(language, "No workshop has that code.")
        return JSONResponse({"ok": False, "code": "no_workshop", "error": message}, 404)
    row, role_name, departments = found
    already = await _already_joined(app, request, row)
    if already is not None:
        # A double-tapped join button (or a retried request with the cookie) is the same
        # person again: answer with who they are instead of making a second member.
        if not _wants_json(request):
            return RedirectResponse(f"/w/{row.id}/me", status_code=303)
        return JSONResponse(
            {
                "ok": True,
                "workshop": row.id,
                "participant": already.id,
                "role": already.role,
                "token": already.token,
                "seq": None,
                "replayed": True,
            }
        )
    fields = await _fields(request)
    if fields is None:
        message = i18n.gettext(language, "The request was malformed.")
        return JSONResponse({"ok": False, "code": "invalid", "error": message}, 422)

    role = Role.LEADER if role_name == "leader" else Role.PARTICIPANT
    participant_id, token = uuid.uuid4().hex, secrets.token_urlsafe(24)
    room = await app.rooms.get(row.id)

    brought = request.cookies.get(f"reflection-{row.programme_id}")

    def add_participant_row(session: Session) -> None:
        # A home reflection written on this phone comes along to the later workshop.
        reflection = reflections.by_token(session, token=brought) if brought else None
        session.add(
            Participant(
                id=participant_id,
                programme_id=row.programme_id,
                workshop_id=row.id,
                name=fields["name"].strip()[:80],
                department=fields["department"].strip()[:80],
                role=role.value,
                token=token,
                reflection_id=reflection.id if reflection else None,
                created_at=app.clock(),
            )
        )

    command = Join(name=fields["name"], department=fields["department"])
    actor = Actor(role, participant_id)
    outcome = await room.submit(command, actor, participant_id, extra_rows=add_participant_row)
    if isinstance(outcome, Refusal):
        error = refused(outcome)  # a name or department that will not do: 422
        message = error.render(lambda msgid: i18n.gettext(language, msgid))
        if not _wants_json(request):
            return _form(request, app, row, departments, fields, message, status=error.status)
        return JSONResponse({"ok": False, "code": error.code, "error": message}, error.status)
    response: Response
    if _wants_json(request):
        response = JSONResponse(
            {
                "ok": True,
                "workshop": row.id,
                "participant": participant_id,
                "role": role.value,
                "token": token,
                "seq": outcome.seq,
            }
        )
    else:
        response = RedirectResponse(f"/w/{row.id}/me", status_code=303)
    remember(response, Role.PARTICIPANT, row.id, token)
    return response


async def _already_joined(app: Services, request: Request, row: Workshop) -> Participant | None:
    token = participant_token(request, row.id)
    if not token:
        return None

    def find() -> Participant | None:
        with session_scope(app.engine) as session:
            return workshops.participant_by_token(session, workshop_id=row.id, token=token)

    return await asyncio.to_thread(find)


async def _fields(request: Request) -> dict[str, str] | None:
    body = await request.body()
    if len(body) > MAX_BODY:
        return None
    try:
        if _wants_json(request):
            raw = json.loads(body)
        else:
            raw = dict((await request.form()).items())
        name, department = raw["name"], raw["department"]
        if not isinstance(name, str) or not isinstance(department, str):
            return None
        return {"name": name, "department": department}
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


routes = [
    Route("/join", code_form),
    Route("/join/{code}", join_page, methods=["GET"]),
    Route("/join/{code}", join, methods=["POST"]),
]
