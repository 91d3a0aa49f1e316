"""Reading the programme's catalogue out of earlier workshops, for a later one to open.

Proposals come from the boards of the source workshop (with their votes, group and theme);
decisions come from whichever workshop of the programme triaged them (the leaders' own).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from facilitator.agenda import VotePhase
from facilitator.core import visibility
from facilitator.core.catalogue_messages import ImportedEntry
from facilitator.core.workshop import WorkshopState
from facilitator.store.tables import Workshop
from facilitator.store.workshops import agenda_of, restore

_DECISION_FIELDS = ("verdict", "priority", "owner", "timeline", "rationale")


def sources_for(
    session: Session, *, workshop: Workshop, keys: Iterable[str]
) -> dict[str, list[ImportedEntry]]:
    """Catalogue source key ("staff-day-1", or "all") → its entries, decisions included."""
    if workshop.programme_id is None:
        return {}
    others = list(
        session.exec(
            select(Workshop)
            .where(Workshop.programme_id == workshop.programme_id, Workshop.id != workshop.id)
            .order_by(col(Workshop.position))
        ).all()
    )
    states = {w.id: restore(session, workshop=w) for w in others}
    result: dict[str, list[ImportedEntry]] = {}
    for key in keys:
        earlier = [w for w in others if w.position < workshop.position]
        chosen = earlier if key == "all" else [w for w in earlier if w.key == key]
        entries = [e for w in chosen for e in _proposals(w, states[w.id])]
        result[key] = [_with_decisions(e, others, states) for e in entries]
    return result


def _proposals(workshop: Workshop, state: WorkshopState) -> list[ImportedEntry]:
    agenda = agenda_of(workshop)
    votes: dict[str, int] = {}
    for phase in agenda.phases:
        if isinstance(phase, VotePhase):
            for idea, count in state.board.tally(phase.key).items():
                votes[idea] = votes.get(idea, 0) + count
    themes = state.board.themes
    return [
        ImportedEntry(
            id=f"{workshop.id}:{idea.id}",
            text=idea.text,
            origin=workshop.key,
            group=idea.group,
            votes=votes.get(idea.id, 0),
            theme=themes[idea.theme].name if idea.theme and idea.theme in themes else None,
        )
        for idea in visibility.WALL.ideas(state.board)  # what the room saw becomes proposals
    ]


def _with_decisions(
    entry: ImportedEntry, workshops: list[Workshop], states: dict[str, WorkshopState]
) -> ImportedEntry:
    """The latest decisions any workshop of the programme made on this proposal."""
    for workshop in reversed(workshops):
        decided = states[workshop.id].catalogue.entries.get(entry.id)
        if decided is not None and decided.verdict is not None:
            fields = {name: getattr(decided, name) for name in _DECISION_FIELDS}
            return entry.model_copy(update=fields)
    return entry
