"""A room's screens: what every group's phones share is computed once per change."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine

from facilitator.agenda import Agenda, Role
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.board_messages import FormGroups, Join, PostIdea
from facilitator.core.commands import JumpTo, Pause, Start
from facilitator.live.memory_hub import MemoryHub
from facilitator.live.room import Accepted, Room
from facilitator.rendering import Renderer
from facilitator.store import workshops
from facilitator.store.db import session_scope
from facilitator.store.tables import Workshop
from facilitator.web.views import board, board_items, screens
from facilitator.web.views.schedule import schedule
from tests.support import FakeClock


async def _in_group_work(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> tuple[Room, Workshop, list[Actor]]:
    """A room whose 18 people work in three groups of six, the phase's countdown running."""
    with session_scope(engine) as session:
        row = workshops.create_workshop(session, agenda=agenda, now=clock())
    room = Room.load(row.id, engine=engine, hub=MemoryHub(), clock=clock)
    people = [Actor(Role.PARTICIPANT, f"p{n}") for n in range(18)]  # three groups of six
    group_work = next(i for i, p in enumerate(agenda.phases) if p.kind == "group_work")
    commands: list[tuple[Any, Actor]] = [
        *((Join(name=f"Person {n}", department="miljo"), p) for n, p in enumerate(people)),
        (Start(), FACILITATOR),
        (JumpTo(phase=group_work), FACILITATOR),
        (FormGroups(seed=3), FACILITATOR),
    ]
    for n, (command, actor) in enumerate(commands):
        # A join's client id is the new member's id (docs/api.md).
        client_id = actor.participant_id if isinstance(command, Join) else f"c{n}"
        assert isinstance(await room.submit(command, actor, client_id), Accepted)
    return room, row, people


def _every_phone(
    renderer: Renderer, room: Room, row: Workshop, people: list[Actor], clock: FakeClock
) -> dict[str, tuple[str, ...]]:
    """Each person's phone fragments as the room stands now."""
    return {
        p.participant_id or "": screens.live_fragments(
            renderer, room, row, p, "da", base_url="http://x", now=clock()
        )
        for p in people
    }


