"""Personal data after the programme: a person's own export, and anonymisation.

Anonymising keeps every idea (the room's work is not the person's to take away) but removes
the name and department, marks their ideas anonymous, empties their home reflection and
invalidates their token. The journal is rewritten for those fields only: erasure is the one
case where history may change, and it changes nothing else.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlmodel import Session, col, select

from facilitator.core.board_state import ANONYMOUS
from facilitator.store.tables import JournalEntry, Participant, Reflection


def linked_people(session: Session, *, participant_id: str) -> list[Participant]:
    """The person's rows in every workshop of the programme (linked by their reflection)."""
    person = session.get(Participant, participant_id)
    if person is None:
        return []
    own = session.exec(
        select(Reflection).where(Reflection.participant_id == participant_id)
    ).first()
    reflection_ids = {r for r in (person.reflection_id, own.id if own else None) if r}
    people = {person.id: person}
    if reflection_ids:
        for other in session.exec(
            select(Participant).where(col(Participant.reflection_id).in_(reflection_ids))
        ):
            people[other.id] = other
        for reflection in session.exec(
            select(Reflection).where(col(Reflection.id).in_(reflection_ids))
        ):
            found = session.get(Participant, reflection.participant_id)
            if found is not None:
                people[found.id] = found
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


def anonymise(session: Session, *, participant_id: str) -> dict[str, str]:
    """Anonymise a person everywhere; returns workshop id → the person's id there, for the
    rooms to reload and to journal the erasure (so every client hears of it)."""
    people = linked_people(session, participant_id=participant_id)
    ids = {p.id for p in people}
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
    return {p.workshop_id: p.id for p in people}
