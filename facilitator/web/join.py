"""Joining with a code: no account, a token in a cookie (and in the answer, for API clients).

The join code makes a participant, the leader code a leader, the guest code a guest (a
business guest or speaker: no department). A form post (the phone's page) and a JSON post
(API clients) take the same path.

The participant cookie is a phone's only way back in, so a join never replaces a valid one
silently: the same name again is the same person, another name is asked about first
(``replace=yes`` confirms). A home reflection from an earlier workshop comes along only when
the phone proves it is its writer's, by presenting that participant's token
(``store.reflections.proven_reflection``).
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
from facilitator.store import people, reflections, workshops
from facilitator.store.db import session_scope
from facilitator.store.tables import Participant, ProgrammeRow, Workshop
from facilitator.web.auth import participant_token, remember
from facilitator.web.errors import refused
from facilitator.web.render import language_of, page
from facilitator.web.services import Services, services

# What each code makes of the person who joins with it (store.workshops.workshop_by_any_code).
_ROLES = {"participant": Role.PARTICIPANT, "leader": Role.LEADER, "guest": Role.GUEST}


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
    row, role_name, departments = found
    if await _already_joined(app, request, row) is not None:
        return RedirectResponse(f"/w/{row.id}/me", status_code=303)
    return _form(request, app, row, role_name, departments, {}, None)


def _form(
    request: Request,
    app: Services,
    row: Workshop,
    role_name: str,
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
        "guest": role_name == "guest",  # a guest names no department
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
    fields = await _fields(request)
    if fields is None:
        message = i18n.gettext(language, "The request was malformed.")
        return JSONResponse({"ok": False, "code": "invalid", "error": message}, 422)
    already = await _already_joined(app, request, row)
    replacing = already is not None and fields["replace"] == "yes"
    if already is not None and not replacing:
        if not _same_person(already, fields):
            # The phone is someone here already: ask before its only way back in is gone.
            return _confirm(request, app, row, already, fields)
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

    role = _ROLES.get(role_name, Role.PARTICIPANT)
    participant_id, token = uuid.uuid4().hex, secrets.token_urlsafe(24)
    room = await app.rooms.get(row.id)
    if len(room.state.board.members) >= app.settings.limits.people_per_workshop:
        # A cap no real programme meets, against a script joining thousands (docs/api.md §2).
        message = i18n.gettext(language, "This workshop is full; ask the facilitator.")
        if not _wants_json(request):
            return _form(request, app, row, role_name, departments, fields, message, status=409)
        return JSONResponse({"ok": False, "code": "workshop_full", "error": message}, 409)

    def token_of(workshop_id: str) -> str | None:
        return participant_token(request, workshop_id)

    def add_participant_row(session: Session) -> None:
        # A home reflection comes along to the later workshop only when this phone proves to
        # be its writer's (never for a new person on a phone that was someone else's).
        reflection = (
            None
            if replacing
            else reflections.proven_reflection(session, workshop=row, token_for=token_of)
        )
        added = Participant(
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
        session.add(added)
        # The same person as an earlier workshop's row, under one pseudonym, only when this
        # phone proves it (the service pulse shows change without names).
        earlier = (
            None if replacing else people.proven_earlier(session, workshop=row, token_for=token_of)
        )
        people.link_person(session, participant=added, continues=earlier)

    command = Join(name=fields["name"], department=fields["department"])
    actor = Actor(role, participant_id)
    outcome = await room.submit(command, actor, participant_id, extra_rows=add_participant_row)
    if isinstance(outcome, Refusal):
        error = refused(outcome)  # a name or department that will not do: 422
        message = error.render(lambda msgid: i18n.gettext(language, msgid))
        if not _wants_json(request):
            return _form(
                request, app, row, role_name, departments, fields, message, status=error.status
            )
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
    legacy = f"reflection-{row.programme_id}"  # once a linking key; never read again
    if legacy in request.cookies:
        response.delete_cookie(legacy, path="/")
    return response


def _same_person(person: Participant, fields: dict[str, str]) -> bool:
    """Whether a join repeats who the phone is already (a double tap, a retry)."""
    return (
        fields["name"].strip().casefold() == person.name.casefold()
        and fields["department"].strip() == person.department
    )


def _confirm(
    request: Request, app: Services, row: Workshop, already: Participant, fields: dict[str, str]
) -> Response:
    """The phone already has someone's place here: join as a new person only if confirmed."""
    language = language_of(request)
    message = i18n.gettext(
        language, "You have already joined as {name} on this device. Join as a new person?"
    ).format(name=already.name)
    if _wants_json(request):
        answer = {"ok": False, "code": "confirm_replace", "error": message, "name": already.name}
        return JSONResponse(answer, 409)
    context = {
        "code": request.path_params["code"],
        "agenda_title": workshops.agenda_of(row).title.get(language),
        "workshop_id": row.id,
        "current_name": already.name,
        "name": fields["name"],
        "department": fields["department"],
    }
    return page(app.renderer, request, "participant/join_confirm.html", context)


async def _already_joined(app: Services, request: Request, row: Workshop) -> Participant | None:
    token = participant_token(request, row.id)
    if not token:
        return None

    def find() -> Participant | None:
        with session_scope(app.engine) as session:
            return workshops.participant_by_token(session, workshop_id=row.id, token=token)

    return await asyncio.to_thread(find)


async def _fields(request: Request) -> dict[str, str] | None:
    body = await request.body()  # web/body_limit.py has cut it at the limit already
    if len(body) > services(request).settings.limits.body_bytes:
        return None
    try:
        if _wants_json(request):
            raw = json.loads(body)
        else:
            raw = dict((await request.form()).items())
        name, department = raw["name"], raw.get("department", "")  # guests name none
        if not isinstance(name, str) or not isinstance(department, str):
            return None
        # "Join as a new person" on a phone that has a place here already (see _confirm).
        replace = raw.get("replace") in (True, "yes")
        return {"name": name, "department": department, "replace": "yes" if replace else ""}
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


routes = [
    Route("/join", code_form),
    Route("/join/{code}", join_page, methods=["GET"]),
    Route("/join/{code}", join, methods=["POST"]),
]
