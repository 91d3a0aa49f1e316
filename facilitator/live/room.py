"""A room is one live workshop in this process: apply → persist → publish, in order.

Commands are applied one at a time (an asyncio lock). The decision and the write happen in
a worker thread inside one transaction; the in-memory state moves on only after the commit,
and the hub hears of the new sequence number only after that. Across processes the
workshop's seq column is claimed with a compare-and-set, so a stale room reloads and retries.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from facilitator.agenda import Agenda
from facilitator.clock import Clock
from facilitator.core import workshop as core
from facilitator.core.actors import Actor
from facilitator.core.errors import Refusal
from facilitator.live.hub import Hub
from facilitator.store import catalogue as catalogue_store
from facilitator.store import workshops as store
from facilitator.store.db import session_scope

_ATTEMPTS = 20
_MOVES = frozenset({"start", "next", "previous", "jump"})  # commands that enter a phase
RECENT = 2000  # events kept in memory for catching sockets up without a query

# Rows the edge writes in the same transaction as the command (e.g. a participant's token).
AlsoWrite = Callable[[Session], None]


@dataclass(frozen=True)
class Accepted:
    seq: int
    replayed: bool = False  # True when a retried client id was answered from its receipt


Outcome = Accepted | Refusal


class WorkshopNotFound(Exception):
    pass


def channel(workshop_id: str) -> str:
    return f"workshop:{workshop_id}"


class Room:
    def __init__(
        self,
        workshop_id: str,
        agenda: Agenda,
        state: core.WorkshopState,
        seq: int,
        *,
        engine: Engine,
        hub: Hub,
        clock: Clock,
    ) -> None:
        self.workshop_id = workshop_id
        self.agenda = agenda
        self.state = state
        self.seq = seq
        self._engine = engine
        self._hub = hub
        self._clock = clock
        self._lock = asyncio.Lock()
        self.recent: deque[tuple[int, core.Event]] = deque(maxlen=RECENT)
        # Rendered views by key, valid for one (seq, presence) state: one rendering per
        # distinct view, the same bytes for every socket that shares it.
        self._views: dict[Hashable, tuple[tuple[int, int], str]] = {}
        self.online: Counter[str] = Counter()  # participant id → open sockets in this process
        self.presence_version = 0
        self.departments: dict[str, dict[str, str]] = {}  # key → {"da": …, "en": …}

    def rendered(self, key: Hashable, render: Callable[[], str]) -> str:
        version = (self.seq, self.presence_version)
        cached = self._views.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        html = render()
        self._views[key] = (version, html)
        return html

    def arrive(self, participant_id: str) -> bool:
        """Count a socket in; True when the person has just come online."""
        self.online[participant_id] += 1
        self.presence_version += 1
        return self.online[participant_id] == 1

    def leave(self, participant_id: str) -> bool:
        """Count a socket out; True when the person's last socket has gone."""
        self.online[participant_id] -= 1
        self.presence_version += 1
        if self.online[participant_id] <= 0:
            del self.online[participant_id]
            return True
        return False

    @classmethod
    def load(cls, workshop_id: str, *, engine: Engine, hub: Hub, clock: Clock) -> Room:
        with session_scope(engine) as session:
            row = store.get_workshop(session, workshop_id=workshop_id)
            if row is None:
                raise WorkshopNotFound(workshop_id)
            state = store.restore(session, workshop=row)
            room = cls(
                workshop_id,
                store.agenda_of(row),
                state,
                row.seq,
                engine=engine,
                hub=hub,
                clock=clock,
            )
            room.departments = store.departments_of(session, workshop=row)
            return room

    async def submit(
        self,
        command: core.Command,
        actor: Actor,
        client_id: str | None,
        also: AlsoWrite | None = None,
    ) -> Outcome:
        async with self._lock:
            outcome = await asyncio.to_thread(self._apply, command, actor, client_id, also)
        if isinstance(outcome, Accepted) and not outcome.replayed:
            await self._hub.publish(channel(self.workshop_id), json.dumps({"seq": outcome.seq}))
        return outcome

    async def reload(self) -> None:
        """Read everything again (after an erasure rewrote stored history)."""
        async with self._lock:
            await asyncio.to_thread(self._restore)

    def _restore(self) -> None:
        with session_scope(self._engine) as session:
            row = store.get_workshop(session, workshop_id=self.workshop_id)
            if row is None:
                raise WorkshopNotFound(self.workshop_id)
            self.state, self.seq = store.restore(session, workshop=row), row.seq
        self.recent.clear()
        self._views.clear()

    async def refresh(self) -> None:
        """Catch up with writes made by another process."""
        async with self._lock:
            await asyncio.to_thread(self._reload_if_stale)

    def events_after(self, seq: int) -> list[tuple[int, core.Event]] | None:
        """What happened after ``seq``, from memory; None if memory no longer reaches back."""
        if seq >= self.seq:
            return []
        if not self.recent or self.recent[0][0] > seq + 1:
            return None
        return [(n, event) for n, event in self.recent if n > seq]

    def _apply(
        self, command: core.Command, actor: Actor, client_id: str | None, also: AlsoWrite | None
    ) -> Outcome:
        for attempt in range(_ATTEMPTS):
            try:
                return self._apply_once(command, actor, client_id, also)
            except (store.StaleWriter, IntegrityError):
                # Rare once the row is locked (a receipt raced in from another process):
                # catch up, wait a little, jittered, and decide again.
                self._reload_if_stale()
                time.sleep(random.uniform(0, 0.01 * (attempt + 1)))
        raise RuntimeError(f"workshop {self.workshop_id}: could not claim the next seq")

    def _apply_once(
        self, command: core.Command, actor: Actor, client_id: str | None, also: AlsoWrite | None
    ) -> Outcome:
        with session_scope(self._engine) as session:
            if client_id is not None:
                receipt = store.find_receipt(
                    session, workshop_id=self.workshop_id, client_id=client_id
                )
                if receipt is not None:
                    return Accepted(seq=receipt.seq, replayed=True)
            # Writers of one workshop queue on its row (FOR UPDATE; SQLite's BEGIN IMMEDIATE
            # already serialises), so a process that lost the race waits instead of failing,
            # then folds in what the others wrote before it decides.
            if store.lock_seq(session, workshop_id=self.workshop_id) != self.seq:
                self._catch_up(session)
            now = self._clock()
            command_id = client_id or uuid.uuid4().hex
            sources = self._sources(session, command)
            decided = core.decide(self.state, self.agenda, command, actor, now, command_id, sources)
            if isinstance(decided, Refusal):
                return decided
            after = core.fold(self.state, decided)
            seq = store.record(
                session,
                workshop_id=self.workshop_id,
                seq=self.seq,
                before=self.state,
                after=after,
                events=decided,
                actor=actor,
                client_id=client_id,
                now=now,
            )
            if also is not None:
                also(session)
        # Committed: only now does this process believe it.
        self.state, self.seq = after, seq
        self.recent.extend(zip(range(seq - len(decided) + 1, seq + 1), decided, strict=True))
        return Accepted(seq=seq)

    def _sources(self, session: Session, command: core.Command) -> core.Sources:
        """What entering a phase may import from earlier workshops (read only when needed)."""
        needs = core.catalogue_needs(self.state, self.agenda)
        if not needs or command.type not in _MOVES:
            return {}
        row = store.get_workshop(session, workshop_id=self.workshop_id)
        return {} if row is None else catalogue_store.sources_for(session, workshop=row, keys=needs)

    def _catch_up(self, session: Session) -> None:
        missed = store.events_since(session, workshop_id=self.workshop_id, after=self.seq)
        seqs = [n for n, _ in missed]
        if seqs and seqs == list(range(self.seq + 1, seqs[-1] + 1)):
            self.state = core.fold(self.state, (event for _, event in missed))
            self.recent.extend(missed)
            self.seq = seqs[-1]
        else:
            raise store.StaleWriter(self.workshop_id)

    def _reload_if_stale(self) -> None:
        """Fold in what other processes journaled after our seq (restore if far behind)."""
        with session_scope(self._engine) as session:
            missed = store.events_since(
                session, workshop_id=self.workshop_id, after=self.seq, limit=RECENT
            )
            if not missed:
                return
            seqs = [n for n, _ in missed]
            if len(missed) < RECENT and seqs == list(range(self.seq + 1, seqs[-1] + 1)):
                self.state = core.fold(self.state, (event for _, event in missed))
                self.recent.extend(missed)
                self.seq = seqs[-1]
                return
            row = store.get_workshop(session, workshop_id=self.workshop_id)
            if row is None:
                raise WorkshopNotFound(self.workshop_id)
            self.state, self.seq = store.restore(session, workshop=row), row.seq
            self.recent.clear()


class Rooms:
    """The rooms of this process, loaded from the database on first use."""

    def __init__(self, *, engine: Engine, hub: Hub, clock: Clock) -> None:
        self._engine = engine
        self._hub = hub
        self._clock = clock
        self._rooms: dict[str, Room] = {}
        self._lock = asyncio.Lock()

    @property
    def hub(self) -> Hub:
        return self._hub

    @property
    def clock(self) -> Clock:
        return self._clock

    async def get(self, workshop_id: str) -> Room:
        room = self._rooms.get(workshop_id)
        if room is not None:
            return room
        async with self._lock:
            room = self._rooms.get(workshop_id)
            if room is None:
                room = await asyncio.to_thread(
                    Room.load, workshop_id, engine=self._engine, hub=self._hub, clock=self._clock
                )
                self._rooms[workshop_id] = room
            return room
