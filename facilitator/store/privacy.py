"""Personal data after the programme: a person's own export, anonymisation, and moving a
person's identity to a new device.

A person's rows in the programme's workshops are joined only by proven links: a later row
points at the home reflection its device proved to be its own when it joined
(``reflections.proven_reflection``). Following those links, and nothing else, gives the
person's rows (``linked_people``): what they download, what is erased, what moves.

Anonymising keeps every idea (the room's work is not the person's to take away) but removes
the name and department, marks their ideas anonymous, empties their home reflection and
invalidates their token. The journal is rewritten for those fields only: erasure is the one
case where history may change, and it changes nothing else.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from facilitator.core.board_state import ANONYMOUS
from facilitator.store.tables import JournalEntry, Participant, RecoveryLink, Reflection

RECOVERY_LIFETIME = timedelta(days=7)


def linked_people(session: Session, *, participant_id: str) -> list[Participant]:
    """The person's rows in every workshop of the programme, joined by proven reflection
    links only (a row and the reflection it wrote or brought, and so on, transitively)."""
    person = session.get(Participant, participant_id)
    if person is None:
        return []
    people = {person.id: person}
    seen: set[str] = set()
    frontier = [person]
    while frontier:
        here = frontier.pop()
        written = session.exec(
            select(Reflection.id).where(Reflection.participant_id == here.id)
        ).all()
        reflection_ids = {r for r in (here.reflection_id, *written) if r} - seen
        seen |= reflection_ids
        for reflection_id in reflection_ids:
            reflection = session.get(Reflection, reflection_id)
            writer = session.get(Participant, reflection.participant_id) if reflection else None
            brought = session.exec(
                select(Participant).where(Participant.reflection_id == reflection_id)
            ).all()
            for other in [writer, *brought]:
                if (
                    other is not None
                    and other.id not in people
                    and other.programme_id == person.programme_id
                ):
                    people[other.id] = other
                    frontier.append(other)
    return list(people.values())


def own_data(session: Session, *, participant_id: str) -> dict[str, Any]:
    """Everything stored about a person, for them to take away."""
    people = linked_people(session, participant_id=participant_id)
    ids = [p.id for p in people]
    entries = session.exec(
        select(JournalEntry)
        .where(col(JournalEntry.actor_id).in_(ids))
        .order_by(col(JournalEntry.workshop_id), col(JournalEntry.seq))
    ).all()
    reflections = session.exec(
        select(Reflection).where(col(Reflection.participant_id).in_(ids))
    ).all()
    return {
        "people": [
            {
                "workshop": p.workshop_id,
                "name": p.name,
                "department": p.department,
                "role": p.role,
                "joined_at": p.created_at.isoformat(),
            }
            for p in people
        ],
        "ideas": [
            {
                "workshop": e.workshop_id,
                "text": e.payload.get("text"),
                "board": e.payload.get("board"),
                "at": e.at.isoformat(),
            }
            for e in entries
            if e.type == "idea_posted"
        ],
        "actions": [
            {"workshop": e.workshop_id, "type": e.type, "at": e.at.isoformat()} for e in entries
        ],
        "reflections": [
            {"text": r.text, "shared": r.share, "updated_at": r.updated_at.isoformat()}
            for r in reflections
        ],
    }


def anonymise(session: Session, *, participant_id: str) -> dict[str, list[str]]:
    """Anonymise a person everywhere; returns workshop id → the person's ids there (sorted),
    for the rooms to reload and to journal the erasure (so every client hears of it)."""
    people = linked_people(session, participant_id=participant_id)
    ids = {p.id for p in people}
    # A recovery link made before must not bring the person's place back.
    session.exec(delete(RecoveryLink).where(col(RecoveryLink.participant_id).in_(ids)))
    for person in people:
        person.name, person.department = ANONYMOUS, ""
        person.token = secrets.token_urlsafe(24)  # their phone's link stops working
        session.add(person)
    for reflection in session.exec(
        select(Reflection).where(col(Reflection.participant_id).in_(ids))
    ):
        reflection.text, reflection.share = "", False
        session.add(reflection)
    workshops = {p.workshop_id for p in people}
    entries = session.exec(
        select(JournalEntry).where(
            col(JournalEntry.workshop_id).in_(workshops),
            col(JournalEntry.type).in_(("participant_joined", "idea_posted")),
        )
    )
    for entry in entries:
        payload = dict(entry.payload)
        if entry.type == "participant_joined" and payload.get("participant") in ids:
            payload |= {"name": ANONYMOUS, "department": ""}
        elif entry.type == "idea_posted" and payload.get("author") in ids:
            payload["anonymous"] = True
        else:
            continue
        entry.payload = payload  # a new dict, so the JSON column sees the change
        session.add(entry)
    session.flush()
    erased: dict[str, list[str]] = {}
    for person in people:
        erased.setdefault(person.workshop_id, []).append(person.id)
    return {workshop: sorted(found) for workshop, found in erased.items()}


# --- a new device for a person who lost theirs ------------------------------------------------


def _hashed(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_recovery(session: Session, *, participant: Participant, now: datetime) -> str:
    """A fresh one-time recovery link's secret for ``participant`` (only its hash is kept).

    It works once, for ``RECOVERY_LIFETIME``; links made for the person before stop working.
    """
    ids = [p.id for p in linked_people(session, participant_id=participant.id)]
    session.exec(delete(RecoveryLink).where(col(RecoveryLink.participant_id).in_(ids)))
    token = secrets.token_urlsafe(24)
    session.add(
        RecoveryLink(
            token_hash=_hashed(token),
            participant_id=participant.id,
            created_at=now,
            expires_at=now + RECOVERY_LIFETIME,
        )
    )
    session.flush()
    return token


def recovery_link(session: Session, *, token: str) -> RecoveryLink | None:
    return session.get(RecoveryLink, _hashed(token))


def usable(link: RecoveryLink, *, now: datetime) -> bool:
    return link.used_at is None and now < link.expires_at


def redeem_recovery(session: Session, *, token: str, now: datetime) -> list[Participant] | None:
    """Spend a recovery link: every row of its person gets a new token (their old device's
    tokens stop working), returned for the new device to keep. None if the link is unknown,
    spent or expired (also when two devices race for it: one wins)."""
    link = recovery_link(session, token=token)
    if link is None or not usable(link, now=now):
        return None
    spent = session.exec(
        update(RecoveryLink)
        .where(col(RecoveryLink.token_hash) == link.token_hash, col(RecoveryLink.used_at).is_(None))
        .values(used_at=now)
    )
    if spent.rowcount != 1:
        return None
    people = linked_people(session, participant_id=link.participant_id)
    for person in people:
        person.token = secrets.token_urlsafe(24)
        session.add(person)
    session.flush()
    return people
