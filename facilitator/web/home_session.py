"""Whether a browser is signed in to the facilitator's home page (``store.home``).

The home page holds every programme's links and codes, so a browser signed in to it is the
facilitator of every workshop: ``web.pages.who`` takes it as such where the facilitator is
asked for (the agenda editor, the exports, the console without its own token). Its cookie is
HttpOnly and SameSite=Strict: no other site's page, link or form can make the browser send it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.requests import HTTPConnection
from starlette.responses import Response

from facilitator.store import home
from facilitator.store.db import session_scope
from facilitator.web.auth import COOKIE_MAX_AGE, is_token

COOKIE = "facilitator-home"


def presented(connection: HTTPConnection) -> str | None:
    """The home cookie's secret, if it has the shape of one."""
    token = connection.cookies.get(COOKIE)
    return token if token and is_token(token) else None


def signed_in(engine: Engine, connection: HTTPConnection, now: datetime) -> bool:
    """Blocking (a database read): call it in a worker thread, outside any other session."""
    if presented(connection) is None:
        return False
    with session_scope(engine) as session:
        return signed_in_within(session, connection, now)


def signed_in_within(session: Session, connection: HTTPConnection, now: datetime) -> bool:
    """The same, in the caller's session (SQLite has one writer: never nest two)."""
    token = presented(connection)
    return token is not None and home.signed_in(session, token=token, now=now)


def remember(response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE, token, max_age=COOKIE_MAX_AGE, httponly=True, samesite="strict", path="/"
    )


def forget(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
