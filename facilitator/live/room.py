"""A room is one live workshop in this process: apply → persist → publish, in order.

Commands are applied one at a time (an asyncio lock). The decision and the write happen in
a worker thread inside one transaction; the thread only computes, and the room's state moves
on, on the event loop, after the commit (so sockets reading it never see it change under
them). The hub hears of the new sequence number only after that. Across processes the
writers of a workshop queue on its row, and a room that finds others wrote first folds their
events in before deciding.
"""

from __future__ import annotations

import asyncio
import itertools
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
_ENCODED_LIMIT = 4096

# Rows the edge writes in the same transaction as the command (e.g. a participant's token).
AlsoWrite = Callable[[Session], None]


@dataclass(frozen=True)
class Accepted:
    seq: int
    replayed: bool = False  # True when a retried client id was answered from its receipt


Outcome = Accepted | Refusal


class WorkshopNotFound(Exception):
    pass


@dataclass(frozen=True)
class Moved:
    """What a worker thread found: the state at ``seq`` and the events that led there."""

    state: core.WorkshopState
    seq: int
    events: list[tuple[int, core.Event]]
    restored: bool = False  # a fresh restore: the history in memory no longer connects


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
        self._encoded: dict[tuple[int, Hashable], str] = {}
        self.online: Counter[str] = Counter()  # participant id → open sockets in this process
        self.presence_version = 0
        self.departments: dict[str, dict[str, str]] = {}  # key → {"da": …, "en": …}

    def rendered(
        self, key: Hashable, render: Callable[[], str], *, shows_presence: bool = False
    ) -> str:
        # Only views that show who is online go stale when someone comes or goes.
        version = (self.seq, self.presence_version if shows_presence else 0)
        cached = self._views.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        html = render()
        self._views[key] = (version, html)
        return html

    def encoded(self, key: Hashable, encode: Callable[[], str]) -> str:
        """An event as one audience sees it, encoded once per room state."""
        full_key = (self.seq, key)
        text = self._encoded.get(full_key)
        if text is None:
            if len(self._encoded) > _ENCODED_LIMIT:
                self._encoded.clear()  # old states are never asked for again
            text = self._encoded[full_key] = encode()
        return text

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

    # --- on the event loop ------------------------------------------------------------------

    async def submit(
        self,
        command: core.Command,
        actor: Actor,
        client_id: str | None,
        also: AlsoWrite | None = None,
    ) -> Outcome:
        async with self._lock:
            outcome, moved = await asyncio.to_thread(
                self._apply, self.state, self.seq, command, actor, client_id, also
            )
            self._move(moved)
        if isinstance(outcome, Accepted) and not outcome.replayed:
            await self._hub.publish(channel(self.workshop_id), json.dumps({"seq": outcome.seq}))
        return outcome

    async def refresh(self) -> None:
        """Catch up with writes made by another process."""
        async with self._lock:
            self._move(await asyncio.to_thread(self._missed, self.state, self.seq))

    async def reload(self) -> None:
        """Read everything again (after an erasure rewrote stored history)."""
        async with self._lock:
            self._move(await asyncio.to_thread(self._restore))
            self._views.clear()

    def _move(self, moved: Moved | None) -> None:
        if moved is None:
            return
        if moved.restored:
            self.recent.clear()
        self.recent.extend(moved.events)
        self.state, self.seq = moved.state, moved.seq

    def events_after(self, seq: int) -> list[tuple[int, core.Event]] | None:
        """What happened after ``seq``, from memory; None if memory no longer reaches back."""
        if seq >= self.seq:
            return []
        if not self.recent or self.recent[0][0] > seq + 1:
            return None
        # The history is gap-free, so the wanted part starts at a known offset.
        start = seq + 1 - self.recent[0][0]
        return list(itertools.islice(self.recent, start, None))

    # --- in a worker thread: reads its arguments and the database, changes nothing here ------

    def _apply(
        self,
        state: core.WorkshopState,
        seq: int,
        command: core.Command,
        actor: Actor,
        client_id: str | None,
        also: AlsoWrite | None,
    ) -> tuple[Outcome, Moved | None]:
        caught_up: list[tuple[int, core.Event]] = []
        for attempt in range(_ATTEMPTS):
            try:
                outcome, moved = self._apply_once(state, seq, command, actor, client_id, also)
            except (store.StaleWriter, IntegrityError):
                # Rare once the row is locked (a receipt raced in from another process):
                # catch up, wait a little, jittered, and decide again.
                missed = self._missed(state, seq)
                if missed is not None:
                    if missed.restored:
                        caught_up = []
                    state, seq, caught_up = missed.state, missed.seq, caught_up + missed.events
                time.sleep(random.uniform(0, 0.01 * (attempt + 1)))
                continue
            if moved is None:
                return outcome, Moved(state, seq, caught_up) if caught_up else None
            return outcome, Moved(moved.state, moved.seq, caught_up + moved.events, moved.restored)
        raise RuntimeError(f"workshop {self.workshop_id}: could not claim the next seq")

    def _apply_once(
        self,
        state: core.WorkshopState,
        seq: int,
        command: core.Command,
        actor: Actor,
        client_id: str | None,
        also: AlsoWrite | None,
    ) -> tuple[Outcome, Moved | None]:
        with session_scope(self._engine) as session:
            # Writers of one workshop queue on its row (FOR UPDATE; SQLite's BEGIN IMMEDIATE
            # already serialises), so a process that lost the race waits instead of failing,
            # then folds in what the others wrote before it decides.
            caught_up: list[tuple[int, core.Event]] = []
            if store.lock_seq(session, workshop_id=self.workshop_id) != seq:
                caught_up = self._fold_missed(session, seq)
                state = core.fold(state, (event for _, event in caught_up))
                seq = caught_up[-1][0]
            behind = Moved(state, seq, caught_up) if caught_up else None
            if client_id is not None:
                receipt = store.find_receipt(
                    session, workshop_id=self.workshop_id, client_id=client_id
                )
                if receipt is not None:
                    return Accepted(seq=receipt.seq, replayed=True), behind
            now = self._clock()
            command_id = client_id or uuid.uuid4().hex
            sources = self._sources(session, state, command)
            decided = core.decide(state, self.agenda, command, actor, now, command_id, sources)
            if isinstance(decided, Refusal):
                return decided, behind
            after = core.fold(state, decided)
            last = store.record(
                session,
                workshop_id=self.workshop_id,
                seq=seq,
                before=state,
                after=after,
                events=decided,
                actor=actor,
                client_id=client_id,
                now=now,
            )
            if also is not None:
                also(session)
        # Committed: only now may the room believe it.
        happened = list(zip(range(seq + 1, last + 1), decided, strict=True))
        return Accepted(seq=last), Moved(after, last, caught_up + happened)

    def _sources(
        self, session: Session, state: core.WorkshopState, command: core.Command
    ) -> core.Sources:
        """What entering a phase may import from earlier workshops (read only when needed)."""
        needs = core.catalogue_needs(state, self.agenda)
        if not needs or command.type not in _MOVES:
            return {}
        row = store.get_workshop(session, workshop_id=self.workshop_id)
        return {} if row is None else catalogue_store.sources_for(session, workshop=row, keys=needs)

    def _fold_missed(self, session: Session, seq: int) -> list[tuple[int, core.Event]]:
        missed = store.events_since(session, workshop_id=self.workshop_id, after=seq)
        seqs = [n for n, _ in missed]
        if not seqs or seqs != list(range(seq + 1, seqs[-1] + 1)):
            raise store.StaleWriter(self.workshop_id)
        return missed

    def _missed(self, state: core.WorkshopState, seq: int) -> Moved | None:
        """What other processes journaled after ``seq`` (a restore if far behind)."""
        with session_scope(self._engine) as session:
            missed = store.events_since(
                session, workshop_id=self.workshop_id, after=seq, limit=RECENT
            )
            if not missed:
                return None
            seqs = [n for n, _ in missed]
            if len(missed) < RECENT and seqs == list(range(seq + 1, seqs[-1] + 1)):
                return Moved(core.fold(state, (e for _, e in missed)), seqs[-1], missed)
        return self._restore()

    def _restore(self) -> Moved:
        with session_scope(self._engine) as session:
            row = store.get_workshop(session, workshop_id=self.workshop_id)
            if row is None:
                raise WorkshopNotFound(self.workshop_id)
            return Moved(store.restore(session, workshop=row), row.seq, [], restored=True)


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
