"""Home reflections: one private text per person, kept until their next workshop starts.

A reflection belongs to the participant who wrote it and to their rows in later workshops
that are linked to it. A later row is linked only when the device that joined proved to be
the writer's, by presenting that participant's token (``proven_reflection``); nothing else,
no cookie or link, joins two rows.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from facilitator.store.tables import Participant, Reflection, Workshop
from facilitator.store.workshops import participant_by_token

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


def holders(session: Session, *, reflection: Reflection) -> list[Participant]:
    """The rows of the reflection's person: its writer, and their later rows linked to it."""
    people = list(
        session.exec(select(Participant).where(Participant.reflection_id == reflection.id))
    )
    writer = session.get(Participant, reflection.participant_id)
    return [writer, *people] if writer is not None else people


def proven_reflection(
    session: Session, *, workshop: Workshop, token_for: Callable[[str], str | None]
) -> Reflection | None:
    """The home reflection a device proves to be its own as it joins ``workshop``.

    ``token_for(workshop_id)`` is the participant token the device presents for an earlier
    workshop of the programme. The device proves the reflection its own when that token is
    the token of the participant who wrote it there (or whose row there is linked to it in
    turn). The most recent earlier workshop wins.
    """
    if workshop.programme_id is None:
        return None
    earlier = session.exec(
        select(Workshop)
        .where(
            Workshop.programme_id == workshop.programme_id, Workshop.position < workshop.position
        )
        .order_by(col(Workshop.position).desc())
    ).all()
    for row in earlier:
        token = token_for(row.id)
        person = participant_by_token(session, workshop_id=row.id, token=token) if token else None
        if person is None:
            continue
        own = session.exec(select(Reflection).where(Reflection.participant_id == person.id)).first()
        if own is not None:
            return own
        if person.reflection_id is not None:
            linked = session.get(Reflection, person.reflection_id)
            if linked is not None:
                return linked
    return None


def of_people(session: Session, *, people: Iterable[Participant]) -> Reflection | None:
    """The home reflection of one person's rows: one they wrote, else one they brought."""
    people = list(people)
    ids = [p.id for p in people]
    own = session.exec(select(Reflection).where(col(Reflection.participant_id).in_(ids))).first()
    if own is not None:
        return own
    brought = next((p.reflection_id for p in people if p.reflection_id), None)
    return session.get(Reflection, brought) if brought else None
