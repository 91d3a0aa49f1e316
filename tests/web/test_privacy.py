"""Private things stay with their person (docs/api.md §3.2, §3.7, §3.8).

A home reflection opens only on its writer's phone; a lost phone is replaced by a one-time
link from the facilitator; no cookie or link joins two people's data; an erasure is the
same however it is asked for; a phone's identity is not replaced without asking.

Each ``Phone`` is one browser with its own cookies, against a real server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx2 as httpx
import pytest
from sqlmodel import select
from starlette.testclient import TestClient
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from facilitator.agenda import Programme
from facilitator.core.board_state import ANONYMOUS
from facilitator.store.db import make_engine, session_scope
from facilitator.store.migrate import upgrade
from facilitator.store.programmes import WorkshopLinks, create_programme
from facilitator.store.tables import JournalEntry, Participant, Reflection, Workshop
from tests.support import FakeClock, JsonClient, LiveServer, server_seq, until

NOT_YOURS = "kun åbnes på telefonen hos den, der skrev den"  # the refusal, in Danish


class Phone:
    """One browser: its own cookie jar, as a phone has."""

    def __init__(self, server: LiveServer) -> None:
        self.http = httpx.AsyncClient(base_url=server.base, follow_redirects=False)
        self.answers: dict[str, dict[str, Any]] = {}  # workshop id → its join answer

    async def join(self, code: str, name: str, department: str = "miljo") -> dict[str, Any]:
        response = await self.http.post(
            f"/join/{code}", json={"name": name, "department": department}
        )
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        self.answers[answer["workshop"]] = answer
        return answer

    async def reflect(self, workshop: str, text: str, *, share: bool = False) -> str:
        """Open the person's reflection from their workshop page and write it: its link."""
        opened = await self.http.get(f"/w/{workshop}/reflection")
        assert opened.status_code == 303, opened.text
        link: str = opened.headers["location"]
        saved = await self.http.post(link, json={"text": text, "share": share})
        assert saved.status_code == 200 and saved.json()["ok"], saved.text
        return link

    async def my_data(self, workshop: str) -> dict[str, Any]:
        response = await self.http.get(f"/w/{workshop}/my-data")
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    async def close(self) -> None:
        await self.http.aclose()


@pytest.fixture
async def phones(live_server: LiveServer) -> AsyncIterator[Callable[[], Phone]]:
    """Makes phones (browsers) for the test, and closes them after it."""
    made: list[Phone] = []

    def phone() -> Phone:
        made.append(Phone(live_server))
        return made[-1]

    yield phone
    for each in made:
        await each.close()


def token_of(link: WorkshopLinks) -> str:
    return link.facilitator.split("token=")[1]


async def facilitator(server: LiveServer, link: WorkshopLinks) -> httpx.AsyncClient:
    """A facilitator's browser for ``link``'s workshop (its token moved into a cookie)."""
    http = httpx.AsyncClient(base_url=server.base, follow_redirects=False)
    assert (await http.get(link.facilitator)).status_code == 303
    return http


def stored(sqlite_url: str) -> tuple[list[Participant], list[Reflection], list[JournalEntry]]:
    """What the server's database holds about people (read behind its back)."""
    engine = make_engine(sqlite_url)
    try:
        with session_scope(engine) as session:
            people = list(session.exec(select(Participant)))
            texts = list(session.exec(select(Reflection)))
            joined = list(
                session.exec(select(JournalEntry).where(JournalEntry.type == "participant_joined"))
            )
            session.expunge_all()
            return people, texts, joined
    finally:
        engine.dispose()


# --- 1. a reflection opens only for its owner ---------------------------------------------------


