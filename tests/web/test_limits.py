"""Limits that protect the room: guessed join codes, HTTP command rates, sockets per person."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from facilitator.agenda import Programme
from facilitator.settings import Limits, Settings
from facilitator.store.db import make_engine
from facilitator.store.migrate import upgrade
from facilitator.store.programmes import WorkshopLinks, create_programme
from facilitator.web.app import create_app
from facilitator.web.limits import JoinGuard, TokenBucket
from facilitator.web.socket import CLOSE_TOO_MANY
from tests.support import FakeClock


class Seconds:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def guarded(limits: Limits, clock: Seconds) -> TestClient:
    """A tiny app whose join path knows one code, behind the guard."""

    async def join(request: Request) -> Response:
        found = request.path_params["code"] == "RIGHT1"
        return PlainTextResponse("joined" if found else "no such code", 200 if found else 404)

    def refuse(request: Request, retry_after: int) -> Response:
        return PlainTextResponse("slow down", 429, headers={"retry-after": str(retry_after)})

    app = Starlette(routes=[Route("/join/{code}", join)])
    guard = JoinGuard(app, limits=limits, refuse=refuse, clock=clock)
    return TestClient(guard)


def test_a_flood_is_abusive_however_slowly_the_server_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = Seconds()
    monkeypatch.setattr("facilitator.web.limits.time.monotonic", clock)
    bucket = TokenBucket(rate=20, burst=60)
    passed = 0
    for _ in range(1000):  # sent at once, read at 3 ms each: a token comes back every 17th
        passed += bucket.take()
        clock.now += 0.003
    assert bucket.abusive
    assert passed == pytest.approx(60 + 3 * 20, abs=1)  # the burst, and what came back


def test_refusals_now_and_then_are_forgiven(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Seconds()
    monkeypatch.setattr("facilitator.web.limits.time.monotonic", clock)
    bucket = TokenBucket(rate=20, burst=60)
    for _ in range(100):  # a script clicking at twice the rate for a minute and a half
        for _ in range(40):
            bucket.take()
        clock.now += 1
    assert not bucket.abusive


def test_guessing_join_codes_from_one_address_is_slowed_down_for_a_minute() -> None:
    clock = Seconds()
    client = guarded(Limits(wrong_codes_per_minute=5), clock)
    assert [client.get(f"/join/WRONG{n}").status_code for n in range(5)] == [404] * 5
    blocked = client.get("/join/RIGHT1")
    assert blocked.status_code == 429  # even a right code waits: the guesser cannot tell
    assert 1 <= int(blocked.headers["retry-after"]) <= 60
    clock.now += 61
    assert client.get("/join/RIGHT1").status_code == 200


def test_guessing_from_many_addresses_together_is_slowed_down_too() -> None:
    clock = Seconds()
    client = guarded(Limits(wrong_codes_per_minute=100, wrong_codes_overall_per_minute=3), clock)
    for n in range(3):
        assert client.get(f"/join/WRONG{n}").status_code == 404
    assert client.get("/join/WRONG9").status_code == 429


def test_a_wrong_code_is_logged_where_the_facilitator_sees_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = guarded(Limits(wrong_codes_per_minute=1), Seconds())
    client.get("/join/WRONG1")
    client.get("/join/WRONG2")
    assert any("too many wrong guesses" in record.getMessage() for record in caplog.records)


@pytest.fixture
def day1(sqlite_url: str, programme: Programme, clock: FakeClock) -> WorkshopLinks:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    links = create_programme(engine, programme, clock=clock, base_url="")
    engine.dispose()
    return links[1]


@pytest.fixture
def client(sqlite_url: str, clock: FakeClock, tmp_path: Path) -> Iterator[TestClient]:
    limits = Limits(command_rate=1, command_burst=2, sockets_per_person=2)
    settings = Settings(database_url=sqlite_url, data_dir=tmp_path, limits=limits)
    with TestClient(create_app(settings, clock=clock), follow_redirects=False) as client:
        yield client


def test_http_commands_have_the_same_rate_limit_as_a_socket(
    client: TestClient, day1: WorkshopLinks
) -> None:
    client.get(day1.facilitator)
    url = f"/w/{day1.workshop_id}/commands"
    answers = [client.post(url, json={"type": "extend", "minutes": 1}) for _ in range(3)]
    assert [a.status_code for a in answers[:2]] == [409, 409]  # in the lobby, but let through
    limited = answers[2]
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert int(limited.headers["retry-after"]) >= 1


def test_one_person_cannot_hold_more_sockets_than_the_limit(
    client: TestClient, day1: WorkshopLinks
) -> None:
    client.get(day1.facilitator)
    url = f"/w/{day1.workshop_id}/ws?protocol=json"
    with client.websocket_connect(url) as first, client.websocket_connect(url) as second:
        for socket in (first, second):
            socket.send_json({"type": "ping"})
            assert socket.receive_json() == {"type": "pong"}
        with client.websocket_connect(url) as third, pytest.raises(WebSocketDisconnect) as closed:
            third.receive_text()
        assert closed.value.code == CLOSE_TOO_MANY
    with client.websocket_connect(url) as again:  # the others closed: room for one more
        again.send_json({"type": "ping"})
        assert again.receive_json() == {"type": "pong"}


def test_a_workshop_takes_no_more_people_than_the_cap(
    sqlite_url: str, clock: FakeClock, tmp_path: Path, day1: WorkshopLinks
) -> None:
    settings = Settings(
        database_url=sqlite_url, data_dir=tmp_path, limits=Limits(people_per_workshop=2)
    )
    with TestClient(create_app(settings, clock=clock)) as client:
        for n in range(2):
            client.cookies.clear()
            answer = client.post(
                f"/join/{day1.join_code}", json={"name": f"P{n}", "department": "miljo"}
            )
            assert answer.status_code == 200
        client.cookies.clear()
        full = client.post(f"/join/{day1.join_code}", json={"name": "P3", "department": "miljo"})
        assert full.status_code == 409 and full.json()["code"] == "workshop_full"
