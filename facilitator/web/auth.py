"""Who is this? Tokens from a link (``?token=``) are moved into a cookie per workshop and role.

No accounts: the facilitator and projector hold secret links; a participant holds the token
issued when they joined. Cookies are HttpOnly and SameSite=Lax, so another site cannot
post commands with them.

Ids and tokens have known shapes, checked before anything is looked up: a workshop's or a
person's id is a UUID in hex (32 characters), a token what ``secrets.token_urlsafe`` makes.
Anything else is no id or token of ours: "not found" or "not allowed", never a query.
"""

from __future__ import annotations

import hmac
import re

from sqlmodel import Session
from starlette.requests import HTTPConnection
from starlette.responses import Response

from facilitator.agenda import Role
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.store.tables import Workshop
from facilitator.store.workshops import participant_by_token

COOKIE_MAX_AGE = 60 * 60 * 24 * 90  # the programme runs two months
_ID = re.compile(r"[0-9a-f]{32}")  # uuid.uuid4().hex
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # secrets.token_urlsafe(12 to 48)


def is_id(text: str) -> bool:
    """Whether ``text`` has the shape of our ids (workshops, people, reflections)."""
    return _ID.fullmatch(text) is not None


def is_token(text: str) -> bool:
    """Whether ``text`` has the shape of our tokens (facilitator, projector, personal,
    reflection links)."""
    return _TOKEN.fullmatch(text) is not None


def cookie_name(role: Role, workshop_id: str) -> str:
    return f"{role.value}-{workshop_id}"


def remember(response: Response, role: Role, workshop_id: str, token: str) -> None:
    response.set_cookie(
        cookie_name(role, workshop_id),
        token,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="lax",
        path="/",
    )


def presented_token(connection: HTTPConnection, role: Role, workshop_id: str) -> str | None:
    """A token from the query, the Authorization header or the role's cookie (the first
    one found), if it has a token's shape; None if there is none, or it has not."""
    token = connection.query_params.get("token")
    if not token:
        header = connection.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            token = header[7:].strip()
        else:
            token = connection.cookies.get(cookie_name(role, workshop_id))
    return token if token and is_token(token) else None


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def staff_actor(connection: HTTPConnection, workshop: Workshop) -> Actor | None:
    """The facilitator or the projector, if the connection proves to be one."""
    if _same(
        presented_token(connection, Role.FACILITATOR, workshop.id), workshop.facilitator_token
    ):
        return FACILITATOR
    if _same(presented_token(connection, Role.PROJECTOR, workshop.id), workshop.projector_token):
        return Actor(Role.PROJECTOR)
    return None


def participant_token(connection: HTTPConnection, workshop_id: str) -> str | None:
    return presented_token(connection, Role.PARTICIPANT, workshop_id)


def actor_for(connection: HTTPConnection, session: Session, workshop: Workshop) -> Actor | None:
    """Whoever the connection proves to be: facilitator, projector, participant or leader."""
    actor = staff_actor(connection, workshop)
    if actor is not None:
        return actor
    token = participant_token(connection, workshop.id)
    if not token:
        return None
    person = participant_by_token(session, workshop_id=workshop.id, token=token)
    return None if person is None else Actor(Role(person.role), person.id)
