"""Prepared statements and batches: the hot write path's way to the database."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from facilitator.agenda import Agenda
from facilitator.store import workshops
from facilitator.store.db import make_engine, session_scope
from facilitator.store.migrate import upgrade
from facilitator.store.prepared import Prepared, batched
from facilitator.store.tables import Receipt, table_of
from tests.support import FakeClock

_RECEIPT = table_of(Receipt)
_INSERT = Prepared(insert(_RECEIPT), ["workshop_id", "client_id", "seq", "result", "at"])
_RENUMBER = Prepared(
    update(_RECEIPT).where(_RECEIPT.c.client_id == bindparam("client")).values(seq=bindparam("seq"))
)


@pytest.fixture
def workshop(engine: Engine, agenda: Agenda, clock: FakeClock) -> str:
    with session_scope(engine) as session:
        return workshops.create_workshop(session, agenda=agenda, now=clock()).id


def receipt(workshop: str, client_id: str, seq: int = 1) -> dict[str, object]:
    at = FakeClock()()
    return {"workshop_id": workshop, "client_id": client_id, "seq": seq, "result": {}, "at": at}


def seqs(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(select(_RECEIPT.c.client_id, _RECEIPT.c.seq))
        return {client: seq for client, seq in rows}


def test_a_batch_writes_every_statement_and_counts_rows_after_it(
    engine: Engine, workshop: str
) -> None:
    with engine.begin() as connection:
        with batched(connection):
            _INSERT.run_many(connection, [receipt(workshop, "a"), receipt(workshop, "b")])
            renumbered = _RENUMBER.start(connection, {"client": "a", "seq": 7})
            missed = _RENUMBER.start(connection, {"client": "nobody", "seq": 7})
        assert (int(renumbered), int(missed)) == (1, 0)
    assert seqs(engine) == {"a": 7, "b": 1}


@pytest.mark.postgres
def test_a_batch_goes_to_postgresql_in_one_pipeline(
    postgres_url: str, agenda: Agenda, clock: FakeClock
) -> None:
    engine = make_engine(postgres_url)
    upgrade(engine)
    try:
        with session_scope(engine) as session:
            workshop = workshops.create_workshop(session, agenda=agenda, now=clock()).id
        with engine.begin() as connection:
            driver = connection.connection.dbapi_connection
            with batched(connection):
                _INSERT.run(connection, receipt(workshop, "a"))
                assert driver.pgconn.pipeline_status != 0  # type: ignore[union-attr]
            assert driver.pgconn.pipeline_status == 0  # type: ignore[union-attr]
        assert seqs(engine) == {"a": 1}
    finally:
        engine.dispose()


def test_an_error_in_a_batch_is_sqlalchemys_and_nothing_of_the_batch_is_kept(
    engine: Engine, workshop: str
) -> None:
    with engine.begin() as connection:
        _INSERT.run(connection, receipt(workshop, "a"))
    with pytest.raises(IntegrityError), engine.begin() as connection, batched(connection):
        _INSERT.run(connection, receipt(workshop, "b"))
        _INSERT.run(connection, receipt(workshop, "a", seq=2))  # the same client id again
    assert seqs(engine) == {"a": 1}