async def test_a_reflection_link_opens_only_on_its_writers_phone(
    live_server: LiveServer, phones: Callable[[], Phone]
) -> None:
    day1 = live_server.links[1]
    anna, bo, stranger = phones(), phones(), phones()
    await anna.join(day1.join_code, "Anna Hansen")
    await bo.join(day1.join_code, "Bo")
    link = await anna.reflect(day1.workshop_id, "Jeg vil ringe tilbage samme dag")

    for other in (bo, stranger):  # another person's browser, and one with no cookie at all
        page = await other.http.get(link)
        assert page.status_code == 403
        assert NOT_YOURS in page.text and "ringe tilbage" not in page.text
        as_json = await other.http.get(link, headers={"accept": "application/json"})
        assert as_json.status_code == 403 and "ringe tilbage" not in as_json.text
        written = await other.http.post(link, json={"text": "overskrevet", "share": True})
        assert written.status_code == 403
        assert written.json() == {"ok": False, "error": written.json()["error"]}
        assert NOT_YOURS in written.json()["error"]
        form = await other.http.post(link, data={"text": "overskrevet"})
        assert form.status_code == 403 and NOT_YOURS in form.text

    own = await anna.http.get(link)
    assert own.status_code == 200 and "Jeg vil ringe tilbage samme dag" in own.text
    assert own.headers["cache-control"] == "no-store"
    again = await anna.http.post(link, json={"text": "Og skrive kort", "share": False})
    assert again.status_code == 200 and again.json()["ok"]
    assert "Og skrive kort" in (await anna.http.get(link)).text
    english = await bo.http.get(f"{link}?lang=en")
    assert "opens only on the phone of the person who wrote it" in english.text


async def test_a_reflection_refuses_text_that_cannot_be_stored(
    live_server: LiveServer, phones: Callable[[], Phone]
) -> None:
    day1 = live_server.links[1]
    anna = phones()
    await anna.join(day1.join_code, "Anna Hansen")
    link = await anna.reflect(day1.workshop_id, "Før")
    for bad in ("nul\x00tegn", "klokke\x07", "\ud800 alene"):
        body = json.dumps({"text": bad})  # a lone surrogate survives as a JSON escape
        refused = await anna.http.post(
            link, content=body, headers={"content-type": "application/json"}
        )
        assert refused.status_code == 422, bad
        assert "tegn, der ikke kan gemmes" in refused.json()["error"]
    assert "Før" in (await anna.http.get(link)).text
    fine = await anna.http.post(link, json={"text": "Tabulator\tog\nlinjeskift 🙂 مرحبا"})
    assert fine.status_code == 200


# --- 1b. a new phone for a lost one -------------------------------------------------------------


async def test_a_recovery_link_moves_the_person_to_a_new_phone_once(
    live_server: LiveServer, phones: Callable[[], Phone]
) -> None:
    day1 = live_server.links[1]
    old, new, thief = phones(), phones(), phones()
    anna = await old.join(day1.join_code, "Anna Hansen")
    link = await old.reflect(day1.workshop_id, "Min private plan")
    url = f"{live_server.ws}/w/{day1.workshop_id}/ws?protocol=json&token={anna['token']}"
    console = await facilitator(live_server, day1)
    try:
        people = (await console.get(f"/w/{day1.workshop_id}/facilitator")).text
        action = f"/w/{day1.workshop_id}/recovery/{anna['participant']}"
        assert f'action="{action}"' in people
        # Only the facilitator may make one.
        refused = await old.http.post(action)
        assert refused.status_code == 403
        first = await console.post(action)
        issued = await console.post(action)  # a second one replaces the first
    finally:
        await console.aclose()
    assert issued.status_code == 200 and "<svg" in issued.text
    assert issued.headers["cache-control"] == "no-store"
    secret = re.search(r"/recover/([A-Za-z0-9_-]+)", issued.text)
    replaced = re.search(r"/recover/([A-Za-z0-9_-]+)", first.text)
    assert secret is not None and replaced is not None
    stale = await new.http.get(f"/recover/{replaced[1]}")
    assert stale.status_code in (404, 410)

    async with connect(url, compression=None) as old_socket:
        await old_socket.send(json.dumps({"type": "hello", "last_seq": None}))
        await asyncio.wait_for(old_socket.recv(), 5)
        # Opening the link changes nothing; the button on it does.
        shown = await new.http.get(f"/recover/{secret[1]}")
        assert shown.status_code == 200 and "Anna Hansen" in shown.text
        assert (await old.http.get(link)).status_code == 200
        moved = await new.http.post(f"/recover/{secret[1]}")
        assert moved.status_code == 303 and moved.headers["location"] == link
        with contextlib.suppress(ConnectionClosed):
            while True:
                await asyncio.wait_for(old_socket.recv(), 5)
        assert old_socket.close_code == 4403

    page = await new.http.get(link)
    assert page.status_code == 200 and "Min private plan" in page.text
    me = await new.http.get(f"/w/{day1.workshop_id}/me")
    assert me.status_code == 200 and "Anna Hansen" in me.text
    assert (await new.http.post(link, json={"text": "Ny telefon"})).status_code == 200
    # The old phone's token stops working everywhere.
    assert (await old.http.get(link)).status_code == 403
    assert (await old.http.get(f"/w/{day1.workshop_id}/me")).headers["location"] == "/"
    assert (await old.http.get(f"/w/{day1.workshop_id}/my-data")).status_code == 403
    # The link works once.
    assert (await thief.http.post(f"/recover/{secret[1]}")).status_code == 410
    assert (await thief.http.get(f"/recover/{secret[1]}")).status_code == 410
    assert (await thief.http.get(link)).status_code == 403


