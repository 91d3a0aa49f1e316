"""A room is one live workshop in this process: decide and write → tell → publish → answer.

Commands are applied one at a time (an asyncio lock). The room's ``Writer`` decides each and
commits it (``live.writer``); only after the commit does the room's state move on, on the
event loop, and at once the room tells every socket of this process that listens to it (each
turns it into what its viewer may see). Then the hub hears the new seq, for the other
processes; the room follows the hub in turn and catches up when others wrote. Last, once the
change is on disk, the sender gets its answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TypeVar, cast

from sqlalchemy import Engine

from facilitator.agenda import Agenda
from facilitator.clock import Clock
from facilitator.core.actors import Actor
from facilitator.core.revision import agenda_after
from facilitator.core.workshop import Command, Event, WorkshopState
from facilitator.live.changes import (
    Accepted,
    ExtraRows,
    Moved,
    Outcome,
    Submitted,
    WorkshopNotFound,
)
from facilitator.live.hub import Hub
from facilitator.live.listeners import Listener, Listeners
from facilitator.live.locked import RECENT
from facilitator.live.memory_hub import Subscription
from facilitator.live.presence import Presence
from facilitator.live.presence_notices import PresenceNotices
from facilitator.live.writer import Writer
from facilitator.store import workshops
from facilitator.store.committer import Committer
from facilitator.store.db import session_scope

log = logging.getLogger("facilitator")

_ENCODED_LIMIT = 4096
# The facilitator's people list follows presence at most this often: a thousand phones
# connecting at once cost a few renders of it, not a thousand. The first change in a quiet
# moment is shown at once.
PRESENCE_BATCH = 0.25
_MISSING = object()
T = TypeVar("T")

__all__ = ["Accepted", "ExtraRows", "Outcome", "Room", "WorkshopNotFound", "channel"]


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
        writer: Writer,
        hub: Hub,
        departments: Mapping[str, Mapping[str, str]] | None = None,
        shared_reflections: Mapping[str, str] | None = None,
        workshop_titles: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.workshop_id = workshop_id
        self.agenda = agenda
        self.state = state
        self.seq = seq
        self._writer = writer
        self._hub = hub
        self._lock = asyncio.Lock()
        self.recent: deque[tuple[int, Event]] = deque(maxlen=RECENT)
        self._last_move: tuple[int, list[tuple[int, Event]]] = (-1, [])  # (from seq, events)
        # Rendered views by key, valid for one (seq, presence) state: one rendering per
        # distinct view, the same bytes for every socket that shares it.
        self._views: dict[Hashable, tuple[tuple[int, int], object]] = {}
        self._kept: dict[Hashable, tuple[Hashable, str]] = {}  # key → (fingerprint, html)
        self._encoded: dict[tuple[int, Hashable], object] = {}
        self._passing: dict[Hashable, object] | None = None  # while telling the sockets
        self.presence = Presence()  # who is online, in this process and the others
        self._presence_told = 0  # the presence version the listeners last heard of
        self._presence_told_at = -PRESENCE_BATCH  # when (the loop's clock)
        self._presence_due: asyncio.TimerHandle | None = None
        self.departments: Mapping[str, Mapping[str, str]] = departments or {}  # key → {da, en}
        # The programme's workshops: key → title {da, en} (where catalogue entries came from).
        self.workshop_titles: Mapping[str, Mapping[str, str]] = workshop_titles or {}
        # Participant id → the home reflection they share with their group.
        self.shared_reflections: Mapping[str, str] = shared_reflections or {}
        self.listeners = Listeners()  # told turn by turn: the people's screens first
        self._name = uuid.uuid4().hex  # tells this room's own notices from others' on the hub
        # Names the unbroken history this room holds in memory. A client catches up by seq
        # only within one epoch: after a restart (or an erasure) a seq it saw may have been
        # lost with a power cut and reused since (store.committer), so it gets a snapshot.
        self.epoch = uuid.uuid4().hex[:12]
        self._following: asyncio.Task[None] | None = None
        # Who is online here, told to the other processes (from ``open`` on).
        self._notices = PresenceNotices(
            self.presence, hub, channel(workshop_id), self._name, self._presence_changed
        )

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
        """The room of a stored workshop (blocking: call it in a worker thread)."""
        with session_scope(engine) as session:
            row = workshops.get_workshop(session, workshop_id=workshop_id)
            if row is None:
                raise WorkshopNotFound(workshop_id)
            state = workshops.restore(session, workshop=row)
            agenda = workshops.agenda_of(row)
            departments = workshops.departments_of(session, workshop=row)
            titles = workshops.titles_of(session, workshop=row)
            seq = row.seq
        writer = Writer(
            workshop_id,
            agenda,
            engine=engine,
            clock=clock,
            committer=committer or Committer(engine),
        )
        return cls(
            workshop_id,
            agenda,
            state,
            seq,
            writer=writer,
            hub=hub,
            departments=departments,
            shared_reflections=writer.shared_reflections(),
            workshop_titles=titles,
        )

    # --- what the views share ---------------------------------------------------------------

    def rendered(
        self, key: Hashable, render: Callable[[], T], *, shows_presence: bool = False
    ) -> T:
        # Only views that show who is online go stale when someone comes or goes.
        version = (self.seq, self.presence_version if shows_presence else 0)
        cached = self._views.get(key)
        if cached is not None and cached[0] == version:
            return cast(T, cached[1])
        html = render()
        self._views[key] = (version, html)
        return html

    def remembered(self, key: Hashable, fingerprint: Hashable, render: Callable[[], str]) -> str:
        """One render per ``key`` kept for as long as its ``fingerprint`` (what the render
        depends on) stays the same, whatever changed elsewhere in the room."""
        kept = self._kept.get(key)
        if kept is not None and kept[0] == fingerprint:
            return kept[1]
        html = render()
        self._kept[key] = (fingerprint, html)
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

    def alike(self, key: Hashable, make: Callable[[], T]) -> T:
        """One value per ``key`` while the room tells its sockets of a change, for what
        many of them send alike (the same bytes go out framed once, ``web.wire``); outside
        such a pass, a new one each time."""
        memo = self._passing
        if memo is None:
            return make()
        found = memo.get(key, _MISSING)
        if found is _MISSING:
            found = memo[key] = make()
        return cast(T, found)

    # --- who listens, who is online -------------------------------------------------------

    @property
    def online(self) -> frozenset[str]:
        """Everyone with a socket open on this workshop, in any process."""
        return self.presence.everyone

    @property
    def presence_version(self) -> int:
        return self.presence.version

    def attach(self, listener: Listener, participant_id: str | None) -> None:
        self.listeners.add(listener)
        if participant_id is not None and self.presence.came(participant_id):
            self._here_changed()

    def detach(self, listener: Listener, participant_id: str | None) -> None:
        self.listeners.discard(listener)
        if participant_id is not None and self.presence.went(participant_id):
            self._here_changed()

    def _here_changed(self) -> None:
        self._notices.soon()
        self._presence_changed()

    def _presence_changed(self) -> None:
        """Tell the listeners that show presence (the facilitator's page: nobody else),
        at once after a quiet moment, else once the batch's time is up."""
        if self._presence_due is not None or self.presence.version == self._presence_told:
            return
        loop = asyncio.get_running_loop()
        wait = self._presence_told_at + PRESENCE_BATCH - loop.time()
        if wait <= 0:
            self._tell_presence()
        else:
            self._presence_due = loop.call_later(wait, self._tell_presence)

    def _tell_presence(self) -> None:
        self._presence_due = None
        if self.presence.version == self._presence_told:
            return
        self._presence_told = self.presence.version
        self._presence_told_at = asyncio.get_running_loop().time()
        self._notify(listener for listener in self.listeners if listener.shows_presence)

    def _notify(self, listeners: Iterable[Listener], *, reset: bool = False) -> None:
        self._passing = {}
        try:
            for listener in tuple(listeners):
                try:
                    listener.reset() if reset else listener.advance()
                except Exception:  # one broken socket must not keep the news from the others
                    log.exception("a socket of workshop %s failed to follow", self.workshop_id)
        finally:
            self._passing = None

    # --- commands -------------------------------------------------------------------------

    async def submit(
        self,
        command: Command,
        actor: Actor,
        client_id: str | None,
        extra_rows: ExtraRows | None = None,
    ) -> Outcome:
        submitted = Submitted(command, actor, client_id, extra_rows)
        async with self._lock:
            written = await self._writer.write(self.state, self.seq, submitted)
            self._move(written.moved)
        if (seq := written.new_seq) is not None:
            await self._hub.publish(channel(self.workshop_id), json.dumps({"seq": seq}))
        # The sockets have the news already; the answer waits until it is on disk.
        await self._writer.durable(written)
        return written.outcome

    async def refresh(self) -> None:
        """Catch up with writes made by another process."""
        async with self._lock:
            self._move(await self._writer.catch_up(self.state, self.seq))

    async def reload(self) -> None:
        """Read everything again (after an erasure rewrote stored history), and tell the
        other processes to do the same."""
        await self._reload()
        notice = json.dumps({"reload": True, "room": self._name})
        await self._hub.publish(channel(self.workshop_id), notice)

    async def _reload(self) -> None:
        async with self._lock:
            moved = await self._writer.restore()
            self._views.clear()
            self._encoded.clear()
            self._move(moved, quietly=True)
            self._notify(self.listeners, reset=True)

    def _move(self, moved: Moved | None, *, quietly: bool = False) -> None:
        if moved is None:
            return
        if moved.restored:
            self.recent.clear()
            self.epoch = uuid.uuid4().hex[:12]
        self.recent.extend(moved.events)
        self._last_move = (-1, []) if moved.restored else (self.seq, moved.events)
        if moved.shared is not None:
            self.shared_reflections = moved.shared
        agenda = agenda_after(moved.agenda or self.agenda, moved.events)
        if agenda is not self.agenda:  # revised (core.revision), or read again by a restore
            self.agenda = agenda
            self._writer.follow(agenda)
        self.state, self.seq = moved.state, moved.seq
        if not quietly:
            self._notify(self.listeners)

    def events_after(self, seq: int) -> list[tuple[int, Event]] | None:
        """What happened after ``seq``, from memory; None if memory no longer reaches back."""
        if seq >= self.seq:
            return []
        moved_from, events = self._last_move
        if seq == moved_from:
            return events  # a socket that was up to date: the last move, as it is
        if not self.recent or self.recent[0][0] > seq + 1:
            return None
        # The history is gap-free, so the wanted part starts at a known offset; it is read
        # from the near end (a deque is walked to an index, and news is at the end).
        start, end = seq + 1 - self.recent[0][0], len(self.recent)
        return [self.recent[index] for index in range(start, end)]

    # --- following the other processes -------------------------------------------------------

    async def open(self) -> None:
        """Start following the hub: other processes' writes reach this process's sockets,
        and processes tell each other who is online with them."""
        subscribed: asyncio.Future[Subscription] = asyncio.get_running_loop().create_future()
        self._following = asyncio.create_task(self._follow(subscribed))
        await subscribed
        await self._notices.start()

    async def close(self) -> None:
        await self._notices.stop()
        if self._presence_due is not None:
            self._presence_due.cancel()
            self._presence_due = None
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
                        await self._on_notice(notice, subscription)
                    except Exception:  # the database may be down a moment; the next one retries
                        log.exception("workshop %s: catching up failed", self.workshop_id)
        except BaseException as exc:
            if not subscribed.done():
                subscribed.set_exception(exc)
            raise

    async def _on_notice(self, notice: dict[str, object], subscription: Subscription) -> None:
        if notice.get("reload"):
            if notice.get("room") != self._name:
                await self._reload()
            return
        self._notices.heard(notice)  # presence, or a question about it
        seq = notice.get("seq")
        if subscription.lagged or (isinstance(seq, int) and seq > self.seq):
            if subscription.lagged:
                self._notices.soon()  # what the others missed of ours
                await self._notices.ask()  # and what we missed of theirs
            subscription.lagged = False
            await self.refresh()


def _notice(text: str) -> dict[str, object]:
    try:
        notice = json.loads(text)
    except ValueError:
        return {}
    return notice if isinstance(notice, dict) else {}
