"""A room is one live workshop in this process: apply → persist → fan out → publish, in order.

Commands are applied one at a time (an asyncio lock). Most are decided on the event loop
against the room's state and written as one short transaction (rows, journal entries and
receipt; ``store.committer``) that only succeeds if nobody else wrote first. Whatever that
quick path cannot settle alone (a refusal, which may come from a stale state or be a retry
answered before; a write another process beat; a command that reads earlier workshops or
writes rows of its own) is decided again in a worker thread inside one transaction that
locks the workshop's row and folds in what others wrote first.

Only after the commit does the room's state move on, on the event loop, and at once the
room hands the news to every socket of this process that listens to it (each turns it into
what its viewer may see, encoded once per audience). Then the hub hears the new seq, for the
other processes; the room follows the hub in turn and catches up when others wrote.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import random
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar, cast

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from facilitator.agenda import Agenda
from facilitator.clock import Clock
from facilitator.core import workshop as core
from facilitator.core.actors import Actor
from facilitator.core.errors import Refusal
from facilitator.live.hub import Hub, Subscription
from facilitator.store import catalogue as catalogue_store
from facilitator.store import workshops as store
from facilitator.store.committer import Committer
from facilitator.store.db import session_scope

log = logging.getLogger("facilitator")

_ATTEMPTS = 20
_MOVES = frozenset({"start", "next", "previous", "jump"})  # commands that enter a phase
RECENT = 2000  # events kept in memory for catching sockets up without a query
_ENCODED_LIMIT = 4096
_MISSING = object()
T = TypeVar("T")

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


@dataclass(frozen=True)
class _Change:
    """A decided command, ready to be written, and what the room becomes once it is."""

    workshop_id: str
    seq: int  # the seq it was decided at
    before: core.WorkshopState
    events: list[core.Event]
    actor: Actor
    client_id: str | None
    now: datetime

    @functools.cached_property
    def after(self) -> core.WorkshopState:
        return core.fold(self.before, self.events)

    def write(self, connection: Connection) -> int:
        return store.record(
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


class Listener(Protocol):
    """A socket of this process that follows a room (``live.socket.Connection``).

    The room calls these on the event loop, right after its state has moved; they queue
    what their client should receive and return without waiting.
    """

    shows_presence: bool

    def advance(self) -> None:
        """The room has moved on (or its people came or went): send what is new."""

    def reset(self) -> None:
        """The room's history was rewritten (an erasure): send a fresh view."""


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
        committer: Committer | None = None,
    ) -> None:
        self.workshop_id = workshop_id
        self.agenda = agenda
        self.state = state
        self.seq = seq
        self._engine = engine
        self._hub = hub
        self._clock = clock
        self._committer = committer or Committer(engine)
        self._lock = asyncio.Lock()
        self.recent: deque[tuple[int, core.Event]] = deque(maxlen=RECENT)
        # Rendered views by key, valid for one (seq, presence) state: one rendering per
        # distinct view, the same bytes for every socket that shares it.
        self._views: dict[Hashable, tuple[tuple[int, int], str]] = {}
        self._encoded: dict[tuple[int, Hashable], object] = {}
        self.online: Counter[str] = Counter()  # participant id → open sockets in this process
        self.presence_version = 0
        self.departments: dict[str, dict[str, str]] = {}  # key → {"da": …, "en": …}
        self.listeners: set[Listener] = set()
        self.news_after = -1  # the seq before the last move …
        self.news: list[tuple[int, core.Event]] = []  # … and the events it brought
        self._name = uuid.uuid4().hex  # tells this room's own notices from others' on the hub
        # Names the unbroken history this room holds in memory. A client catches up by seq
        # only within one epoch: after a restart (or an erasure) a seq it saw may have been
        # lost with a power cut and reused since (store.committer), so it gets a snapshot.
        self.epoch = uuid.uuid4().hex[:12]
        self._following: asyncio.Task[None] | None = None

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

    def encoded(self, key: Hashable, encode: Callable[[], T]) -> T:
        """An event as one audience sees it, encoded once per room state."""
        full_key = (self.seq, key)
        found = self._encoded.get(full_key, _MISSING)
        if found is _MISSING:
            if len(self._encoded) > _ENCODED_LIMIT:
                self._encoded.clear()  # old states are never asked for again
            found = self._encoded[full_key] = encode()
        return cast(T, found)

    # --- who listens, who is online -------------------------------------------------------

    def attach(self, listener: Listener, participant_id: str | None) -> None:
        self.listeners.add(listener)
        if participant_id is not None:
            self.online[participant_id] += 1
            self._presence_changed()

    def detach(self, listener: Listener, participant_id: str | None) -> None:
        self.listeners.discard(listener)
        if participant_id is not None:
            self.online[participant_id] -= 1
            if self.online[participant_id] <= 0:
                del self.online[participant_id]
            self._presence_changed()

    def _presence_changed(self) -> None:
        # Presence is per process and shown on the facilitator's page only: wake nobody else.
        self.presence_version += 1
        self._tell(listener for listener in self.listeners if listener.shows_presence)

    def _tell(self, listeners: Iterable[Listener], *, reset: bool = False) -> None:
        for listener in tuple(listeners):
            try:
                listener.reset() if reset else listener.advance()
            except Exception:  # one broken socket must not keep the news from the others
                log.exception("a socket of workshop %s failed to follow", self.workshop_id)

    @classmethod
    def load(
        cls,
        workshop_id: str,
        *,
        engine: Engine,
        hub: Hub,
        clock: Clock,
        committer: Committer | None = None,
    ) -> Room:
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
                committer=committer,
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
            outcome: Outcome | None = None
            if also is None:
                outcome = await self._quickly(command, actor, client_id)
            if outcome is None:
                careful, moved = await asyncio.to_thread(
                    self._apply, self.state, self.seq, command, actor, client_id, also
                )
                self._move(moved)
                outcome = careful
        if isinstance(outcome, Accepted) and not outcome.replayed:
            await self._hub.publish(channel(self.workshop_id), json.dumps({"seq": outcome.seq}))
        # The sockets have the news already; the answer waits until what it rests on is on
        # disk (store.committer). A replay may rest on another process's commit: sync again.
        replayed = isinstance(outcome, Accepted) and outcome.replayed
        await self._committer.durable(again=replayed)
        return outcome

    async def _quickly(
        self, command: core.Command, actor: Actor, client_id: str | None
    ) -> Accepted | None:
        """Decide on the room's state and write, if nothing needs a closer look (else None)."""
        if command.type in _MOVES and core.catalogue_needs(self.state, self.agenda):
            return None  # entering a phase may import earlier workshops' proposals
        state, seq, now = self.state, self.seq, self._clock()
        decided = core.decide(
            state, self.agenda, command, actor, now, client_id or uuid.uuid4().hex
        )
        if isinstance(decided, Refusal):
            return None  # perhaps a retry of an accepted command, or the state is stale
        change = _Change(self.workshop_id, seq, state, decided, actor, client_id, now)
        try:
            last = await self._committer.run(change.write)
        except (store.StaleWriter, IntegrityError):
            return None  # another process wrote first, or this client id has a receipt
        self._move(change.moved())
        return Accepted(seq=last)

    async def refresh(self) -> None:
        """Catch up with writes made by another process."""
        async with self._lock:
            self._move(await asyncio.to_thread(self._missed, self.state, self.seq))

    async def reload(self) -> None:
        """Read everything again (after an erasure rewrote stored history), and tell the
        other processes to do the same."""
        await self._reload()
        notice = json.dumps({"reload": True, "room": self._name})
        await self._hub.publish(channel(self.workshop_id), notice)

    async def _reload(self) -> None:
        async with self._lock:
            moved = await asyncio.to_thread(self._restore)
            self._views.clear()
            self._encoded.clear()
            self._move(moved, quietly=True)
            self._tell(self.listeners, reset=True)

    def _move(self, moved: Moved | None, *, quietly: bool = False) -> None:
        if moved is None:
            return
        if moved.restored:
            self.recent.clear()
            self.epoch = uuid.uuid4().hex[:12]
        self.recent.extend(moved.events)
        # What this move brought: sockets that were up to date take it as it is.
        self.news_after, self.news = (self.seq, moved.events) if not moved.restored else (-1, [])
        self.state, self.seq = moved.state, moved.seq
        if not quietly:
            self._tell(self.listeners)

    def events_after(self, seq: int) -> list[tuple[int, core.Event]] | None:
        """What happened after ``seq``, from memory; None if memory no longer reaches back."""
        if seq >= self.seq:
            return []
        if not self.recent or self.recent[0][0] > seq + 1:
            return None
        # The history is gap-free, so the wanted part starts at a known offset; it is read
        # from the near end (a deque is walked to an index, and news is at the end).
        start, end = seq + 1 - self.recent[0][0], len(self.recent)
        return [self.recent[index] for index in range(start, end)]

    # --- following the other processes -------------------------------------------------------

    async def open(self) -> None:
        """Start following the hub: other processes' writes reach this process's sockets."""
        subscribed: asyncio.Future[Subscription] = asyncio.get_running_loop().create_future()
        self._following = asyncio.create_task(self._follow(subscribed))
        await subscribed

    async def close(self) -> None:
        if self._following is not None:
            self._following.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._following
            self._following = None

    async def _follow(self, subscribed: asyncio.Future[Subscription]) -> None:
        try:
            async with self._hub.subscribe(channel(self.workshop_id)) as subscription:
                subscribed.set_result(subscription)
                while True:
                    notice = _notice(await subscription.get())
                    try:
                        await self._hear(notice, subscription)
                    except Exception:  # the database may be down a moment; the next one retries
                        log.exception("workshop %s: catching up failed", self.workshop_id)
        except BaseException as exc:
            if not subscribed.done():
                subscribed.set_exception(exc)
            raise

    async def _hear(self, notice: dict[str, object], subscription: Subscription) -> None:
        if notice.get("reload"):
            if notice.get("room") != self._name:
                await self._reload()
            return
        seq = notice.get("seq")
        if subscription.lagged or (isinstance(seq, int) and seq > self.seq):
            subscription.lagged = False
            await self.refresh()

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
            change = _Change(self.workshop_id, seq, state, decided, actor, client_id, now)
            last = change.write(session.connection())
            if also is not None:
                also(session)
        # Committed: only now may the room believe it.
        moved = change.moved()
        return Accepted(seq=last), Moved(moved.state, last, caught_up + moved.events)

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
    """The rooms of this process, loaded from the database on first use, each following the
    hub until the process stops."""

    def __init__(self, *, engine: Engine, hub: Hub, clock: Clock) -> None:
        self._engine = engine
        self._hub = hub
        self._clock = clock
        self._committer = Committer(engine)  # one writer on the loop for every room
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
                    Room.load,
                    workshop_id,
                    engine=self._engine,
                    hub=self._hub,
                    clock=self._clock,
                    committer=self._committer,
                )
                await room.open()
                await room.refresh()  # what others wrote between loading and subscribing
                self._rooms[workshop_id] = room
            return room

    async def close(self) -> None:
        for room in self._rooms.values():
            await room.close()
        self._rooms.clear()
        self._committer.close()


def _notice(text: str) -> dict[str, object]:
    try:
        notice = json.loads(text)
    except ValueError:
        return {}
    return notice if isinstance(notice, dict) else {}