# --- 2. no cookie or link joins two people ------------------------------------------------------


async def test_another_persons_old_reflection_cookie_links_nobody(
    live_server: LiveServer, phones: Callable[[], Phone], sqlite_url: str
) -> None:
    _kickoff, day1, _catalogue, day2 = live_server.links
    anna, bo = phones(), phones()
    await anna.join(day1.join_code, "Anna Hansen", "miljo")
    await bo.join(day1.join_code, "Bo Berg", "social")
    link = await anna.reflect(day1.workshop_id, "Annas egen tanke", share=True)
    programme = next(w.programme_id for w in _workshops(sqlite_url) if w.id == day1.workshop_id)
    # Bo's phone holds Anna's old reflection cookie, as the old server set it, and her link.
    bo.http.cookies.set(f"reflection-{programme}", link.removeprefix("/r/"))
    assert (await bo.http.get(link)).status_code == 403

    bo_day2 = await bo.join(day2.join_code, "Bo Berg", "social")
    anna_day2 = await anna.join(day2.join_code, "Anna Hansen", "miljo")  # her own phone
    bo_page = (await bo.http.get(f"/w/{day2.workshop_id}/me")).text
    assert "Annas egen tanke" not in bo_page
    anna_page = (await anna.http.get(f"/w/{day2.workshop_id}/me")).text
    assert "Annas egen tanke" in anna_page  # proven by her day-1 cookie: it comes along

    mine = await bo.my_data(day2.workshop_id)
    assert {p["name"] for p in mine["people"]} == {"Bo Berg"}
    assert mine["reflections"] == [] and "Anna" not in json.dumps(mine)
    hers = await anna.my_data(day2.workshop_id)
    assert [p["name"] for p in hers["people"]] == ["Anna Hansen", "Anna Hansen"]
    assert [r["text"] for r in hers["reflections"]] == ["Annas egen tanke"]

    console = await facilitator(live_server, day2)
    try:
        erased = await console.post(
            f"/w/{day2.workshop_id}/anonymise/{bo_day2['participant']}", json={}
        )
    finally:
        await console.aclose()
    # Bo wrote no reflection, so nothing links his two rows: only his day-2 row is his here.
    assert erased.json() == {"ok": True, "workshops": [day2.workshop_id]}
    people, texts, _joined = stored(sqlite_url)
    annas = [p for p in people if p.id in {anna.answers[w]["participant"] for w in anna.answers}]
    assert [p.name for p in annas] == ["Anna Hansen", "Anna Hansen"]
    assert [t.text for t in texts] == ["Annas egen tanke"]
    assert (await anna.http.get(link)).status_code == 200
    assert (await anna.my_data(day2.workshop_id)) == hers
    assert anna_day2["participant"] != bo_day2["participant"]
    assert next(p.name for p in people if p.id == bo_day2["participant"]) == ANONYMOUS


