"""Home reflections: one private text per person, kept until their next workshop starts."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from facilitator.store.tables import Participant, Reflection, Workshop

MAX_TEXT = 5000


def reflection_for(
    session: Session,
    *,
    participant: Participant,
    workshop: Workshop,
    prompt: dict[str, Any],
    now: datetime,
) -> Reflection:
    """The person's reflection, made on first use."""
    found = session.exec(
        select(Reflection).where(Reflection.participant_id == participant.id)
    ).first()
    if found is not None:
        return found
    reflection = Reflection(
        id=uuid.uuid4().hex,
        programme_id=workshop.programme_id,
        workshop_id=workshop.id,
        participant_id=participant.id,
        token=secrets.token_urlsafe(24),
        prompt=prompt,
        created_at=now,
        updated_at=now,
    )
    session.add(reflection)
    session.flush()
    return reflection


def by_token(session: Session, *, token: str) -> Reflection | None:
    return session.exec(select(Reflection).where(Reflection.token == token)).first()


def next_workshop(session: Session, *, workshop: Workshop) -> Workshop | None:
    """The programme's next workshop for the same audience (staff day 1 → staff day 2)."""
    if workshop.programme_id is None:
        return None
    later = session.exec(
        select(Workshop)
        .where(
            Workshop.programme_id == workshop.programme_id, Workshop.position > workshop.position
        )
        .order_by(col(Workshop.position))
    ).all()
    audience = workshop.agenda.get("audience")
    return next((w for w in later if w.agenda.get("audience") == audience), None)


def is_open(session: Session, *, reflection: Reflection) -> bool:
    """Writable until the next workshop of the same people starts."""
    origin = session.get(Workshop, reflection.workshop_id)
    following = None if origin is None else next_workshop(session, workshop=origin)
    return following is None or following.status == "lobby"


def save(
    session: Session, *, reflection: Reflection, text: str, share: bool, now: datetime
) -> Reflection:
    reflection.text = text
    reflection.share = share
    reflection.updated_at = now
    session.add(reflection)
    session.flush()
    return reflection


def earlier_reflection(session: Session, *, participant_id: str) -> Reflection | None:
    """The home reflection this participant wrote before this workshop (linked on joining)."""
    person = session.get(Participant, participant_id)
    if person is None or person.reflection_id is None:
        return None
    return session.get(Reflection, person.reflection_id)


def shared_in(session: Session, *, workshop_id: str) -> dict[str, str]:
    """Participant id (in this workshop) → reflection text they chose to share."""
    rows = session.exec(
        select(Participant.id, Reflection.text)
        .join(Reflection, col(Reflection.id) == col(Participant.reflection_id))
        .where(Participant.workshop_id == workshop_id, col(Reflection.share).is_(True))
    ).all()
    return {pid: text for pid, text in rows if text.strip()}
