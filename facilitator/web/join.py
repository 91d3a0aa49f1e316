"""Joining with a code: no account, a token in a cookie (and in the answer, for API clients)."""

from __future__ import annotations

import asyncio
import json
import secrets
import uuid

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from facilitator.core.actors import Actor, Role
from facilitator.core.board_messages import Join
from facilitator.core.errors import Refusal
from facilitator.store import workshops as store
from facilitator.store.db import session_scope
from facilitator.store.tables import Participant, Workshop
from facilitator.web import i18n
from facilitator.web.auth import remember
from facilitator.web.commands import MAX_BODY
from facilitator.web.render import language_of
from facilitator.web.services import services


def _refuse(request: Request, msgid: str, status: int, code: str) -> Response:
    message = i18n.gettext(language_of(request), msgid)
    return JSONResponse({"ok": False, "code": code, "error": message}, status_code=status)


async def join(request: Request) -> Response:
    app = services(request)
    code = request.path_params["code"]

    def find() -> tuple[Workshop, str] | None:
        with session_scope(app.engine) as session:
            return store.workshop_by_any_code(session, code=code)

    found = await asyncio.to_thread(find)
    if found is None:
        return _refuse(request, "No workshop has that code.", 404, "no_workshop")
    row, role_name = found
    body = await request.body()
    try:
        if len(body) > MAX_BODY:
            raise ValueError("too large")
        fields = json.loads(body)
        name, department = str(fields["name"]), str(fields["department"])
    except (ValueError, KeyError, TypeError):
        return _refuse(request, "The request was malformed.", 422, "invalid")

    role = Role.LEADER if role_name == "leader" else Role.PARTICIPANT
    participant_id, token = uuid.uuid4().hex, secrets.token_urlsafe(24)
    room = await app.rooms.get(row.id)

    def keep_token(session: Session) -> None:
        session.add(
            Participant(
                id=participant_id,
                programme_id=row.programme_id,
                workshop_id=row.id,
                name=name.strip(),
                department=department.strip(),
                role=role.value,
                token=token,
                created_at=app.clock(),
            )
        )

    command = Join(name=name, department=department)
    outcome = await room.submit(
        command, Actor(role, participant_id), participant_id, also=keep_token
    )
    if isinstance(outcome, Refusal):
        message = outcome.render(lambda msgid: i18n.gettext(language_of(request), msgid))
        return JSONResponse({"ok": False, "code": outcome.code, "error": message}, status_code=409)
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
    remember(response, Role.PARTICIPANT, row.id, token)
    return response


routes = [Route("/join/{code}", join, methods=["POST"])]
