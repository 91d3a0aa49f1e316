from __future__ import annotations

import asyncio
import json

from sqlalchemy import Engine
from sqlmodel import select

from facilitator.agenda import Agenda, Role
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.commands import Extend, Next, Pause, Start
from facilitator.core.errors import Refusal
from facilitator.core.machine import Status
from facilitator.live.listeners import CONSOLE, PEOPLE, WALL
from facilitator.live.memory_hub import MemoryHub
from facilitator.live.room import Accepted, Room, channel
from facilitator.store import workshops
from facilitator.store.committer import Committer
from facilitator.store.db import session_scope
from facilitator.store.tables import JournalEntry
from tests.support import FakeClock, until


def new_room(engine: Engine, agenda: Agenda, clock: FakeClock, hub: MemoryHub) -> Room:
    with session_scope(engine) as session:
        row = workshops.create_workshop(session, agenda=agenda, now=clock())
    return Room.load(row.id, engine=engine, hub=hub, clock=clock)


def journal(engine: Engine, workshop_id: str) -> list[int]:
    with session_scope(engine) as session:
        query = select(JournalEntry.seq).where(JournalEntry.workshop_id == workshop_id)
        return sorted(session.exec(query))


async def test_an_accepted_command_is_committed_before_anyone_hears_of_it(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    hub = MemoryHub()
    room = new_room(engine, agenda, clock, hub)
    async with hub.subscribe(channel(room.workshop_id)) as subscription:
        outcome = await room.submit(Start(), FACILITATOR, "c1")
        notice = json.loads(await asyncio.wait_for(subscription.get(), 1))
    assert outcome == Accepted(seq=2)
    assert notice == {"seq": 2}
    assert journal(engine, room.workshop_id) == [1, 2]
    assert Room.load(room.workshop_id, engine=engine, hub=hub, clock=clock).state == room.state


async def test_a_retried_command_is_answered_with_its_first_result_and_applied_once(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    room = new_room(engine, agenda, clock, MemoryHub())
    await room.submit(Start(), FACILITATOR, "start")
    first = await room.submit(Extend(minutes=5), FACILITATOR, "extend-1")
    again = await room.submit(Extend(minutes=5), FACILITATOR, "extend-1")
    assert isinstance(first, Accepted) and isinstance(again, Accepted)
    assert again.seq == first.seq and again.replayed
    assert room.state.machine.clocks[0].extra == 300
    assert journal(engine, room.workshop_id) == [1, 2, 3]


async def test_a_refused_command_changes_nothing_stored(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    room = new_room(engine, agenda, clock, MemoryHub())
    refusal = await room.submit(Next(), FACILITATOR, "too-early")
    assert isinstance(refusal, Refusal) and refusal.code == "not_started"
    denied = await room.submit(Start(), Actor(Role.PARTICIPANT, "p1"), "sneaky")
    assert isinstance(denied, Refusal) and denied.code == "forbidden"
    assert journal(engine, room.workshop_id) == []
    assert room.seq == 0


async def test_concurrent_commands_are_applied_one_at_a_time_with_gap_free_seqs(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    room = new_room(engine, agenda, clock, MemoryHub())
    await room.submit(Start(), FACILITATOR, "start")
    outcomes = await asyncio.gather(
        *(room.submit(Extend(minutes=1), FACILITATOR, f"x{n}") for n in range(20))
    )
    assert sorted(o.seq for o in outcomes if isinstance(o, Accepted)) == list(range(3, 23))
    assert room.state.machine.clocks[0].extra == 20 * 60
    assert journal(engine, room.workshop_id) == list(range(1, 23))


async def test_a_room_in_another_process_catches_up_instead_of_overwriting(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    hub = MemoryHub()
    here = new_room(engine, agenda, clock, hub)
    there = Room.load(here.workshop_id, engine=engine, hub=hub, clock=clock)
    await here.submit(Start(), FACILITATOR, "a")
    outcome = await there.submit(Pause(), FACILITATOR, "b")  # `there` still thinks: lobby
    assert outcome == Accepted(seq=3)
    assert there.state.machine.status is Status.PAUSED
    await here.refresh()
    assert here.state == there.state
    assert journal(engine, here.workshop_id) == [1, 2, 3]


async def test_the_events_after_a_seq_come_from_memory_in_order_and_complete(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    room = new_room(engine, agenda, clock, MemoryHub())
    await room.submit(Start(), FACILITATOR, "start")
    for n in range(10):
        await room.submit(Extend(minutes=1), FACILITATOR, f"x{n}")
    assert room.seq == 12
    for seq in range(13):
        assert [n for n, _ in room.events_after(seq) or []] == list(range(seq + 1, 13))
    room.recent.popleft()  # memory no longer reaches back to seq 1
    assert room.events_after(0) is None


class Ear:
    """A listener as a socket is one: it notes what the room tells it, and when."""

    def __init__(
        self,
        room: Room,
        *,
        shows_presence: bool = False,
        turn: int = PEOPLE,
        told: list[Ear] | None = None,
    ) -> None:
        self.room = room
        self.shows_presence = shows_presence
        self.turn = turn
        self.heard: list[tuple[str, int]] = []
        self.told = told  # where it notes itself when told, beside the others

    def advance(self) -> None:
        self.heard.append(("advance", self.room.seq))
        if self.told is not None:
            self.told.append(self)

    def reset(self) -> None:
        self.heard.append(("reset", self.room.seq))


async def test_every_listener_hears_of_a_committed_change_at_once_and_of_a_refusal_never(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    room = new_room(engine, agenda, clock, MemoryHub())
    ears = [Ear(room) for _ in range(3)]
    for ear in ears:
        room.attach(ear, None)
    await room.submit(Start(), FACILITATOR, "start")
    await room.submit(Next(), Actor(Role.PARTICIPANT, "p1"), "not-yours")
    assert all(ear.heard == [("advance", 2)] for ear in ears)
    room.detach(ears[0], None)
    await room.submit(Extend(minutes=1), FACILITATOR, "more")
    assert ears[0].heard == [("advance", 2)]
    assert ears[1].heard == [("advance", 2), ("advance", 3)]


async def test_the_peoples_screens_are_told_first_then_the_wall_then_the_console(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    room = new_room(engine, agenda, clock, MemoryHub())
    told: list[Ear] = []
    console = Ear(room, turn=CONSOLE, told=told)
    wall = Ear(room, turn=WALL, told=told)
    phones = [Ear(room, told=told) for _ in range(5)]
    for ear in (console, wall, *phones):  # the screens opened first, as in a real room
        room.attach(ear, None)
    await room.submit(Start(), FACILITATOR, "start")
    assert set(told[:5]) == set(phones) and told[5:] == [wall, console]
    room.detach(wall, None)
    assert len(room.listeners) == 6 and wall not in room.listeners


class SlowDisk(Committer):
    """Commits as usual; the sync to disk waits until the test lets it go."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.synced = asyncio.Event()
        self.asked: list[bool] = []

    async def durable(self, *, again: bool = False) -> None:
        self.asked.append(again)
        await self.synced.wait()


async def test_listeners_hear_of_a_change_once_committed_and_its_sender_once_it_is_on_disk(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    with session_scope(engine) as session:
        row = workshops.create_workshop(session, agenda=agenda, now=clock())
    disk = SlowDisk(engine)
    room = Room.load(row.id, engine=engine, hub=MemoryHub(), clock=clock, committer=disk)
    ear = Ear(room)
    room.attach(ear, None)
    answer = asyncio.create_task(room.submit(Start(), FACILITATOR, "start"))
    await until(lambda: ear.heard, "the listener never heard of the commit")
    assert ear.heard == [("advance", 2)]
    assert not answer.done()
    disk.synced.set()
    assert await answer == Accepted(seq=2)
    again = await room.submit(Start(), FACILITATOR, "start")  # a retry, answered from its receipt
    assert again == Accepted(seq=2, replayed=True)
    assert disk.asked == [False, True]  # the receipt may be another process's: sync again


async def test_people_coming_and_going_wake_only_the_listeners_that_show_presence(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    room = new_room(engine, agenda, clock, MemoryHub())
    facilitator, phone = Ear(room, shows_presence=True), Ear(room)
    room.attach(facilitator, None)
    room.attach(phone, "p1")
    assert facilitator.heard == [("advance", 0)]  # the first change in a quiet moment: at once
    room.detach(phone, "p1")
    await until(lambda: len(facilitator.heard) == 2, "the facilitator never heard p1 go")
    assert phone.heard == []
    assert "p1" not in room.online


async def test_a_crowd_arriving_at_once_costs_the_facilitator_a_few_updates_not_one_each(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    room = new_room(engine, agenda, clock, MemoryHub())
    facilitator = Ear(room, shows_presence=True)
    room.attach(facilitator, None)
    for n in range(200):
        room.attach(Ear(room), f"p{n}")
        if n % 20 == 0:
            await asyncio.sleep(0.01)  # they arrive over a fifth of a second or so
    await until(lambda: room.presence_version == 200, "not everyone arrived")
    await asyncio.sleep(0.3)  # the last batch
    assert 2 <= len(facilitator.heard) <= 4
    assert len(room.online) == 200


async def test_whoever_is_online_in_one_process_is_online_in_every_process(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    hub = MemoryHub()  # two rooms of one workshop on one hub: two processes
    here = new_room(engine, agenda, clock, hub)
    there = Room.load(here.workshop_id, engine=engine, hub=hub, clock=clock)
    await here.open()
    await there.open()
    try:
        facilitator = Ear(here, shows_presence=True)
        here.attach(facilitator, None)
        phone = Ear(there)
        there.attach(phone, "p1")
        await until(lambda: here.online == {"p1"}, "p1's socket elsewhere never showed here")
        assert facilitator.heard  # and the facilitator's page heard of it
        # A third process, opened later, asks who is online, and is told at once.
        late = Room.load(here.workshop_id, engine=engine, hub=hub, clock=clock)
        await late.open()
        try:
            await until(lambda: late.online == {"p1"}, "a new process never heard who is on")
        finally:
            await late.close()
        there.detach(phone, "p1")
        await until(lambda: here.online == frozenset(), "p1 never went offline here")
        there.attach(phone, "p1")
        await until(lambda: here.online == {"p1"}, "p1 never came back")
        await there.close()  # a process that stops says goodbye for its sockets
        await until(lambda: here.online == frozenset(), "the stopped process's people linger")
    finally:
        await here.close()
        await there.close()


async def test_a_rewritten_history_gives_every_listener_a_fresh_view(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    hub = MemoryHub()
    room = new_room(engine, agenda, clock, hub)
    ear = Ear(room)
    room.attach(ear, None)
    async with hub.subscribe(channel(room.workshop_id)) as subscription:
        await room.reload()
        notice = json.loads(await asyncio.wait_for(subscription.get(), 1))
    assert ear.heard == [("reset", 0)]
    assert notice["reload"] is True  # other processes read it again too


async def test_a_room_hears_through_the_hub_what_another_process_wrote_and_tells_its_listeners(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    hub = MemoryHub()
    here = new_room(engine, agenda, clock, hub)
    there = Room.load(here.workshop_id, engine=engine, hub=hub, clock=clock)
    ear = Ear(there)
    there.attach(ear, None)
    await there.open()
    try:
        await here.submit(Start(), FACILITATOR, "start")
        await until(lambda: ear.heard, "the other room never heard of the write")
        assert ear.heard == [("advance", 2)]
        assert there.state == here.state
        await here.submit(Extend(minutes=2), FACILITATOR, "more")
        await here.reload()  # an erasure there: here reads it again as well
        await until(lambda: len(ear.heard) == 3, lambda: f"heard only {ear.heard}")
        assert ear.heard == [("advance", 2), ("advance", 3), ("reset", 3)]
    finally:
        await there.close()


async def test_a_kept_render_is_reused_while_its_fingerprint_holds_whatever_else_changes(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    room = new_room(engine, agenda, clock, MemoryHub())
    renders: list[str] = []

    def render(text: str) -> str:
        renders.append(text)
        return text

    first = room.remembered("people", "anna,bo", lambda: render("<p>Anna, Bo</p>"))
    await room.submit(Start(), FACILITATOR, "c1")  # the room moves on; the people do not
    again = room.remembered("people", "anna,bo", lambda: render("never"))
    assert again is first and renders == ["<p>Anna, Bo</p>"]
    changed = room.remembered("people", "anna,bo,cai", lambda: render("<p>Anna, Bo, Cai</p>"))
    assert changed == "<p>Anna, Bo, Cai</p>" and len(renders) == 2


async def test_listeners_told_of_one_change_share_what_they_send_alike_and_only_then(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    room = new_room(engine, agenda, clock, MemoryHub())
    sent: list[object] = []

    class Page(Ear):
        def advance(self) -> None:
            sent.append(self.room.alike(("page", "view"), lambda: {"text": "<p>the view</p>"}))

    for _ in range(3):
        room.attach(Page(room), None)
    await room.submit(Start(), FACILITATOR, "c1")
    await room.submit(Pause(), FACILITATOR, "c2")
    first, second = sent[:3], sent[3:]
    assert all(message is first[0] for message in first)
    assert all(message is second[0] for message in second)
    assert first[0] is not second[0]  # a value is never kept past the pass that made it
    outside = [room.alike(("page", "view"), lambda: {"text": "x"}) for _ in range(2)]
    assert outside[0] is not outside[1]
