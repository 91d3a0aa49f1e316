"""What became of a decision after the programme: started, done or postponed, with a note.

Leaders (and the facilitator) keep the staff informed once the panel is over: each decided
proposal of the catalogue can be marked started, done or postponed, with a short note. It is
journaled in the workshop that holds the catalogue, so it follows the same path as every other
change (docs/decisions.md, "What became of a decision is the catalogue workshop's"). Each
update replaces the last; every update is kept, oldest first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, StrictStr

from facilitator.agenda import Role
from facilitator.core.actors import Actor
from facilitator.core.board_rules import (
    BAD_CHARACTERS,
    NOT_JOINED,
    READ_ONLY,
    UNCHANGED,
    actor_id,
)
from facilitator.core.catalogue import LEADERS_ONLY, NO_ENTRY
from facilitator.core.catalogue_state import CatalogueState
from facilitator.core.errors import CONFLICT, INVALID, Refusal
from facilitator.core.frozen import frozen, put
from facilitator.core.text import storable

STATUSES = ("started", "done", "postponed")
NOTE_LIMIT = 280


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class UpdateInitiative(_Frozen):
    """``status`` travels as sent: the core answers a wrong one with a translated refusal."""

    type: Literal["update_initiative"] = "update_initiative"
    entry: str
    status: StrictStr
    note: StrictStr = ""


class InitiativeUpdated(_Frozen):
    type: Literal["initiative_updated"] = "initiative_updated"
    at: datetime
    entry: str
    status: str
    note: str
    by: str  # the leader's participant id, or "facilitator"


@dataclass(frozen=True)
class Update:
    status: str
    note: str
    by: str
    at: datetime


@dataclass(frozen=True)
class InitiativesState:
    updates: Mapping[str, tuple[Update, ...]]  # entry → its updates, oldest first

    @classmethod
    def empty(cls) -> InitiativesState:
        return cls(frozen({}))

    def latest(self, entry: str) -> Update | None:
        found = self.updates.get(entry, ())
        return found[-1] if found else None


NOT_PUBLISHED = Refusal(
    "What became of a decision can be told once the leader panel is over.",
    code="not_published",
    kind=CONFLICT,
)
UNDECIDED = Refusal("That proposal has no decision yet.", code="undecided", kind=CONFLICT)
BAD_STATUS = Refusal("A status is started, done or postponed.", code="bad_status", kind=INVALID)
NOTE_TOO_LONG = Refusal(
    "A note can be at most {limit} characters.",
    {"limit": NOTE_LIMIT},
    "note_too_long",
    kind=INVALID,
)


def decide(
    state: InitiativesState,
    catalogue: CatalogueState,
    command: UpdateInitiative,
    actor: Actor,
    now: datetime,
    *,
    published: bool,
) -> list[InitiativeUpdated] | Refusal:
    """``published``: whether the panel is over (``core.outcome.published``)."""
    if actor.role is Role.PROJECTOR:
        return READ_ONLY
    if actor.role not in (Role.LEADER, Role.FACILITATOR):
        return LEADERS_ONLY
    if not actor.is_facilitator and actor.participant_id is None:
        return NOT_JOINED
    entry = catalogue.entries.get(command.entry)
    if entry is None:
        return NO_ENTRY
    if not published:
        return NOT_PUBLISHED
    if entry.verdict is None:
        return UNDECIDED
    if command.status not in STATUSES:
        return BAD_STATUS
    note = command.note.strip()
    if len(note) > NOTE_LIMIT:
        return NOTE_TOO_LONG
    if not storable(note):
        return BAD_CHARACTERS
    latest = state.latest(command.entry)
    if latest is not None and (latest.status, latest.note) == (command.status, note):
        return UNCHANGED
    return [
        InitiativeUpdated(
            at=now, entry=command.entry, status=command.status, note=note, by=actor_id(actor)
        )
    ]


def evolve(state: InitiativesState, event: InitiativeUpdated) -> InitiativesState:
    update = Update(event.status, event.note, event.by, event.at)
    earlier = state.updates.get(event.entry, ())
    return replace(state, updates=put(state.updates, event.entry, (*earlier, update)))
