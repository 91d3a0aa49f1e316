"""Other sites cannot act: headers on every page, and posts and sockets from elsewhere refused."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from facilitator.agenda import Programme
from facilitator.settings import Settings
from facilitator.store.db import make_engine
from facilitator.store.migrate import upgrade
from facilitator.store.programmes import WorkshopLinks, create_programme
from facilitator.web.access_log import loggable
from facilitator.web.app import create_app
from facilitator.web.security import Origins
from tests.support import FakeClock

PUBLIC = "http://192.168.1.20:8000"


@pytest.fixture
def day1(sqlite_url: str, programme: Programme, clock: FakeClock) -> WorkshopLinks:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    links = create_programme(engine, programme, clock=clock, base_url="")
    engine.dispose()
    return links[1]


@pytest.fixture
def client(sqlite_url: str, clock: FakeClock, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=sqlite_url, data_dir=tmp_path, public_url=PUBLIC)
    with TestClient(create_app(settings, clock=clock), follow_redirects=False) as client:
        yield client


def test_every_kind_of_answer_carries_the_security_headers(
    client: TestClient, day1: WorkshopLinks
) -> None:
    joined = client.post(f"/join/{day1.join_code}", data={"name": "Anna", "department": "miljo"})
    assert joined.status_code == 303
    answers = [
        client.get("/"),
        client.get(f"/join/{day1.join_code}"),
        client.get(f"/w/{day1.workshop_id}/me"),
        client.get(day1.facilitator),
        client.get(f"/w/{day1.workshop_id}/facilitator"),
        client.get(day1.projector),
        client.get(f"/w/{day1.workshop_id}/projector"),
        client.get(f"/w/{day1.workshop_id}/export.html"),
        client.get(f"/w/{day1.workshop_id}/export.csv"),
        client.get("/healthz"),
        client.get("/static/app.css"),
        client.get("/no/such/page"),
        client.post(f"/w/{day1.workshop_id}/commands", json={"type": "nope"}),
    ]
    for answer in answers:
        headers = answer.headers
        where = f"{answer.request.method} {answer.request.url.path} ({answer.status_code})"
        csp = headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, where
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
        assert headers.get("referrer-policy") == "same-origin", where  # never to another site
        assert headers.get("x-content-type-options") == "nosniff", where
        assert headers.get("x-frame-options") == "DENY", where


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://evil.example"},
        {"origin": "null"},
        {"origin": "http://192.168.1.20:9999"},  # another port of this very host
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site", "origin": "http://192.168.1.20:9999"},
    ],
)
def test_a_join_posted_from_another_site_is_refused_and_makes_nobody(
    client: TestClient, day1: WorkshopLinks, headers: dict[str, str]
) -> None:
    refused = client.post(
        f"/join/{day1.join_code}", data={"name": "Mallory", "department": "miljo"}, headers=headers
    )
    assert refused.status_code == 403
    assert "andet websted" in refused.text
    assert "set-cookie" not in refused.headers  # the phone's identity stays what it was
    client.get(day1.facilitator)
    console = client.get(f"/w/{day1.workshop_id}/facilitator")
    assert "Mallory" not in console.text


def test_a_command_from_another_port_of_this_host_is_refused(
    client: TestClient, day1: WorkshopLinks
) -> None:
    client.get(day1.facilitator)
    refused = client.post(
        f"/w/{day1.workshop_id}/commands",
        data={"type": "start"},
        headers={"origin": "http://192.168.1.20:9999", "sec-fetch-site": "same-site"},
    )
    assert refused.status_code == 403
    state = client.get(f"/w/{day1.workshop_id}/state").json()
    assert state["status"] == "lobby"


def test_our_own_pages_may_post_by_the_public_url_or_by_the_address_they_were_sent_to(
    client: TestClient, day1: WorkshopLinks
) -> None:
    client.get(day1.facilitator)
    ours = client.post(
        f"/w/{day1.workshop_id}/commands",
        json={"type": "start"},
        headers={"origin": PUBLIC, "sec-fetch-site": "same-origin"},
    )
    assert ours.status_code == 200, ours.text
    by_address = client.post(
        f"/w/{day1.workshop_id}/commands",
        json={"type": "pause"},
        headers={"origin": "http://10.0.0.5:8000", "host": "10.0.0.5:8000"},
    )
    assert by_address.status_code == 200, by_address.text


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://192.168.1.20:9999"])
def test_a_websocket_opened_by_another_sites_page_is_closed_with_4403(
    client: TestClient, day1: WorkshopLinks, origin: str
) -> None:
    client.get(day1.facilitator)
    with (
        client.websocket_connect(
            f"/w/{day1.workshop_id}/ws?protocol=json", headers={"origin": origin}
        ) as socket,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        socket.receive_text()
    assert closed.value.code == 4403


def test_a_websocket_from_our_own_page_opens(client: TestClient, day1: WorkshopLinks) -> None:
    client.get(day1.facilitator)
    with client.websocket_connect(
        f"/w/{day1.workshop_id}/ws?protocol=json", headers={"origin": PUBLIC}
    ) as socket:
        socket.send_json({"type": "ping"})
        assert socket.receive_json() == {"type": "pong"}


def test_a_hostname_is_ours_only_when_it_is_the_public_urls() -> None:
    origins = Origins(["https://workshop.solrod.dk"], 8000)
    assert origins.ours("https://workshop.solrod.dk", "workshop.solrod.dk")
    assert origins.ours("http://localhost:8000", "localhost:8000")
    # Someone else's DNS may point evil.example at this laptop: its pages are not ours.
    assert not origins.ours("http://evil.example:8000", "evil.example:8000")
    assert origins.ours("http://10.1.2.3:8000", "10.1.2.3:8000")
    assert not origins.ours("http://10.1.2.3:8001", "10.1.2.3:8000")


def test_no_token_reaches_the_access_log(
    client: TestClient, day1: WorkshopLinks, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="facilitator.access"):
        client.get(day1.facilitator)
        client.get(day1.projector)
        client.get("/r/some-private-reflection-token")
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 3
    token = day1.facilitator.split("token=", 1)[1]
    assert all(token not in line and "token=" not in line for line in lines)
    assert all("some-private-reflection-token" not in line for line in lines)
    assert loggable("/r/abc?x=1") == "/r/…"
