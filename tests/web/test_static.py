"""Static files survive bad wifi: versioned addresses cached for a year, and a favicon."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from facilitator.settings import Settings
from facilitator.web.app import create_app
from tests.support import FakeClock


@pytest.fixture
def client(sqlite_url: str, clock: FakeClock, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=sqlite_url, data_dir=tmp_path)
    with TestClient(create_app(settings, clock=clock)) as client:
        yield client


def test_pages_load_static_files_by_their_content_hash_and_browsers_keep_them(
    client: TestClient,
) -> None:
    page = client.get("/").text
    addresses = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert {a.split("?")[0] for a in addresses} >= {"/static/app.css", "/static/app.js"}
    for address in addresses:
        assert re.search(r"\?v=[0-9a-f]{12}$", address), address
        answer = client.get(address)
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert client.get("/static/app.js").headers["cache-control"] == "no-cache"


def test_the_favicon_is_there_on_every_first_page(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon"' in client.get("/").text
