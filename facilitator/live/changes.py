"""What a command becomes on its way through a room: a decided change, the move it makes,
and the answer its sender gets."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection
from sqlmodel import Session

from facilitator.core.actors import Actor
from facilitator.core.errors import Refusal
from facilitator.core.workshop import Command, Event, WorkshopState, fold
from facilitator.store import workshops

MOVES = frozenset({"start", "next", "previous", "jump"})  # commands that enter a phase

# Rows the edge writes in the same transaction as the command (e.g. a participant's token).
AlsoWrite = Callable[[Session], None]


@dataclass(frozen=True)
class Submitted:
    """A command as its sender submitted it, with rows the edge writes alongside."""

    command: Command
    actor: Actor
    client_id: str | None
    also: AlsoWrite | None = None


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


@dataclass(frozen=True)
class Change:
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
