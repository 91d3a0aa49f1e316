"""The rooms of this process: each workshop's room, loaded on first use and kept until the
process stops, all writing through one committer on the event loop."""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy import Engine

from facilitator.clock import Clock
from facilitator.live.hub import Hub
from facilitator.live.room import Room
from facilitator.store.committer import Committer


class Rooms:
    """The rooms of this process, loaded from the database on first use, each following the
    hub until the process stops."""

    def __init__(self, *, engine: Engine, hub: Hub, clock: Clock) -> None:
        self._engine = engine
        self._hub = hub
        self._clock = clock
        self._committer = Committer(engine)  # one writer on the loop for every room
        self._rooms: dict[str, Room] = {}
        # One load per workshop at a time, each on its own: a room whose subscription is
        # slow (a broker that is down waits for its time-out) keeps no other room waiting.
        self._loading: dict[str, asyncio.Future[Room]] = {}

    async def get(self, workshop_id: str) -> Room:
        room = self._rooms.get(workshop_id)
        if room is not None:
            return room
        loading = self._loading.get(workshop_id)
        if loading is None:
            loading = asyncio.ensure_future(self._load(workshop_id))
            self._loading[workshop_id] = loading
            loading.add_done_callback(lambda done: self._loaded(workshop_id, done))
        # Shielded: one caller that goes away must not cancel the load the others wait for.
        return await asyncio.shield(loading)

    def _loaded(self, workshop_id: str, done: asyncio.Future[Room]) -> None:
        self._loading.pop(workshop_id, None)
        if not done.cancelled():
            done.exception()  # its callers have it; not "never retrieved" if they all left

    async def _load(self, workshop_id: str) -> Room:
        room = await asyncio.to_thread(
            Room.load,
            workshop_id,
            engine=self._engine,
            hub=self._hub,
            clock=self._clock,
            committer=self._committer,
        )
        await room.open()
        try:
            await room.refresh()  # what others wrote between loading and subscribing
        except BaseException:
            await room.close()
            raise
        self._rooms[workshop_id] = room
        return room

    async def forget(self, workshop_id: str) -> None:
        """Let go of a workshop that was deleted: its room stops following the hub. A socket
        still open on it is closed at its next command, and cannot reconnect (4404)."""
        room = self._rooms.pop(workshop_id, None)
        if room is not None:
            await room.close()

    async def close(self) -> None:
        for loading in tuple(self._loading.values()):
            loading.cancel()
            with contextlib.suppress(BaseException):
                await loading
        for room in self._rooms.values():
            await room.close()
        self._rooms.clear()
        self._committer.close()
