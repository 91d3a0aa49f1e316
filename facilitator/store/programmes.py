"""Creating a programme and its workshops in the database, and the links to hand out."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import Engine

from facilitator.agenda import Programme
from facilitator.clock import Clock
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
