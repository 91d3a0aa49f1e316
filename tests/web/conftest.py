"""The web tests' common ground: a programme in a fresh database, and a client of the app on
it (a test module with other settings defines its own ``client``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from facilitator.agenda import Programme
from facilitator.settings import Settings
from facilitator.store.db import make_engine
from facilitator.store.migrate import upgrade
from facilitator.store.programmes import WorkshopLinks, create_programme
from facilitator.web.app import create_app
from tests.support import FakeClock


@pytest.fixture
def links(sqlite_url: str, programme: Programme, clock: FakeClock) -> list[WorkshopLinks]:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    made = create_programme(engine, programme, clock=clock, base_url="")
    engine.dispose()
    return made


@pytest.fixture
def client(sqlite_url: str, clock: FakeClock, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=sqlite_url, data_dir=tmp_path)
    with TestClient(create_app(settings, clock=clock), follow_redirects=False) as client:
        yield client


@pytest.fixture
def day1(links: list[WorkshopLinks]) -> WorkshopLinks:
    return links[1]
