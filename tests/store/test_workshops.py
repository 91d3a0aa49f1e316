from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, inspect
from sqlalchemy.orm.exc import DetachedInstanceError
from sqlmodel import SQLModel, select

from facilitator.agenda import Agenda
from facilitator.core import machine
from facilitator.core.actors import FACILITATOR
from facilitator.core.commands import Extend, MachineCommand, Next, Pause, Start
from facilitator.core.errors import Refusal
from facilitator.core.workshop import WorkshopState, decide, fold
from facilitator.store import workshops
from facilitator.store.db import session_scope
from facilitator.store.migrate import MIGRATIONS, upgrade
from facilitator.store.tables import JournalEntry, Receipt
from tests.support import FakeClock


def apply(
    engine: Engine, workshop_id: str, command: MachineCommand, clock: FakeClock, client_id: str
) -> int:
    with session_scope(engine) as session:
        row = workshops.get_workshop(session, workshop_id=workshop_id)
        assert row is not None
        before = workshops.restore(session, workshop=row)
        events = machine.decide(before.machine, command, FACILITATOR, clock())
        assert not isinstance(events, Refusal)
        return workshops.record(
            session.connection(),
            workshop_id=workshop_id,
            seq=row.seq,
            before=before,
            after=fold(before, events),
            events=events,
            actor=FACILITATOR,
            client_id=client_id,
            now=clock(),
        )


def restored(engine: Engine, workshop_id: str) -> WorkshopState:
    with session_scope(engine) as session:
        row = workshops.get_workshop(session, workshop_id=workshop_id)
        assert row is not None
        return workshops.restore(session, workshop=row)


def test_the_migrations_build_exactly_the_tables_the_code_declares(engine: Engine) -> None:
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []
    assert {"workshop", "journal", "phase_run", "receipt"} <= set(inspect(engine).get_table_names())


def schema_and_data(engine: Engine) -> tuple[str | None, dict[str, Any], dict[str, list[str]]]:
    """The revision, every table's columns, keys and indexes, and every table's rows."""
    with engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
        inspector = inspect(connection)
        schema: dict[str, Any] = {}
        for table in sorted(inspector.get_table_names()):
            columns = [
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                for c in inspector.get_columns(table)
            ]
            keys = (
                inspector.get_pk_constraint(table)["constrained_columns"],
                sorted(str(f) for f in inspector.get_foreign_keys(table)),
                sorted(str(u) for u in inspector.get_unique_constraints(table)),
                sorted(str(i) for i in inspector.get_indexes(table)),
            )
            schema[table] = (columns, keys)
        tables = MetaData()
        tables.reflect(connection)
        rows = {
            name: sorted(repr(tuple(row)) for row in connection.execute(table.select()))
            for name, table in tables.tables.items()
        }
    return revision, schema, rows


def test_upgrading_twice_changes_nothing(engine: Engine, agenda: Agenda, clock: FakeClock) -> None:
    with session_scope(engine) as session:
        row = workshops.create_workshop(session, agenda=agenda, now=clock())
    apply(engine, row.id, Start(), clock, "kept")
    before = schema_and_data(engine)
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert before[0] == head is not None
    assert before[2]["workshop"] and before[2]["journal"] and before[2]["receipt"]

    upgrade(engine)

    assert schema_and_data(engine) == before


def test_a_new_workshop_restores_to_the_lobby_with_the_agenda_snapshot(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    with session_scope(engine) as session:
        row = workshops.create_workshop(session, agenda=agenda, now=clock())
    state = restored(engine, row.id)
    assert state == WorkshopState.initial([p.minutes for p in agenda.phases])
    with session_scope(engine) as session:
        loaded = workshops.get_workshop(session, workshop_id=row.id)
        assert loaded is not None
        assert workshops.agenda_of(loaded) == agenda
        assert workshops.workshop_by_join_code(session, code=row.join_code.lower()) == loaded


def test_a_workshops_head_has_every_column_but_the_agenda_which_it_never_loads(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    with session_scope(engine) as session:
        row = workshops.create_workshop(session, agenda=agenda, now=clock())
    with session_scope(engine) as session:
        head = workshops.get_workshop_head(session, workshop_id=row.id)
        assert head is not None
        assert "agenda" not in head.__dict__  # deferred: not parsed, not kept
        assert (head.key, head.join_code, head.facilitator_token) == (
            row.key,
            row.join_code,
            row.facilitator_token,
        )
    with pytest.raises(DetachedInstanceError):
        _ = head.agenda  # read after the session: loud, never an empty agenda
    with session_scope(engine) as session:
        assert workshops.get_workshop_head(session, workshop_id="0" * 32) is None


def test_a_recorded_change_restores_to_exactly_the_same_state(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    with session_scope(engine) as session:
        row = workshops.create_workshop(session, agenda=agenda, now=clock())
    expected = WorkshopState.initial([p.minutes for p in agenda.phases])
    script: list[MachineCommand] = [Start(), Extend(minutes=3), Next(), Pause()]
    for number, command in enumerate(script):
        clock.advance(95.5)
        apply(engine, row.id, command, clock, f"c{number}")
        decided = decide(expected, agenda, command, FACILITATOR, clock(), "x")
        assert not isinstance(decided, Refusal)
        expected = fold(expected, decided)
    assert restored(engine, row.id) == expected


def test_the_journal_is_gap_free_and_written_with_each_change(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    with session_scope(engine) as session:
        row = workshops.create_workshop(session, agenda=agenda, now=clock())
    last = apply(engine, row.id, Start(), clock, "a")
    last = apply(engine, row.id, Next(), clock, "b")
    with session_scope(engine) as session:
        seqs = session.exec(select(JournalEntry.seq).where(JournalEntry.workshop_id == row.id))
        assert sorted(seqs) == list(range(1, last + 1))
        events = workshops.events_since(session, workshop_id=row.id, after=0)
        assert [(seq, e.type) for seq, e in events] == [
            (1, "workshop_started"),
            (2, "phase_changed"),
            (3, "phase_changed"),
        ]
        assert workshops.events_since(session, workshop_id=row.id, after=last) == []


def test_a_stale_writer_is_stopped_and_nothing_it_wrote_is_kept(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    with session_scope(engine) as session:
        row = workshops.create_workshop(session, agenda=agenda, now=clock())
    initial = restored(engine, row.id)
    apply(engine, row.id, Start(), clock, "first")
    events = decide(initial, agenda, Start(), FACILITATOR, clock(), "x")
    assert not isinstance(events, Refusal)
    with pytest.raises(workshops.StaleWriter), session_scope(engine) as session:
        workshops.record(
            session.connection(),
            workshop_id=row.id,
            seq=0,  # what the stale process believes
            before=initial,
            after=fold(initial, events),
            events=events,
            actor=FACILITATOR,
            client_id="second",
            now=clock(),
        )
    with session_scope(engine) as session:
        receipts = session.exec(select(Receipt.client_id).where(Receipt.workshop_id == row.id))
        assert list(receipts) == ["first"]


def test_a_client_id_is_recorded_once_per_workshop(
    engine: Engine, agenda: Agenda, clock: FakeClock
) -> None:
    with session_scope(engine) as session:
        row = workshops.create_workshop(session, agenda=agenda, now=clock())
    apply(engine, row.id, Start(), clock, "same")
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        apply(engine, row.id, Next(), clock, "same")
    assert restored(engine, row.id).machine.phase == 0
