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
from facilitator.store.tables import Participant, RecoveryLink, Reflection
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
    keys = [phase.key for phase in programme.workshop("staff-day-1").agenda.phases]
    run(engine, day1, JumpTo(phase=keys.index("needs-and-offers")), FACILITATOR, "j")
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
        assert privacy.anonymise(session, participant_id="anna") == {day1: ["anna"]}

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


def _person(engine: Engine, workshop_id: str, pid: str, name: str, **extra: str) -> None:
    with session_scope(engine) as session:
        row = workshops.get_workshop(session, workshop_id=workshop_id)
        assert row is not None
        session.add(
            Participant(
                id=pid,
                workshop_id=row.id,
                programme_id=row.programme_id,
                name=name,
                token=f"t-{pid}",
                created_at=row.created_at,
                **extra,
            )
        )


def _reflection(engine: Engine, pid: str, text: str, clock: FakeClock) -> str:
    with session_scope(engine) as session:
        person = session.get(Participant, pid)
        assert person is not None
        workshop = workshops.get_workshop(session, workshop_id=person.workshop_id)
        assert workshop is not None
        made = reflections.reflection_for(
            session, participant=person, workshop=workshop, prompt={"da": "x"}, now=clock()
        )
        reflections.save(session, reflection=made, text=text, share=False, now=clock())
        return made.id


def test_a_reflection_is_proven_only_by_its_writers_token(
    engine: Engine, programme: Programme, clock: FakeClock
) -> None:
    links = create_programme(engine, programme, clock=clock, base_url="")
    day1, day2 = links[1].workshop_id, links[3].workshop_id
    _person(engine, day1, "anna", "Anna")
    _person(engine, day1, "bo", "Bo")
    _reflection(engine, "anna", "Annas", clock)
    with session_scope(engine) as session:
        later = workshops.get_workshop(session, workshop_id=day2)
        assert later is not None
        tokens = {day1: "t-bo"}
        assert reflections.proven_reflection(session, workshop=later, token_for=tokens.get) is None
        found = reflections.proven_reflection(
            session, workshop=later, token_for={day1: "t-anna"}.get
        )
        assert found is not None and found.text == "Annas"
        # Only earlier workshops prove anything: day 1 itself (or the same token for day 2) not.
        first = workshops.get_workshop(session, workshop_id=day1)
        assert first is not None
        assert (
            reflections.proven_reflection(session, workshop=first, token_for=lambda _w: "t-anna")
            is None
        )


def test_linked_people_follow_proven_links_across_workshops_and_no_further(
    engine: Engine, programme: Programme, clock: FakeClock
) -> None:
    links = create_programme(engine, programme, clock=clock, base_url="")
    day1, catalogue, day2 = links[1].workshop_id, links[2].workshop_id, links[3].workshop_id
    _person(engine, day1, "anna1", "Anna")
    _person(engine, day1, "bo1", "Bo")
    annas = _reflection(engine, "anna1", "Annas", clock)
    _reflection(engine, "bo1", "Bos", clock)
    _person(engine, catalogue, "anna2", "Anna", reflection_id=annas)
    _person(engine, day2, "anna3", "Anna", reflection_id=annas)
    _person(engine, day2, "bo3", "Bo")
    with session_scope(engine) as session:
        for start in ("anna1", "anna2", "anna3"):
            found = {p.id for p in privacy.linked_people(session, participant_id=start)}
            assert found == {"anna1", "anna2", "anna3"}, start
        assert {p.id for p in privacy.linked_people(session, participant_id="bo3")} == {"bo3"}
        assert privacy.anonymise(session, participant_id="bo3") == {day2: ["bo3"]}
    with session_scope(engine) as session:
        names = {p.id: p.name for p in session.exec(select(Participant))}
        texts = sorted(r.text for r in session.exec(select(Reflection)))
    assert names == {
        "anna1": "Anna",
        "bo1": "Bo",
        "anna2": "Anna",
        "anna3": "Anna",
        "bo3": ANONYMOUS,
    }
    assert texts == ["Annas", "Bos"]


def test_a_recovery_link_works_once_within_seven_days(
    engine: Engine, programme: Programme, clock: FakeClock
) -> None:
    day1 = create_programme(engine, programme, clock=clock, base_url="")[1].workshop_id
    _person(engine, day1, "anna", "Anna")
    with session_scope(engine) as session:
        person = session.get(Participant, "anna")
        assert person is not None
        replaced = privacy.issue_recovery(session, participant=person, now=clock())
        secret = privacy.issue_recovery(session, participant=person, now=clock())
        links = list(session.exec(select(RecoveryLink)))
    assert len(links) == 1 and secret not in links[0].token_hash  # only a hash is kept
    with session_scope(engine) as session:
        assert privacy.redeem_recovery(session, token=replaced, now=clock()) is None  # replaced
        clock.advance(privacy.RECOVERY_LIFETIME.total_seconds() - 1)
        moved = privacy.redeem_recovery(session, token=secret, now=clock())
        assert moved is not None and [p.id for p in moved] == ["anna"]
        assert moved[0].token != "t-anna"
        assert privacy.redeem_recovery(session, token=secret, now=clock()) is None  # once
    with session_scope(engine) as session:
        person = session.get(Participant, "anna")
        assert person is not None
        late = privacy.issue_recovery(session, participant=person, now=clock())
        clock.advance(privacy.RECOVERY_LIFETIME.total_seconds())
        assert privacy.redeem_recovery(session, token=late, now=clock()) is None  # expired
        erased = privacy.issue_recovery(session, participant=person, now=clock())
        privacy.anonymise(session, participant_id="anna")
        assert privacy.recovery_link(session, token=erased) is None  # erasure ends it too
