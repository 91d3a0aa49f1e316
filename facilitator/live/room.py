"""A room is one live workshop in this process: apply → persist → fan out → publish, in order.

Commands are applied one at a time (an asyncio lock). Most are decided on the event loop
against the room's state and written as one short transaction (rows, journal entries and
receipt; ``store.committer``) that only succeeds if nobody else wrote first. Whatever that
quick path cannot settle alone (a refusal, which may come from a stale state or be a retry
answered before; a write another process beat; a command that reads earlier workshops or
writes rows of its own) is decided again in a worker thread (``live.careful``).

Only after the commit does the room's state move on, on the event loop, and at once the
room hands the news to every socket of this process that listens to it (each turns it into
what its viewer may see, encoded once per audience). Then the hub hears the new seq, for the
other processes; the room follows the hub in turn and catches up when others wrote. Last,
once the change is on disk (``Committer.durable``), the sender gets its answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections import Counter, deque
from collections.abc import Callable, Hashable, Iterable
from typing import Protocol, TypeVar, cast

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from facilitator.agenda import Agenda
from facilitator.clock import Clock
from facilitator.core.actors import Actor
from facilitator.core.errors import Refusal
from facilitator.core.workshop import Command, Event, WorkshopState, catalogue_needs, decide
from facilitator.live.careful import RECENT, CarefulPath
from facilitator.live.changes import (
    MOVES,
    Accepted,
    AlsoWrite,
    Change,
    Moved,
    Outcome,
    Submitted,
    WorkshopNotFound,
)
from facilitator.live.hub import Hub
from facilitator.live.memory_hub import Subscription
from facilitator.store import workshops
from facilitator.store.committer import Committer
from facilitator.store.db import session_scope

log = logging.getLogger("facilitator")

_ENCODED_LIMIT = 4096
_MISSING = object()
T = TypeVar("T")

__all__ = ["Accepted", "AlsoWrite", "Outcome", "Room", "WorkshopNotFound", "channel"]


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
        state: WorkshopState,
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
        self._hub = hub
        self._clock = clock
        self._committer = committer or Committer(engine)
        self._careful = CarefulPath(workshop_id, agenda, engine=engine, clock=clock)
        self._lock = asyncio.Lock()
        self.recent: deque[tuple[int, Event]] = deque(maxlen=RECENT)
        # Rendered views by key, valid for one (seq, presence) state: one rendering per
        # distinct view, the same bytes for every socket that shares it.
        self._views: dict[Hashable, tuple[tuple[int, int], str]] = {}
        self._encoded: dict[tuple[int, Hashable], object] = {}
        self.online: Counter[str] = Counter()  # participant id → open sockets in this process
        self.presence_version = 0
        self.departments: dict[str, dict[str, str]] = {}  # key → {"da": …, "en": …}
        self.listeners: set[Listener] = set()
        self.news_after = -1  # the seq before the last move …
        self.news: list[tuple[int, Event]] = []  # … and the events it brought
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
            row = workshops.get_workshop(session, workshop_id=workshop_id)
            if row is None:
                raise WorkshopNotFound(workshop_id)
            state = workshops.restore(session, workshop=row)
            room = cls(
                workshop_id,
                workshops.agenda_of(row),
                state,
                row.seq,
                engine=engine,
                hub=hub,
                clock=clock,
                committer=committer,
            )
            room.departments = workshops.departments_of(session, workshop=row)
            return room

    # --- on the event loop ------------------------------------------------------------------

    async def submit(
        self,
        command: Command,
        actor: Actor,
        client_id: str | None,
        also: AlsoWrite | None = None,
    ) -> Outcome:
        async with self._lock:
            outcome: Outcome | None = None
            if also is None:
                outcome = await self._quickly(command, actor, client_id)
            if outcome is None:
                submitted = Submitted(command, actor, client_id, also)
                careful, moved = await asyncio.to_thread(
                    self._careful.apply, self.state, self.seq, submitted
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
        self, command: Command, actor: Actor, client_id: str | None
    ) -> Accepted | None:
        """Decide on the room's state and write, if nothing needs a closer look (else None)."""
        if command.type in MOVES and catalogue_needs(self.state, self.agenda):
            return None  # entering a phase may import earlier workshops' proposals
        state, seq, now = self.state, self.seq, self._clock()
        decided = decide(state, self.agenda, command, actor, now, client_id or uuid.uuid4().hex)
        if isinstance(decided, Refusal):
            return None  # perhaps a retry of an accepted command, or the state is stale
        change = Change(self.workshop_id, seq, state, decided, actor, client_id, now)
        try:
            last = await self._committer.run(change.write)
        except (workshops.StaleWriter, IntegrityError):
            return None  # another process wrote first, or this client id has a receipt
        self._move(change.moved())
        return Accepted(seq=last)

    async def refresh(self) -> None:
        """Catch up with writes made by another process."""
        async with self._lock:
            self._move(await asyncio.to_thread(self._careful.missed, self.state, self.seq))

    async def reload(self) -> None:
        """Read everything again (after an erasure rewrote stored history), and tell the
        other processes to do the same."""
        await self._reload()
        notice = json.dumps({"reload": True, "room": self._name})
        await self._hub.publish(channel(self.workshop_id), notice)

    async def _reload(self) -> None:
        async with self._lock:
            moved = await asyncio.to_thread(self._careful.restore)
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

    def events_after(self, seq: int) -> list[tuple[int, Event]] | None:
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


def _notice(text: str) -> dict[str, object]:
    try:
        notice = json.loads(text)
    except ValueError:
        return {}
    return notice if isinstance(notice, dict) else {}
