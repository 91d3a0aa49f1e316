"""The facilitator's secret: one-time sign-in links, and the browsers signed in with one.

``facilitator serve`` makes the first link at its first start (``first_link``) and prints it;
``facilitator links`` makes a fresh one whenever it is asked (``new_link``). Opening a link
spends it (``spend``) for a session: a second secret that the browser keeps in an HttpOnly
cookie. Only SHA-256 hashes of either are stored, so the database alone lets nobody in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from facilitator.store.tables import HomeLink, HomeSession

LINK_LIFETIME = timedelta(days=7)
SESSION_LIFETIME = timedelta(days=90)  # the programme runs two months


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_link(session: Session, *, now: datetime) -> str:
    """A fresh one-time link's secret (the earlier ones stay valid until used or expired)."""
    secret = secrets.token_urlsafe(24)
    session.add(HomeLink(token_hash=_hash(secret), created_at=now, expires_at=now + LINK_LIFETIME))
    session.flush()
    return secret


def first_link(session: Session, *, now: datetime) -> str | None:
    """The first link ever, or None when one was made before (a later start of the server)."""
    if session.exec(select(HomeLink.token_hash).limit(1)).first() is not None:
        return None
    return new_link(session, now=now)


def spend(session: Session, *, secret: str, now: datetime) -> str | None:
    """The new session's secret for a link that is valid, spending the link; else None."""
    link = session.get(HomeLink, _hash(secret))
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    link.used_at = now
    session.add(link)
    token = secrets.token_urlsafe(32)
    session.add(
        HomeSession(token_hash=_hash(token), created_at=now, expires_at=now + SESSION_LIFETIME)
    )
    # Old sessions and links need not be kept.
    session.exec(delete(HomeSession).where(col(HomeSession.expires_at) <= now))
    session.flush()
    return token


def link_state(session: Session, *, secret: str, now: datetime) -> str:
    """``valid``, ``used`` (or expired) or ``unknown``: what opening the link would find."""
    link = session.get(HomeLink, _hash(secret))
    if link is None:
        return "unknown"
    return "valid" if link.used_at is None and link.expires_at > now else "used"


def signed_in(session: Session, *, token: str, now: datetime) -> bool:
    found = session.get(HomeSession, _hash(token))
    return found is not None and found.expires_at > now


def sign_out(session: Session, *, token: str) -> None:
    found = session.get(HomeSession, _hash(token))
    if found is not None:
        session.delete(found)
        session.flush()
