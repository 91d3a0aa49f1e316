"""Shared fixtures: databases (SQLite always, PostgreSQL when it is running), a fake clock,
a live server. The helpers they use are in tests/support.py."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine

from facilitator.agenda import Agenda, Programme
from facilitator.agenda.files import DEFAULT_PROGRAMME, load_programme
from facilitator.clock import system_clock
from facilitator.settings import Settings
from facilitator.store.db import make_engine
from facilitator.store.migrate import upgrade
from facilitator.store.programmes import create_programme

# Re-exported for the modules that still import it from here; import it from tests.support.
from tests.support import (
    FakeClock,
    LiveServer,
    ServerSetup,
    free_port,
    fresh_postgres_schema,
    serving,
)

# Properties state what holds, not how fast: a machine that stalls for half a second under a
# loaded run (a 711 ms example of a 0.4 ms test was seen) must not fail them. Speed is
# measured in benchmarks/.
hypothesis_settings.register_profile("behaviour", deadline=None)
hypothesis_settings.load_profile("behaviour")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL into a fresh schema of the `test` database, dropped afterwards."""
    with fresh_postgres_schema() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path}/facilitator.db"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def programme() -> Programme:
    return load_programme(DEFAULT_PROGRAMME)


@pytest.fixture
def agenda(programme: Programme) -> Agenda:
    """The real staff day 1 agenda: many phases of every common kind."""
    return programme.workshop("staff-day-1").agenda


@pytest.fixture
def server_setup(sqlite_url: str, programme: Programme, tmp_path: Path) -> ServerSetup:
    """A programme in a fresh database and the settings to serve it on a free port, not yet
    served: for a test that stops and starts the server itself (``tests.support.serving``)."""
    engine = make_engine(sqlite_url)
    upgrade(engine)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    links = create_programme(engine, programme, clock=system_clock, base_url=base)
    engine.dispose()
    settings = Settings(database_url=sqlite_url, data_dir=tmp_path, public_url=base)
    return ServerSetup(LiveServer(base, f"ws://127.0.0.1:{port}", links), settings, port)


@pytest.fixture
async def live_server(server_setup: ServerSetup) -> AsyncIterator[LiveServer]:
    """A real server on a loopback port, in the test's own event loop."""
    async with serving(server_setup.settings, server_setup.port):
        yield server_setup.server
