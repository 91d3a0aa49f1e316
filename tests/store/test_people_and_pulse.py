"""People across the programme's workshops, and the pulse read from the store: pseudonyms
that link only what a device proved, the guest code, and every measurement of a programme."""

from __future__ import annotations

import json
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text
from sqlmodel import Session

from facilitator.agenda import Agenda, Programme, Role
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.errors import Refusal
from facilitator.core.workshop import COMMANDS, decide, fold
from facilitator.store import people, workshops
from facilitator.store.db import make_engine, session_scope
from facilitator.store.migrate import MIGRATIONS, upgrade
from facilitator.store.programmes import create_programme
from facilitator.store.pulse import programme_pulse
from facilitator.store.tables import Participant
from tests.support import FakeClock


def run(engine: Engine, workshop_id: str, actor: Actor, cid: str, **fields: Any) -> None:
    """Decide and record one command, as a room does; a join adds the person's row too."""
    command = COMMANDS.validate_python(fields)
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
        if fields["type"] == "join":
            session.add(
                Participant(
                    id=cid,
                    workshop_id=row.id,
                    programme_id=row.programme_id,
                    name=fields["name"],
                    department=fields["department"],
                    role=actor.role.value,
                    token=f"t-{cid}",
                    created_at=row.created_at,
                )
            )


def phase_of(programme: Programme, workshop: str, key: str) -> int:
    return [p.key for p in programme.workshop(workshop).agenda.phases].index(key)


def continue_on(session: Session, *, earlier: str, later: str) -> None:
    """What the join does once the device proved it is ``earlier``'s (store.people)."""
    new = session.get(Participant, later)
    old = session.get(Participant, earlier)
    assert new is not None
    people.link_person(session, participant=new, continues=old)


def test_every_workshop_has_a_guest_code_that_opens_it_as_a_guest(
    engine: Engine, programme: Programme, clock: FakeClock
) -> None:
    links = create_programme(engine, programme, clock=clock, base_url="")
    with session_scope(engine) as session:
        row = workshops.get_workshop(session, workshop_id=links[1].workshop_id)
        assert row is not None and row.guest_code is not None
        assert len({row.join_code, row.leader_code, row.guest_code}) == 3
        found = workshops.workshop_by_any_code(session, code=f" {row.guest_code.lower()} ")
        assert found is not None and found[0].id == row.id and found[1] == "guest"
        assert workshops.workshop_by_any_code(session, code=row.leader_code)[1] == "leader"  # type: ignore[index]


def test_a_proven_device_carries_the_persons_pseudonym_and_nothing_else_links_rows(
    engine: Engine, programme: Programme, clock: FakeClock
) -> None:
    _, day1, _, day2 = (
        link.workshop_id for link in create_programme(engine, programme, clock=clock, base_url="")
    )
    for pid, workshop in (("anna1", day1), ("bo1", day1), ("anna2", day2), ("bo2", day2)):
        run(
            engine,
            workshop,
            Actor(Role.PARTICIPANT, pid),
            pid,
            type="join",
            name="Anna",
            department="miljo",
        )
    with session_scope(engine) as session:
        row = workshops.get_workshop(session, workshop_id=day2)
        assert row is not None
        tokens = {day1: "t-anna1"}
        proven = people.proven_earlier(session, workshop=row, token_for=tokens.get)
        assert proven is not None and proven.id == "anna1"
        assert people.proven_earlier(session, workshop=row, token_for=lambda w: None) is None
        continue_on(session, earlier="anna1", later="anna2")
        # bo2 shares a name with nobody and proved nothing: a person of their own
        bo2 = session.get(Participant, "bo2")
        assert bo2 is not None
        people.link_person(session, participant=bo2, continues=None)
    with session_scope(engine) as session:
        programme_id = workshops.get_workshop(session, workshop_id=day1).programme_id  # type: ignore[union-attr]
        assert programme_id is not None
        names = people.pseudonyms(session, programme_id=programme_id, salt="s")
        assert names["anna1"] == names["anna2"] != names["bo2"]
        assert names["bo1"] not in (names["bo2"], names["anna1"])  # the same name is not proof
        assert all(label.startswith("P-") and "anna" not in label for label in names.values())
        again = people.pseudonyms(session, programme_id=programme_id)
        assert again["anna1"] == again["anna2"] and again["anna1"] != names["anna1"]  # salted


