"""Shared fixtures: databases (SQLite always, PostgreSQL when it is running), a fake clock."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import Engine, create_engine, text

from facilitator.agenda import Programme
from facilitator.clock import system_clock
from facilitator.settings import Settings
from facilitator.store.db import make_engine
from facilitator.store.migrate import upgrade
from facilitator.store.programmes import WorkshopLinks, create_programme
from facilitator.web.app import create_app

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/15"


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _postgres_reason() -> str | None:
    try:
        engine = create_engine(POSTGRES, connect_args={"connect_timeout": 2})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL at 127.0.0.1:5432/test is not reachable ({type(exc).__name__})"
    return None


_PG_REASON = _postgres_reason()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL into a fresh schema of the `test` database, dropped afterwards."""
    if _PG_REASON:
        pytest.skip(_PG_REASON)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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
def programme():  # type: ignore[no-untyped-def]
    from facilitator.agenda.files import DEFAULT_PROGRAMME, load_programme

    return load_programme(DEFAULT_PROGRAMME)


@pytest.fixture
def agenda(programme):  # type: ignore[no-untyped-def]
    """The real staff day 1 agenda: many phases of every common kind."""
    return programme.workshop("staff-day-1").agenda


@dataclass
class LiveServer:
    base: str
    ws: str
    links: list[WorkshopLinks]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
async def live_server(
    sqlite_url: str, programme: Programme, tmp_path: Path
) -> AsyncIterator[LiveServer]:
    """A real server on a loopback port, in the test's own event loop."""
    engine = make_engine(sqlite_url)
    upgrade(engine)
    port = _free_port()
    links = create_programme(
        engine, programme, clock=system_clock, base_url=f"http://127.0.0.1:{port}"
    )
    engine.dispose()
    settings = Settings(
        database_url=sqlite_url, data_dir=tmp_path, public_url=f"http://127.0.0.1:{port}"
    )
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        ws="websockets-sansio",
        log_level="warning",
        ws_per_message_deflate=False,
        ws_max_size=64 * 1024,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no event to await)
        await asyncio.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}", links)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
