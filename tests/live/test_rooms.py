"""The rooms of a process: loaded on first use, each on its own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import Engine

from facilitator.agenda import Agenda
from facilitator.live.memory_hub import MemoryHub, Subscription
from facilitator.live.room import WorkshopNotFound, channel
from facilitator.live.rooms import Rooms
from facilitator.store import workshops
from facilitator.store.db import session_scope
from tests.support import FakeClock


class SlowHub(MemoryHub):
    """A hub whose subscriptions to one channel take until the test lets them through, as
    a broker that is down keeps a subscriber waiting for its time-out."""

    def __init__(self, slow_channel: str) -> None:
        super().__init__()
        self.slow_channel = slow_channel
        self.through = asyncio.Event()

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        if channel == self.slow_channel:
            await self.through.wait()
        async with super().subscribe(channel) as subscription:
            yield subscription


async def test_a_room_that_is_slow_to_subscribe_keeps_no_other_room_from_loading(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    with session_scope(engine) as session:
        slow = workshops.create_workshop(session, agenda=agenda, now=clock()).id
        quick = workshops.create_workshop(session, agenda=agenda, now=clock()).id
    hub = SlowHub(channel(slow))
    rooms = Rooms(engine=engine, hub=hub, clock=clock)
    try:
        waiting = [asyncio.create_task(rooms.get(slow)) for _ in range(3)]
        room = await asyncio.wait_for(rooms.get(quick), 5)
        assert room.workshop_id == quick
        assert not any(task.done() for task in waiting)
        hub.through.set()
        loaded = await asyncio.gather(*waiting)
        assert loaded[0] is loaded[1] is loaded[2]  # loaded once, for everyone who asked
        assert await rooms.get(slow) is loaded[0]
    finally:
        await rooms.close()


async def test_an_unknown_workshop_is_not_found_each_time_it_is_asked_for(
    engine: Engine, clock: FakeClock
) -> None:
    rooms = Rooms(engine=engine, hub=MemoryHub(), clock=clock)
    try:
        for _ in range(2):
            with pytest.raises(WorkshopNotFound):
                await rooms.get("no-such-workshop")
    finally:
        await rooms.close()