def test_the_programmes_pulse_reads_every_measurement_pseudonymously(
    engine: Engine, programme: Programme, clock: FakeClock
) -> None:
    kickoff, day1, _, day2 = (
        link.workshop_id for link in create_programme(engine, programme, clock=clock, base_url="")
    )
    run(engine, day1, FACILITATOR, "s1", type="start")
    run(
        engine,
        day1,
        FACILITATOR,
        "j1",
        type="jump",
        phase=phase_of(programme, "staff-day-1", "pulse-baseline"),
    )
    run(engine, day2, FACILITATOR, "s2", type="start")
    run(
        engine,
        day2,
        FACILITATOR,
        "j2",
        type="jump",
        phase=phase_of(programme, "staff-day-2", "pulse-end"),
    )
    for n in range(6):
        for workshop, suffix, score in ((day1, "a", 2), (day2, "b", 4)):
            pid = f"p{n}{suffix}"
            actor = Actor(Role.PARTICIPANT, pid)
            run(engine, workshop, actor, pid, type="join", name=f"Person {n}", department="miljo")
            scores = {"overall": score, "case-handling": 3, "information": 3}
            run(engine, workshop, actor, f"x{pid}", type="answer_pulse", scores=scores, recommend=9)
        if n < 5:
            with session_scope(engine) as session:
                continue_on(session, earlier=f"p{n}a", later=f"p{n}b")
    with session_scope(engine) as session:
        programme_id = workshops.get_workshop(session, workshop_id=kickoff).programme_id  # type: ignore[union-attr]
        assert programme_id is not None
        read = programme_pulse(session, programme_id=programme_id, salt="x")
        assert read.pulse is not None and read.result is not None
        assert read.closed == frozenset()  # neither is closed, nor its workshop ended
        assert [m.shown for m in read.result.measurements] == [False] * 4
    run(engine, day1, FACILITATOR, "c1", type="close_pulse")
    run(engine, day2, FACILITATOR, "e2", type="end")  # an ended workshop's measurement is over
    with session_scope(engine) as session:
        read = programme_pulse(session, programme_id=programme_id, salt="x")
        assert read.closed == {"baseline", "end"} and read.result is not None
        assert {r.measurement for r in read.records} == {"baseline", "end"}
        assert all(r.role == "participant" and r.person.startswith("P-") for r in read.records)
        [_, change] = read.result.comparisons
        assert change.items[0].overall == 2.0
        assert (change.items[0].paired_n, change.items[0].paired) == (5, 2.0)


def test_the_migration_gives_every_existing_workshop_a_guest_code_of_its_own(
    database_url: str, agenda: Agenda, clock: FakeClock
) -> None:
    engine = make_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0003")
        with engine.begin() as connection:
            for n in range(3):
                connection.execute(
                    text(
                        "INSERT INTO workshop (id, position, key, agenda, join_code, leader_code,"
                        " facilitator_token, projector_token, status, seq, created_at) VALUES"
                        " (:id, 0, 'w', :agenda, :join, :lead, 'f', 'p', 'lobby', 0, :at)"
                    ),
                    {
                        "id": f"w{n}",
                        "agenda": json.dumps(agenda.model_dump(mode="json")),
                        "join": f"JJJJJ{n}",
                        "lead": f"LLLLL{n}",
                        "at": clock(),
                    },
                )
        upgrade(engine)
        with engine.connect() as connection:
            codes = connection.execute(text("SELECT guest_code FROM workshop")).scalars().all()
        assert len(set(codes)) == 3 and all(code and len(code) == 6 for code in codes)
    finally:
        engine.dispose()
