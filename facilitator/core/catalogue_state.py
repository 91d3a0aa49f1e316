"""The catalogue's state: entries and their decisions, the panel's reveals, reactions and
questions, and how events change it.

Like the board's state every mapping is read-only and ``evolve`` copies what it changes. Which
events a command causes is decided in ``catalogue``, which also re-exports these names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from facilitator.core.catalogue_messages import (
    CatalogueEvent,
    CatalogueImported,
    DecisionRevealed,
    EntryTriaged,
    ImportedEntry,
    QuestionAsked,
    Reaction,
    ReactionToggled,
    TriageField,
    TriageValue,
    Verdict,
)
from facilitator.core.frozen import frozen, put

REACTIONS: tuple[Reaction, ...] = ("support", "question")


@dataclass(frozen=True)
class Revision:
    """One triage write: ``by`` is the leader's participant id, or "facilitator"."""

    field: TriageField
    value: TriageValue
    by: str
    at: datetime


@dataclass(frozen=True)
class Entry:
    id: str
    text: str
    origin: str  # the workshop the proposal came from
    group: str | None
    votes: int
    theme: str | None
    verdict: Verdict | None = None
    priority: int | None = None
    owner: str | None = None
    timeline: str | None = None  # "2027-03" or "2027-Q2"
    rationale: str = ""
    revealed: bool = False
    history: tuple[Revision, ...] = ()  # every triage write, oldest first


@dataclass(frozen=True)
class Question:
    id: str
    entry: str | None
    text: str
    by: str
    at: datetime


@dataclass(frozen=True)
class CatalogueState:
    entries: Mapping[str, Entry]  # in the order imported
    imported: frozenset[str]  # source keys already imported
    revealed_order: tuple[str, ...]
    reactions: Mapping[str, Mapping[str, frozenset[str]]]  # entry → reaction → participant ids
    questions: tuple[Question, ...]  # in the order asked

    @classmethod
    def empty(cls) -> CatalogueState:
        return cls(frozen({}), frozenset(), (), frozen({}), ())

    def by_verdict(self) -> dict[Verdict, list[Entry]]:
        """Every verdict (each present, perhaps empty) → its entries, by priority (unset last),
        then in the order imported. Entries without a verdict are left out."""
        grouped: dict[Verdict, list[Entry]] = {verdict: [] for verdict in Verdict}
        for entry in self._ranked(self.entries.values()):
            if entry.verdict is not None:
                grouped[entry.verdict].append(entry)
        return grouped

    def timeline(self) -> dict[str, list[Entry]]:
        """Period → the entries to start now planned for it, periods in time order (a quarter
        at its first month, before that month), entries ranked as in ``by_verdict``. Entries
        to start now without a timeline are left out."""
        planned = [
            entry
            for entry in self.entries.values()
            if entry.verdict is Verdict.START_NOW and entry.timeline is not None
        ]
        periods: dict[str, list[Entry]] = {}
        for entry in self._ranked(planned):
            assert entry.timeline is not None
            periods.setdefault(entry.timeline, []).append(entry)
        return {period: periods[period] for period in sorted(periods, key=period_key)}

    def reaction_counts(self, entry: str) -> dict[str, int]:
        """Reaction → how many people gave it, every reaction present."""
        given = self.reactions.get(entry, {})
        return {reaction: len(given.get(reaction, frozenset())) for reaction in REACTIONS}

    def reacted(self, entry: str, reaction: str, participant: str) -> bool:
        return participant in self.reactions.get(entry, {}).get(reaction, frozenset())

    def _ranked(self, entries: Iterable[Entry]) -> list[Entry]:
        order = {key: index for index, key in enumerate(self.entries)}
        return sorted(entries, key=lambda e: (e.priority is None, e.priority or 0, order[e.id]))


def period_key(period: str) -> tuple[int, int, int]:
    """Sorts "2027-03" and "2027-Q2" in time order: (year, first month, quarter before month)."""
    year, _, part = period.partition("-")
    if part.startswith("Q"):
        return (int(year), (int(part[1:]) - 1) * 3 + 1, 0)
    return (int(year), int(part), 1)


# --- evolving ---------------------------------------------------------------------------


def evolve(state: CatalogueState, event: CatalogueEvent) -> CatalogueState:
    """The state after an event. Total: replaying the journal rebuilds the state."""
    match event:
        case CatalogueImported(source=source, entries=imported):
            # An id already in the catalogue keeps its entry: the first import of it wins.
            entries = dict(state.entries)
            for item in imported:
                entries.setdefault(item.id, _entry(item))
            return replace(state, entries=frozen(entries), imported=state.imported | {source})
        case EntryTriaged(entry=key, field=field, value=value, by=by, at=at):
            entry = state.entries[key]
            history = (*entry.history, Revision(field, value, by, at))
            changed = replace(_set(entry, field, value), history=history)
            return replace(state, entries=put(state.entries, key, changed))
        case DecisionRevealed(entry=key):
            revealed = replace(state.entries[key], revealed=True)
            return replace(
                state,
                entries=put(state.entries, key, revealed),
                revealed_order=(*state.revealed_order, key),
            )
        case ReactionToggled(entry=key, reaction=reaction, by=by, on=on):
            given = state.reactions.get(key, frozen({}))
            people = given.get(reaction, frozenset())
            people = people | {by} if on else people - {by}
            return replace(state, reactions=put(state.reactions, key, put(given, reaction, people)))
        case QuestionAsked(question=qid, entry=key, text=text, by=by, at=at):
            question = Question(qid, key, text, by, at)
            return replace(state, questions=(*state.questions, question))
    raise AssertionError(f"unhandled event {event!r}")  # pragma: no cover


def _set(entry: Entry, field: TriageField, value: TriageValue) -> Entry:
    match field, value:
        case "verdict", str() as verdict:
            return replace(entry, verdict=Verdict(verdict))
        case "priority", (int() | None) as priority:
            return replace(entry, priority=priority)
        case "owner", (str() | None) as owner:
            return replace(entry, owner=owner)
        case "timeline", (str() | None) as timeline:
            return replace(entry, timeline=timeline)
        case "rationale", str() as rationale:
            return replace(entry, rationale=rationale)
    raise AssertionError(f"bad {field} {value!r}")  # pragma: no cover


def _entry(item: ImportedEntry) -> Entry:
    return Entry(
        id=item.id,
        text=item.text,
        origin=item.origin,
        group=item.group,
        votes=item.votes,
        theme=item.theme,
        verdict=item.verdict,
        priority=item.priority,
        owner=item.owner,
        timeline=item.timeline,
        rationale=item.rationale,
    )