async def test_every_groups_phones_share_one_role_context_and_one_whole_board_per_change(
    engine: Engine, agenda: Agenda, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    room, row, people = await _in_group_work(engine, agenda, clock)
    computed = {"role": 0, "board": 0}

    def counting(name: str, real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            computed[name] += 1
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(screens, "role_context", counting("role", screens.role_context))
    monkeypatch.setattr(screens, "whole_board", counting("board", board.whole_board))
    renderer = Renderer()

    def every_phone() -> dict[str, tuple[str, ...]]:
        return _every_phone(renderer, room, row, people, clock)

    before = every_phone()
    groups = {board.view_group(room.state, room.agenda, p) for p in people}
    assert len(groups) >= 3
    assert computed == {"role": 1, "board": 1}
    await room.submit(PostIdea(text="Færre skemaer"), people[0], "idea")
    after = every_phone()
    assert computed == {"role": 2, "board": 2}
    mates = [
        p.participant_id
        for p in people
        if board.view_group(room.state, room.agenda, p)
        == board.view_group(room.state, room.agenda, people[0])
    ]
    for person, parts in after.items():
        shows = any("Færre skemaer" in part for part in parts)
        assert shows == (person in mates), person  # on the boards of the poster's group only
        assert shows or before[person] == parts


async def test_a_post_renders_one_item_on_its_groups_board_and_keeps_the_others(
    engine: Engine, agenda: Agenda, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    room, row, people = await _in_group_work(engine, agenda, clock)
    for n, person in enumerate(people[:6]):
        await room.submit(PostIdea(text=f"Idé {n}"), person, f"idea{n}")
    renderer = Renderer()
    _every_phone(renderer, room, row, people, clock)
    rendered: list[str] = []
    real = board_items._items._render_row

    def counted(*args: Any) -> Any:
        rendered.append(args[-1].text)  # the row
        return real(*args)

    monkeypatch.setattr(board_items._items, "_render_row", counted)
    await room.submit(PostIdea(text="Færre skemaer"), people[0], "idea")
    after = _every_phone(renderer, room, row, people, clock)
    assert rendered == ["Færre skemaer"]  # the group's other items are the ones of before
    board_of_poster = after[people[0].participant_id or ""][2]
    assert "Færre skemaer" in board_of_poster and board_of_poster.count('class="idea"') >= 2


async def test_the_wall_and_the_phones_share_one_board_per_change_and_only_phones_may_post(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    room, _, people = await _in_group_work(engine, agenda, clock)
    await room.submit(PostIdea(text="Færre skemaer"), people[0], "idea")
    wall, phone, console = (
        board.whole_board(room.state, room.agenda, actor)
        for actor in (Actor(Role.PROJECTOR), people[1], FACILITATOR)
    )
    assert wall.context["ideas"] is phone.context["ideas"]  # one board for both roles
    assert not wall.context["can_post"] and phone.context["can_post"]
    assert console.context["ideas"] is not phone.context["ideas"]  # it sees hidden ideas too
    assert console.context["can_post"]


async def test_the_console_and_the_wall_share_one_schedule_per_change(
    engine: Engine, agenda: Agenda, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    room, row, people = await _in_group_work(engine, agenda, clock)
    made: list[dict[str, Any]] = []

    def counted(*args: Any, **kwargs: Any) -> dict[str, Any]:
        made.append(schedule(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(screens, "schedule", counted)
    renderer = Renderer()

    def screens_of_the_room() -> tuple[tuple[str, ...], tuple[str, ...]]:
        return tuple(
            screens.live_fragments(
                renderer, room, row, actor, "da", base_url="http://x", now=clock()
            )
            for actor in (FACILITATOR, Actor(Role.PROJECTOR))
        )  # type: ignore[return-value]

    console, wall = screens_of_the_room()
    assert len(made) == 1 and console and wall
    await room.submit(PostIdea(text="Færre skemaer"), people[0], "idea")
    screens_of_the_room()
    assert len(made) == 2  # once per change, for both


async def test_time_passing_alone_renders_no_phone_again_while_the_countdown_runs(
    engine: Engine, agenda: Agenda, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page counts a running countdown down itself (static/app.js, after every swap):
    an idea in one group, seconds later, leaves every other group's fragments as they were,
    the same strings, not rendered again; paused, the figure is the server's and counts."""
    room, row, people = await _in_group_work(engine, agenda, clock)
    renderer = Renderer()
    rendered: list[str] = []
    real_render = renderer.render

    def render(name: str, context: dict[str, Any], language: str) -> str:
        rendered.append(name)
        return real_render(name, context, language)

    monkeypatch.setattr(renderer, "render", render)

    def every_phone() -> dict[str, tuple[str, ...]]:
        return _every_phone(renderer, room, row, people, clock)

    before = every_phone()
    poster = people[0]
    others = [p for p in people if board.view_group(room.state, room.agenda, p)
              != board.view_group(room.state, room.agenda, poster)]  # fmt: skip
    clock.advance(7)
    await room.submit(PostIdea(text="Færre skemaer"), poster, "idea")
    rendered.clear()
    after = every_phone()
    assert rendered == ["fragments/board.html"]  # the poster's group's board, once
    for person in others:
        pid = person.participant_id or ""
        assert all(a is b for a, b in zip(after[pid], before[pid], strict=True)), pid
    assert 'data-deadline="2026' in after[others[0].participant_id or ""][0]

    assert isinstance(await room.submit(Pause(), FACILITATOR, "pause"), Accepted)
    paused = every_phone()[others[0].participant_id or ""][0]
    left = round(room.state.machine.time_left(clock()))
    assert f'data-left="{left}"' in paused and 'data-deadline=""' in paused
    clock.advance(60)
    await room.submit(PostIdea(text="Endnu en"), poster, "idea2")
    assert every_phone()[others[0].participant_id or ""][0] == paused  # paused: no time passes


async def test_a_change_makes_a_new_mine_only_for_the_people_whose_things_it_touched(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    room, _, people = await _in_group_work(engine, agenda, clock)
    made: list[str] = []

    def encode(message: dict[str, Any]) -> str:
        made.append(str(message["ideas"]))
        return json.dumps(message)

    before = {p: screens.personal_message(room, p, encode) for p in people}
    assert len(made) == len(people)
    made.clear()
    await room.submit(PostIdea(text="Færre skemaer"), people[0], "idea")
    after = {p: screens.personal_message(room, p, encode) for p in people}
    assert len(made) == 1 and "idea" in json.loads(after[people[0]] or "")["ideas"]
    assert all(after[p] is before[p] for p in people[1:])  # the very same text: nothing to send
    assert screens.personal_message(room, FACILITATOR, encode) is None
