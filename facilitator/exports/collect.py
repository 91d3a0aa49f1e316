"""Collecting what an export shows: the catalogue of a workshop (or of a programme's latest
one), read from the store into the plain ``ExportData`` the formats take."""

from __future__ import annotations

from sqlmodel import Session, col, select

from facilitator.agenda import Text
from facilitator.clock import Clock
from facilitator.core.groups import group_number
from facilitator.i18n import gettext
from facilitator.store.tables import ProgrammeRow, Workshop
from facilitator.store.workshops import agenda_of, departments_of, restore

from ._data import CatalogueRow, ExportData


class NothingToExport(Exception):
    """No workshop or programme by that id."""


def find_target(session: Session, *, target: str) -> Workshop:
    """A workshop by id, or the programme's latest workshop that holds a catalogue."""
    workshop = session.get(Workshop, target)
    if workshop is not None:
        return workshop
    programme = (
        session.get(ProgrammeRow, target)
        or session.exec(
            select(ProgrammeRow)
            .where(ProgrammeRow.key == target)
            .order_by(col(ProgrammeRow.created_at).desc())
        ).first()
    )
    if programme is None:
        raise NothingToExport(target)
    workshops = session.exec(
        select(Workshop)
        .where(Workshop.programme_id == programme.id)
        .order_by(col(Workshop.position).desc())
    ).all()
    for candidate in workshops:
        if restore(session, workshop=candidate).catalogue.entries:
            return candidate
    if not workshops:
        raise NothingToExport(target)
    return workshops[0]


def export_data(session: Session, *, workshop: Workshop, language: str, clock: Clock) -> ExportData:
    state = restore(session, workshop=workshop)
    programme = session.get(ProgrammeRow, workshop.programme_id) if workshop.programme_id else None
    siblings = (
        session.exec(select(Workshop).where(Workshop.programme_id == programme.id)).all()
        if programme
        else [workshop]
    )
    titles = {w.key: agenda_of(w).title.get(language) for w in siblings}
    departments = {
        key: Text.model_validate(name).get(language)
        for key, name in departments_of(session, workshop=workshop).items()
    }
    group_label = gettext(language, "Group {group}")
    rows = tuple(
        CatalogueRow(
            id=entry.id,
            text=entry.text,
            origin=entry.origin,
            origin_title=titles.get(entry.origin, entry.origin),
            group=group_label.format(group=group_number(entry.group)) if entry.group else None,
            votes=entry.votes,
            theme=entry.theme,
            verdict=entry.verdict.value if entry.verdict else None,
            priority=entry.priority,
            owner=departments.get(entry.owner, entry.owner) if entry.owner else None,
            timeline=entry.timeline,
            rationale=entry.rationale,
            revealed=entry.revealed,
        )
        for entry in state.catalogue.entries.values()
    )
    spec_title = Text.model_validate(programme.spec["title"]) if programme else None
    return ExportData(
        programme_title=spec_title.get(language)
        if spec_title
        else agenda_of(workshop).title.get(language),
        organisation=str(programme.spec.get("organisation", "")) if programme else "",
        generated_at=clock(),
        language=language,
        rows=rows,
    )
