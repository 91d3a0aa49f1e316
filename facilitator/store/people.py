"""One person across the programme's workshops, under a pseudonym.

A person has a row in every workshop they join. Rows are the same person's only when a device
proved it: as it joined a later workshop it presented the participant token of an earlier
row (``proven_earlier``). The join records that by giving the new row the earlier row's
pseudonym (``link_person``); the home reflection a device brings along links rows too
(``Participant.reflection_id``). Nothing else, no name or department, joins two rows.

How web/join.py fills it (in the transaction that adds the new row)::

    earlier = people.proven_earlier(session, workshop=row, token_for=lambda w: ...)
    people.link_person(session, participant=new_row, continues=None if replacing else earlier)

``pseudonyms`` reads the links back for the pulse: rows that share a pseudonym, or that a
home reflection joins, are one person, named by a label that says nothing of who they are.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable

from sqlmodel import Session, col, select

from facilitator.store.tables import Participant, Reflection, Workshop
from facilitator.store.workshops import participant_by_token


def new_pseudonym() -> str:
    return uuid.uuid4().hex


def proven_earlier(
    session: Session, *, workshop: Workshop, token_for: Callable[[str], str | None]
) -> Participant | None:
    """The row in an earlier workshop of the programme whose token the joining device presents
    (``token_for(workshop_id)``); the most recent such workshop wins."""
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
        if person is not None:
            return person
    return None


def link_person(
    session: Session, *, participant: Participant, continues: Participant | None
) -> str:
    """Give a (new) row its pseudonym: the one of the earlier row it continues, if the device
    proved that (an earlier row without one gets one now, shared), else a fresh one."""
    same_programme = continues is not None and continues.programme_id == participant.programme_id
    if continues is not None and same_programme:
        if continues.person is None:
            continues.person = new_pseudonym()
            session.add(continues)
        participant.person = continues.person
    elif participant.person is None:
        participant.person = new_pseudonym()
    session.add(participant)
    session.flush()
    assert participant.person is not None
    return participant.person


def pseudonyms(session: Session, *, programme_id: str, salt: str | None = None) -> dict[str, str]:
    """Participant id → a label for the person ("P-3f9c0a1b"), the same for every row of theirs.

    The label is a salted hash: without ``salt`` a fresh one each time, so labels from two
    reads cannot be matched, nor a label be computed from an id someone has seen.
    """
    roots = people_of(session, programme_id=programme_id)
    pepper = salt if salt is not None else secrets.token_hex(16)
    return {pid: _label(pepper, root) for pid, root in roots.items()}


def people_of(session: Session, *, programme_id: str) -> dict[str, str]:
    """Participant id → one id that stands for the person (the same for every row of theirs):
    rows that share a pseudonym, or that a home reflection joins, are one person."""
    rows = session.exec(select(Participant).where(Participant.programme_id == programme_id)).all()
    parent = {row.id: row.id for row in rows}

    def root(pid: str) -> str:
        while parent[pid] != pid:
            parent[pid] = parent[parent[pid]]
            pid = parent[pid]
        return pid

    def join(a: str, b: str) -> None:
        first, second = sorted((root(a), root(b)))
        parent[second] = first

    by_person: dict[str, str] = {}
    for row in rows:
        if row.person is not None:
            join(row.id, by_person.setdefault(row.person, row.id))
    writers = dict(
        session.exec(
            select(Reflection.id, Reflection.participant_id).where(
                Reflection.programme_id == programme_id
            )
        ).all()
    )
    for row in rows:
        writer = writers.get(row.reflection_id) if row.reflection_id else None
        if writer in parent and writer is not None:
            join(row.id, writer)
    return {row.id: root(row.id) for row in rows}


def _label(salt: str, person: str) -> str:
    return "P-" + hashlib.sha256(f"{salt}:{person}".encode()).hexdigest()[:8]
