"""Who is this? Tokens from a link (``?token=``) are moved into a cookie per workshop and role.

No accounts: the facilitator and projector hold secret links; a participant holds the token
issued when they joined. Cookies are HttpOnly and SameSite=Lax, so another site cannot
post commands with them.
"""

from __future__ import annotations

import hmac

from sqlmodel import Session
from starlette.requests import HTTPConnection
from starlette.responses import Response

from facilitator.agenda import Role
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.store.tables import Workshop
from facilitator.store.workshops import participant_by_token

COOKIE_MAX_AGE = 60 * 60 * 24 * 90  # the programme runs two months


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
    """A token from the query, the Authorization header or the role's cookie."""
    token = connection.query_params.get("token")
    if token:
        return token
    header = connection.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return connection.cookies.get(cookie_name(role, workshop_id))


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
