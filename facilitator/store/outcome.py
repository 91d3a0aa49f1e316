"""What the outcome page ("you said, we did") reads: the workshop that holds the programme's
catalogue, who is asking, and which proposals are theirs.

A person is recognised by their own tokens only: the participant cookie of the workshop
asked about or of a later one of its programme. Which proposals are theirs follows the links
a device proved (``store.people``: the pseudonym a joining device carried on, and the home
reflection it brought), never a name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlmodel import Session, col, select

from facilitator.core import outcome
from facilitator.store.people import people_of
from facilitator.store.tables import Participant, Workshop
from facilitator.store.workshops import agenda_of, participant_by_token, restore


def programme_workshops(session: Session, *, workshop: Workshop) -> list[Workshop]:
    if workshop.programme_id is None:
        return [workshop]
    return list(
        session.exec(
            select(Workshop)
            .where(Workshop.programme_id == workshop.programme_id)
            .order_by(col(Workshop.position))
        ).all()
    )


def catalogue_workshop(session: Session, *, workshop: Workshop) -> Workshop | None:
    """The programme's last workshop that decides on the catalogue (a panel or a triage)."""
    for row in reversed(programme_workshops(session, workshop=workshop)):
        if outcome.holds_catalogue(agenda_of(row)):
            return row
    return None


def viewer(
    session: Session,
    *,
    workshop: Workshop,
    token_for: Callable[[str], str | None],
    later: bool = True,
    role: str | None = None,
) -> Participant | None:
    """The person whose token (``token_for(workshop_id)``) proves a row in ``workshop`` or,
    with ``later``, in a later workshop of its programme (without: in any of them); with
    ``role``, only a row of that role."""
    for row in programme_workshops(session, workshop=workshop):
        if later and row.position < workshop.position and row.id != workshop.id:
            continue
        token = token_for(row.id)
        person = participant_by_token(session, workshop_id=row.id, token=token) if token else None
        if person is not None and (role is None or person.role == role):
            return person
    return None


def same_person(session: Session, *, participant: Participant) -> set[str]:
    """Every row of the programme that is this person's, as the proven links join them."""
    if participant.programme_id is None:
        return {participant.id}
    roots = people_of(session, programme_id=participant.programme_id)
    mine = roots.get(participant.id, participant.id)
    return {pid for pid, root in roots.items() if root == mine} | {participant.id}


def authors(session: Session, *, entries: Iterable[str]) -> dict[str, str]:
    """Catalogue entry id (``{workshop}:{idea}``) → the participant id of its idea's author."""
    by_workshop: dict[str, list[str]] = {}
    for entry in entries:
        workshop_id, _, idea = entry.partition(":")
        if idea:
            by_workshop.setdefault(workshop_id, []).append(idea)
    found: dict[str, str] = {}
    for workshop_id, ideas in by_workshop.items():
        row = session.get(Workshop, workshop_id)
        if row is None:
            continue
        board = restore(session, workshop=row).board
        for idea in ideas:
            posted = board.ideas.get(idea)
            if posted is not None:
                found[f"{workshop_id}:{idea}"] = posted.author
    return found
