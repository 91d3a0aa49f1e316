"""The facilitator's secret, and what the home page does with programmes: rename, schedule,
add a workshop, archive, and delete with all their data (never while one runs)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, select

from facilitator.agenda import Programme, Text
from facilitator.agenda.files import load_agenda
from facilitator.core.actors import FACILITATOR
from facilitator.core.commands import Start
from facilitator.core.revision import ReviseAgenda
from facilitator.paths import AGENDAS
from facilitator.store import home, programmes, tables, workshops
from facilitator.store.db import session_scope
from facilitator.store.programmes import create_programme
from tests.support import FakeClock

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


# --- the facilitator's secret -------------------------------------------------------------


def test_the_first_link_is_made_once_and_kept_as_a_hash(engine: Engine) -> None:
    with session_scope(engine) as session:
        secret = home.first_link(session, now=NOW)
        assert secret is not None
        assert home.first_link(session, now=NOW) is None  # a later start makes none
        stored = session.exec(select(tables.HomeLink)).all()
        assert len(stored) == 1 and secret not in stored[0].token_hash


def test_a_link_is_spent_once_for_a_session(engine: Engine) -> None:
    with session_scope(engine) as session:
        secret = home.new_link(session, now=NOW)
        assert home.link_state(session, secret=secret, now=NOW) == "valid"
        token = home.spend(session, secret=secret, now=NOW)
        assert token is not None and token != secret
        assert home.signed_in(session, token=token, now=NOW)
        assert home.link_state(session, secret=secret, now=NOW) == "used"
        assert home.spend(session, secret=secret, now=NOW) is None
        assert not home.signed_in(session, token=secret, now=NOW)
        assert session.exec(select(tables.HomeSession.token_hash)).one() != token


def test_links_and_sessions_expire_and_sessions_end(engine: Engine) -> None:
    with session_scope(engine) as session:
        late = home.new_link(session, now=NOW)
        assert home.spend(session, secret=late, now=NOW + home.LINK_LIFETIME) is None
        assert home.link_state(session, secret="no-such-link-at-all", now=NOW) == "unknown"
        token = home.spend(session, secret=home.new_link(session, now=NOW), now=NOW)
        assert token is not None
        assert not home.signed_in(session, token=token, now=NOW + home.SESSION_LIFETIME)
        assert home.signed_in(session, token=token, now=NOW + timedelta(days=1))
        home.sign_out(session, token=token)
        assert not home.signed_in(session, token=token, now=NOW)


# --- programmes ---------------------------------------------------------------------------


@pytest.fixture
def made(engine: Engine, programme: Programme) -> str:
    links = create_programme(engine, programme, clock=FakeClock(), base_url="")
    return links[0].programme_id


def test_a_programme_is_listed_renamed_scheduled_and_archived(engine: Engine, made: str) -> None:
    with session_scope(engine) as session:
        (view,) = programmes.programmes(session)
        assert view.row.id == made and view.workshops[0].key == "leaders-kickoff"
        title = Text(da="Servicekultur 2027", en="Service culture 2027")
        assert programmes.rename(session, programme_id=made, title=title, organisation="Solrød")
        starts = datetime(2027, 1, 12, 8, 30, tzinfo=UTC)
        assert programmes.schedule(session, workshop_id=view.workshops[0].id, starts_at=starts)
        assert programmes.archive(session, programme_id=made, archived=True, now=NOW)
    with session_scope(engine) as session:
        found = programmes.programme(session, programme_id=made)
        assert found is not None and found.title == title
        assert found.row.spec["organisation"] == "Solrød" and found.row.archived_at == NOW
        assert found.workshops[0].starts_at == datetime(2027, 1, 12, 8, 30, tzinfo=UTC)
        assert programmes.find(session, target="solrod-service-2026") == [found]
        assert programmes.find(session, target=made) == [found]
        assert programmes.archive(session, programme_id=made, archived=False, now=NOW)
        assert not programmes.rename(session, programme_id="0" * 32, title=title, organisation="x")


def test_added_workshops_get_numbered_keys_and_titles(engine: Engine) -> None:
    blank = load_agenda(AGENDAS / "blank" / "workshop.yaml")
    from facilitator.agenda.files import load_programme

    programme_id = create_programme(
        engine, load_programme(AGENDAS / "blank" / "programme.yaml"), clock=FakeClock(), base_url=""
    )[0].programme_id
    with session_scope(engine) as session:
        second = programmes.add_workshop(session, programme_id=programme_id, agenda=blank, now=NOW)
        third = programmes.add_workshop(session, programme_id=programme_id, agenda=blank, now=NOW)
        assert second is not None and third is not None
        assert (second.key, second.position) == ("workshop-2", 1)
        assert workshops.agenda_of(third).title == Text(da="Workshop 3", en="Workshop 3")


def test_deleting_a_programme_deletes_everything_in_it(engine: Engine, made: str) -> None:
    with session_scope(engine) as session:
        view = programmes.programme(session, programme_id=made)
        assert view is not None
        day1 = view.workshops[1]
        session.add(
            tables.Participant(
                id="a" * 32,
                programme_id=made,
                workshop_id=day1.id,
                name="Ada",
                department="miljo",
                token="t" * 32,
                created_at=NOW,
            )
        )
    with session_scope(engine) as session:
        deleted = programmes.delete_programme(session, programme_id=made)
        assert len(deleted) == 4
    with session_scope(engine) as session:
        for table in (tables.ProgrammeRow, tables.Workshop, tables.PhaseRun, tables.Participant):
            assert _count(session, table) == 0, table
        assert programmes.delete_programme(session, programme_id=made) == []


def test_a_programme_whose_workshop_runs_is_not_deleted(engine: Engine, made: str) -> None:
    with session_scope(engine) as session:
        view = programmes.programme(session, programme_id=made)
        assert view is not None
        view.workshops[2].status = "running"
        session.add(view.workshops[2])
    with session_scope(engine) as session, pytest.raises(programmes.StillRunning) as raised:
        programmes.delete_programme(session, programme_id=made)
    assert str(raised.value) == "leaders-catalogue"
    with session_scope(engine) as session:
        assert _count(session, tables.Workshop) == 4


def _count(session: Session, table: type[SQLModel]) -> int:
    return int(session.exec(select(func.count()).select_from(table)).one())


# --- a revision as rows ---------------------------------------------------------------------


async def test_a_revision_rewrites_the_agenda_and_the_clocks_of_what_is_to_come(
    engine: Engine, made: str
) -> None:
    from facilitator.live.memory_hub import MemoryHub
    from facilitator.live.rooms import Rooms

    with session_scope(engine) as session:
        view = programmes.programme(session, programme_id=made)
        assert view is not None
        row = view.workshops[1]
    rooms = Rooms(engine=engine, hub=MemoryHub(), clock=FakeClock())
    try:
        room = await rooms.get(row.id)
        await room.submit(Start(), FACILITATOR, None)
        agenda = room.agenda
        shorter = agenda.model_copy(update={"phases": (*agenda.phases[:1], *agenda.phases[2:])})
        outcome = await room.submit(ReviseAgenda(agenda=shorter, version=0), FACILITATOR, "r1")
        assert not hasattr(outcome, "code"), outcome
        assert room.agenda == shorter and room.state.machine.revision == 1
    finally:
        await rooms.close()
    with session_scope(engine) as session:
        stored = workshops.get_workshop(session, workshop_id=row.id)
        assert stored is not None and stored.agenda_version == 1
        assert workshops.agenda_of(stored) == shorter
        restored = workshops.restore(session, workshop=stored)
        assert restored.machine.revision == 1
        assert [c.planned for c in restored.machine.clocks] == [
            60 * p.minutes for p in shorter.phases
        ]
        assert restored.machine.clocks[0].started_at is not None
    # A room loaded afresh (a restart) has the revised agenda.
    rooms = Rooms(engine=engine, hub=MemoryHub(), clock=FakeClock())
    try:
        assert (await rooms.get(row.id)).agenda == shorter
    finally:
        await rooms.close()