def _workshops(sqlite_url: str) -> list[Workshop]:
    engine = make_engine(sqlite_url)
    try:
        with session_scope(engine) as session:
            rows = list(session.exec(select(Workshop)))
            session.expunge_all()
            return rows
    finally:
        engine.dispose()


# --- 3. anonymisation has one meaning however it arrives ----------------------------------------


@pytest.mark.parametrize("how", ["route", "http-command", "websocket-command"])
async def test_anonymising_is_the_whole_erasure_however_it_is_asked_for(
    live_server: LiveServer, phones: Callable[[], Phone], sqlite_url: str, how: str
) -> None:
    _kickoff, day1, _catalogue, day2 = live_server.links
    anna, bo = phones(), phones()
    first = await anna.join(day1.join_code, "Anna Hansen", "miljo")
    await bo.join(day1.join_code, "Bo Berg", "social")
    link = await anna.reflect(day1.workshop_id, "Hemmelig plan", share=True)
    later = await anna.join(day2.join_code, "Anna Hansen", "miljo")
    token = token_of(day1)
    before = await server_seq(live_server.base, day1.workshop_id, token)
    url = f"{live_server.ws}/w/{day1.workshop_id}/ws?protocol=json&token={first['token']}"
    command = {"type": "anonymise_participant", "participant": first["participant"]}

    async with connect(url, compression=None) as annas_socket:
        await annas_socket.send(json.dumps({"type": "hello", "last_seq": None}))
        await asyncio.wait_for(annas_socket.recv(), 5)
        async with httpx.AsyncClient(base_url=live_server.base) as http:
            auth = {"authorization": f"Bearer {token}"}
            if how == "route":
                answer = await http.post(
                    f"/w/{day1.workshop_id}/anonymise/{first['participant']}", json={}, headers=auth
                )
                assert answer.json()["ok"], answer.text
            elif how == "http-command":
                sent = {**command, "client_id": "erase-anna"}
                answer = await http.post(f"/w/{day1.workshop_id}/commands", json=sent, headers=auth)
                assert answer.status_code == 200, answer.text
                assert answer.json() == {"ok": True, "seq": before + 1, "replayed": False}
                retry = await http.post(f"/w/{day1.workshop_id}/commands", json=sent, headers=auth)
                assert retry.json() == {"ok": True, "seq": before + 1, "replayed": True}
            else:
                steering = JsonClient(live_server.ws, day1.workshop_id, token)
                await steering.connect()
                await steering.send(command)
                await until(lambda: not steering.unacked, "the erasure was not acknowledged")
                assert not steering.refused, steering.refused
                await steering.drop()
        with contextlib.suppress(ConnectionClosed):
            while True:
                await asyncio.wait_for(annas_socket.recv(), 5)
        assert annas_socket.close_code == 4403  # the person's own socket closed

    # Journaled in both of her workshops; her tokens are void; her data is gone everywhere.
    assert await server_seq(live_server.base, day1.workshop_id, token) == before + 1
    for workshop, joined_as in ((day1, first), (day2, later)):
        me = await anna.http.get(f"/w/{workshop.workshop_id}/me?token={joined_as['token']}")
        assert me.headers["location"] == "/"
        mine = f"/w/{workshop.workshop_id}/my-data?token={joined_as['token']}"
        gone = await anna.http.get(mine)
        assert gone.status_code == 403
    assert (await anna.http.get(link)).status_code == 403
    people, texts, joined = stored(sqlite_url)
    hers = {first["participant"], later["participant"]}
    assert {(p.name, p.department) for p in people if p.id in hers} == {(ANONYMOUS, "")}
    assert {p.name for p in people if p.id not in hers} == {"Bo Berg"}
    assert [(t.text, t.share) for t in texts] == [("", False)]
    assert all("Anna Hansen" not in json.dumps(e.payload) for e in joined)
    facilitator_view = JsonClient(live_server.ws, day2.workshop_id, token_of(day2))
    await facilitator_view.connect()
    await facilitator_view.ping()
    assert not any("Anna Hansen" in raw for raw in facilitator_view.raw)
    await facilitator_view.drop()


