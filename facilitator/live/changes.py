"""What a command becomes on its way through a room: submitted, decided, written, and the
move the room makes once it is committed."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection
from sqlmodel import Session

from facilitator.agenda import Agenda
from facilitator.core.actors import Actor
from facilitator.core.errors import Refusal
from facilitator.core.workshop import Command, Event, WorkshopState, fold
from facilitator.store import workshops

MOVES = frozenset({"start", "next", "previous", "jump"})  # commands that enter a phase

# Rows the edge writes in the same transaction as the command (e.g. a new participant's).
ExtraRows = Callable[[Session], None]


@dataclass(frozen=True)
class Submitted:
    """A command as its sender submitted it, with rows the edge writes alongside."""

    command: Command
    actor: Actor
    client_id: str | None
    extra_rows: ExtraRows | None = None


@dataclass(frozen=True)
class Accepted:
    seq: int
    replayed: bool = False  # True when a retried client id was answered from its receipt


Outcome = Accepted | Refusal


class WorkshopNotFound(Exception):
    pass


@dataclass(frozen=True)
class Moved:
    """Where a room goes next: the state at ``seq`` and the events that led there."""

    state: WorkshopState
    seq: int
    events: list[tuple[int, Event]]
    restored: bool = False  # a fresh restore: the history in memory no longer connects
    # Participant id → the home reflection they share with their group, read again when
    # people joined (it comes with their row); None: unchanged.
    shared: Mapping[str, str] | None = None
    # The agenda ``events`` start from when it is not the room's (a restore read it again);
    # None: the room's. A revision among the events brings its own (core.revision).
    agenda: Agenda | None = None


@dataclass(frozen=True)
class Written:
    """A command's answer for its sender, and the room's move (None: it stays)."""

    outcome: Outcome
    moved: Moved | None

    @property
    def new_seq(self) -> int | None:
        """The seq this command wrote up to; None if it wrote nothing (refused, replayed)."""
        fresh = isinstance(self.outcome, Accepted) and not self.outcome.replayed
        return self.outcome.seq if isinstance(self.outcome, Accepted) and fresh else None


@dataclass(frozen=True)
class Decided:
    """A decided command, ready to be written, and what the room becomes once it is."""

    workshop_id: str
    seq: int  # the seq it was decided at
    before: WorkshopState
    events: list[Event]
    actor: Actor
    client_id: str | None
    now: datetime

    @functools.cached_property
    def after(self) -> WorkshopState:
        return fold(self.before, self.events)

    def write(self, connection: Connection) -> int:
        return workshops.record(
            connection,
            workshop_id=self.workshop_id,
            seq=self.seq,
            before=self.before,
            after=self.after,
            events=self.events,
            actor=self.actor,
            client_id=self.client_id,
            now=self.now,
        )

    def moved(self) -> Moved:
        last = self.seq + len(self.events)
        happened = list(zip(range(self.seq + 1, last + 1), self.events, strict=True))
        return Moved(self.after, last, happened)
