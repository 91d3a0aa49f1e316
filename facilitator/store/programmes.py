"""Programmes and their workshops: creating them (with the links to hand out), and what the
facilitator's home page does with them: list, rename, schedule, add a workshop, archive and
delete with all their data."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from facilitator.agenda import Agenda, Programme, Text
from facilitator.clock import Clock
from facilitator.core.machine import Status
from facilitator.store import tables, workshops
from facilitator.store.db import session_scope


@dataclass(frozen=True)
class WorkshopLinks:
    key: str
    title: str
    workshop_id: str
    join_code: str
    leader_code: str
    guest_code: str | None  # every workshop has one (migration 0004 gave the older ones theirs)
    facilitator: str
    participant: str
    projector: str
    programme_id: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def links_for(row: tables.Workshop, title: str, base_url: str) -> WorkshopLinks:
    return WorkshopLinks(
        key=row.key,
        title=title,
        workshop_id=row.id,
        join_code=row.join_code,
        leader_code=row.leader_code,
        guest_code=row.guest_code,
        facilitator=f"{base_url}/w/{row.id}/facilitator?token={row.facilitator_token}",
        participant=f"{base_url}/join/{row.join_code}",
        projector=f"{base_url}/w/{row.id}/projector?token={row.projector_token}",
        programme_id=row.programme_id or "",
    )


def create_programme(
    engine: Engine, programme: Programme, *, clock: Clock, base_url: str, language: str = "da"
) -> list[WorkshopLinks]:
    """One transaction: the programme row and every workshop in programme order."""
    now = clock()
    links = []
    with session_scope(engine) as session:
        row = tables.ProgrammeRow(
            id=workshops.new_id(),
            key=programme.key,
            spec=programme.model_dump(mode="json", exclude={"workshops"}),
            created_at=now,
        )
        session.add(row)
        session.flush()
        for position, spec in enumerate(programme.workshops):
            workshop = workshops.create_workshop(
                session, agenda=spec.agenda, now=now, programme_id=row.id, position=position
            )
            links.append(links_for(workshop, spec.agenda.title.get(language), base_url))
    return links


# --- the facilitator's home page --------------------------------------------------------

LIVE = (Status.RUNNING.value, Status.PAUSED.value)  # a workshop under way


class StillRunning(Exception):
    """A programme whose workshop is under way cannot be deleted; carries the workshop's key."""


@dataclass(frozen=True)
class ProgrammeView:
    row: tables.ProgrammeRow
    workshops: list[tables.Workshop]  # in programme order

    @property
    def title(self) -> Text:
        return Text.model_validate(self.row.spec["title"])


def programmes(session: Session) -> list[ProgrammeView]:
    """Every programme, newest first, with its workshops in order."""
    rows = session.exec(
        select(tables.ProgrammeRow).order_by(col(tables.ProgrammeRow.created_at).desc())
    ).all()
    found = session.exec(select(tables.Workshop).order_by(col(tables.Workshop.position))).all()
    by_programme: dict[str | None, list[tables.Workshop]] = {}
    for workshop in found:
        by_programme.setdefault(workshop.programme_id, []).append(workshop)
    return [ProgrammeView(row, by_programme.get(row.id, [])) for row in rows]


def programme(session: Session, *, programme_id: str) -> ProgrammeView | None:
    row = session.get(tables.ProgrammeRow, programme_id)
    if row is None:
        return None
    found = session.exec(
        select(tables.Workshop)
        .where(tables.Workshop.programme_id == programme_id)
        .order_by(col(tables.Workshop.position))
    ).all()
    return ProgrammeView(row, list(found))


def find(session: Session, *, target: str) -> list[ProgrammeView]:
    """The programmes a command line names: by id, or every one with that key."""
    by_id = programme(session, programme_id=target)
    if by_id is not None:
        return [by_id]
    return [view for view in programmes(session) if view.row.key == target]


def rename(session: Session, *, programme_id: str, title: Text, organisation: str) -> bool:
    row = session.get(tables.ProgrammeRow, programme_id)
    if row is None:
        return False
    # A JSON column is written when it is assigned, not when the dict in it changes.
    spec: dict[str, Any] = {**row.spec, "title": title.model_dump(), "organisation": organisation}
    row.spec = spec
    session.add(row)
    session.flush()
    return True


def archive(session: Session, *, programme_id: str, archived: bool, now: datetime) -> bool:
    row = session.get(tables.ProgrammeRow, programme_id)
    if row is None:
        return False
    row.archived_at = now if archived else None
    session.add(row)
    session.flush()
    return True


def schedule(session: Session, *, workshop_id: str, starts_at: datetime | None) -> bool:
    """Set (or clear) when a workshop is planned to begin."""
    row = session.get(tables.Workshop, workshop_id)
    if row is None:
        return False
    row.starts_at = starts_at
    session.add(row)
    session.flush()
    return True


def add_workshop(
    session: Session, *, programme_id: str, agenda: Agenda, now: datetime
) -> tables.Workshop | None:
    """A new workshop at the end of the programme. Its key and title get the workshop's
    number (``workshop-2``, "Workshop 2") so that no two workshops of a programme share one."""
    view = programme(session, programme_id=programme_id)
    if view is None:
        return None
    taken = {w.key for w in view.workshops}
    key, da, en = (_unnumbered(text) for text in (agenda.key, agenda.title.da, agenda.title.en))
    number = len(view.workshops) + 1
    while f"{key}-{number}" in taken:
        number += 1
    numbered = agenda.model_copy(
        update={"key": f"{key}-{number}", "title": Text(da=f"{da} {number}", en=f"{en} {number}")}
    )
    position = max((w.position for w in view.workshops), default=-1) + 1
    return workshops.create_workshop(
        session, agenda=numbered, now=now, programme_id=programme_id, position=position
    )


def _unnumbered(text: str) -> str:
    """``workshop-1`` → ``workshop``, ``Workshop 1`` → ``Workshop``."""
    return re.sub(r"[- ][0-9]+$", "", text)


def delete_programme(session: Session, *, programme_id: str) -> list[str]:
    """Delete a programme and everything stored in it: its workshops, their journals and
    clocks, the people, their home reflections and recovery links. Returns the workshops'
    ids (empty: no such programme). Raises StillRunning if a workshop is under way."""
    view = programme(session, programme_id=programme_id)
    if view is None:
        return []
    running = [w.key for w in view.workshops if w.status in LIVE]
    if running:
        raise StillRunning(running[0])
    ids = [w.id for w in view.workshops]
    people = select(tables.Participant.id).where(
        col(tables.Participant.workshop_id).in_(ids)
        | (tables.Participant.programme_id == programme_id)
    )
    session.exec(
        delete(tables.RecoveryLink).where(col(tables.RecoveryLink.participant_id).in_(people))
    )
    session.exec(
        delete(tables.Reflection).where(
            col(tables.Reflection.workshop_id).in_(ids)
            | (tables.Reflection.programme_id == programme_id)
            | col(tables.Reflection.participant_id).in_(people)
        )
    )
    session.exec(delete(tables.Participant).where(col(tables.Participant.id).in_(people)))
    for table in (tables.Receipt, tables.JournalEntry, tables.PhaseRun):
        session.exec(delete(table).where(col(table.workshop_id).in_(ids)))
    session.exec(delete(tables.Workshop).where(col(tables.Workshop.id).in_(ids)))
    session.exec(delete(tables.ProgrammeRow).where(col(tables.ProgrammeRow.id) == programme_id))
    session.flush()
    return ids
