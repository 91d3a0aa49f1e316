from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import select

from facilitator.agenda import Programme, Role
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.board_messages import Join, PostIdea
from facilitator.core.board_state import ANONYMOUS
from facilitator.core.commands import JumpTo, Start
from facilitator.core.errors import Refusal
from facilitator.core.workshop import Command, decide, fold
from facilitator.store import privacy, reflections, workshops
from facilitator.store.db import session_scope
from facilitator.store.programmes import create_programme
from facilitator.store.tables import Participant, Reflection
from tests.support import FakeClock


def run(engine: Engine, workshop_id: str, command: Command, actor: Actor, cid: str) -> None:
    with session_scope(engine) as session:
        row = workshops.get_workshop(session, workshop_id=workshop_id)
        assert row is not None
        before = workshops.restore(session, workshop=row)
        events = decide(before, workshops.agenda_of(row), command, actor, row.created_at, cid)
        assert not isinstance(events, Refusal), events
        workshops.record(
            session.connection(),
            workshop_id=row.id,
            seq=row.seq,
            before=before,
            after=fold(before, events),
            events=events,
            actor=actor,
            client_id=cid,
            now=row.created_at,
        )
        if isinstance(command, Join):
            session.add(
                Participant(
                    id=cid,
                    workshop_id=row.id,
                    programme_id=row.programme_id,
                    name=command.name,
                    department=command.department,
                    token=f"t-{cid}",
                    created_at=row.created_at,
                )
            )


def test_anonymising_keeps_the_ideas_without_the_name_everywhere(
    engine: Engine, programme: Programme, clock: FakeClock
) -> None:
    day1 = create_programme(engine, programme, clock=clock, base_url="")[1].workshop_id
    anna = Actor(Role.PARTICIPANT, "anna")
    run(engine, day1, Join(name="Anna Hansen", department="miljo"), anna, "anna")
    run(engine, day1, Start(), FACILITATOR, "s")
    run(engine, day1, JumpTo(phase=4), FACILITATOR, "j")
    run(engine, day1, PostIdea(text="Én indgang"), anna, "idea")
    with session_scope(engine) as session:
        person = session.get(Participant, "anna")
        workshop = workshops.get_workshop(session, workshop_id=day1)
        assert person is not None and workshop is not None
        reflection = reflections.reflection_for(
            session,
            participant=person,
            workshop=workshop,
            prompt={"da": "x", "en": "x"},
            now=clock(),
        )
        reflections.save(session, reflection=reflection, text="Privat", share=True, now=clock())

    with session_scope(engine) as session:
        mine = privacy.own_data(session, participant_id="anna")
        assert mine["people"][0]["name"] == "Anna Hansen"
        assert mine["ideas"][0]["text"] == "Én indgang"
        assert mine["reflections"][0]["text"] == "Privat"
        assert privacy.anonymise(session, participant_id="anna") == {day1: "anna"}

    with session_scope(engine) as session:
        row = workshops.get_workshop(session, workshop_id=day1)
        assert row is not None
        state = workshops.restore(session, workshop=row)
        person = session.get(Participant, "anna")
        assert person is not None and person.token != "t-anna"
        texts = [r.text for r in session.exec(select(Reflection))]
    assert state.board.members["anna"].name == ANONYMOUS
    idea = state.board.ideas["idea"]
    assert idea.text == "Én indgang" and idea.anonymous
    assert "Anna Hansen" not in str(state)
    assert texts == [""]


def test_anonymising_nobody_changes_nothing(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert privacy.anonymise(session, participant_id="nobody") == {}