async def test_only_the_facilitator_may_send_the_anonymise_command(
    live_server: LiveServer, phones: Callable[[], Phone]
) -> None:
    day1 = live_server.links[1]
    anna, bo = phones(), phones()
    await anna.join(day1.join_code, "Anna Hansen")
    victim = await bo.join(day1.join_code, "Bo Berg")
    command = {"type": "anonymise_participant", "participant": victim["participant"]}
    refused = await anna.http.post(f"/w/{day1.workshop_id}/commands", json=command)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    socket = JsonClient(live_server.ws, day1.workshop_id, anna.answers[day1.workshop_id]["token"])
    await socket.connect()
    await socket.send(command)
    await until(lambda: socket.refused, "the command was not refused")
    assert socket.refused[0]["code"] == "forbidden"
    await socket.drop()
    assert [p["name"] for p in (await bo.my_data(day1.workshop_id))["people"]] == ["Bo Berg"]
    stranger = {"type": "anonymise_participant", "participant": "0" * 32}
    async with httpx.AsyncClient(base_url=live_server.base) as http:
        unknown = await http.post(
            f"/w/{day1.workshop_id}/commands?token={token_of(day1)}", json=stranger
        )
    assert unknown.status_code == 409 and unknown.json()["code"] == "no_participant"


# --- 4. a phone's identity is not replaced without asking ---------------------------------------


@pytest.fixture
def day1(sqlite_url: str, programme: Programme, clock: FakeClock) -> WorkshopLinks:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    links = create_programme(engine, programme, clock=clock, base_url="")
    engine.dispose()
    return links[1]


def test_a_second_join_on_a_phone_with_a_place_asks_before_replacing_it(
    client: TestClient, day1: WorkshopLinks
) -> None:
    join, me = f"/join/{day1.join_code}", f"/w/{day1.workshop_id}/me"
    assert client.post(join, data={"name": "Ida", "department": "miljo"}).status_code == 303
    ida = client.cookies[f"participant-{day1.workshop_id}"]
    assert client.get(join).headers["location"] == me

    asked = client.post(join, data={"name": "Jens", "department": "social"})
    assert asked.status_code == 200 and "set-cookie" not in asked.headers
    assert "Du er allerede med som Ida på denne enhed" in asked.text
    assert 'name="replace" value="yes"' in asked.text and 'value="Jens"' in asked.text
    as_json = client.post(join, json={"name": "Jens", "department": "social"})
    assert as_json.status_code == 409 and as_json.json()["code"] == "confirm_replace"
    assert "set-cookie" not in as_json.headers
    again = client.post(join, data={"name": "ida ", "department": "miljo"})  # a double tap
    assert again.headers["location"] == me
    assert client.cookies[f"participant-{day1.workshop_id}"] == ida
    assert "Ida" in client.get(me).text

    confirmed = client.post(join, data={"name": "Jens", "department": "social", "replace": "yes"})
    assert confirmed.status_code == 303 and confirmed.headers["location"] == me
    assert client.cookies[f"participant-{day1.workshop_id}"] != ida
    assert "Jens" in client.get(me).text
    client.get(day1.facilitator)
    console = client.get(f"/w/{day1.workshop_id}/facilitator").text
    assert "Ida" in console and "Jens" in console  # Ida keeps her place in the workshop


def test_a_phone_whose_place_is_gone_gets_the_join_form(
    client: TestClient, day1: WorkshopLinks
) -> None:
    client.cookies.set(f"participant-{day1.workshop_id}", "not-a-token-of-anyone")
    form = client.get(f"/join/{day1.join_code}")
    assert form.status_code == 200 and 'name="name"' in form.text
    joined = client.post(f"/join/{day1.join_code}", data={"name": "Ida", "department": "miljo"})
    assert joined.status_code == 303 and joined.headers["location"].endswith("/me")
