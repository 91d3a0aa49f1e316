"""The JSON websocket protocol with many clients that drop, reconnect and retry."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import uuid
from collections.abc import Callable
from typing import Any

import httpx2 as httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from facilitator.agenda import Programme
from tests.conftest import LiveServer

pytestmark = pytest.mark.slow


class Client:
    """A phone: keeps its own copy of the board and a list of commands not yet acknowledged."""

    def __init__(self, server: LiveServer, workshop: str, token: str) -> None:
        self.url = f"{server.ws}/w/{workshop}/ws?protocol=json&token={token}"
        self.seq: int | None = None
        self.epoch: str | None = None
        self.snapshots = 0
        self.ideas: dict[str, str] = {}
        self.unacked: dict[str, dict[str, Any]] = {}
        self.refused: list[dict[str, Any]] = []
        self.tallies_seen: list[Any] = []
        self.socket: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self.socket = await connect(self.url, compression=None)
        hello = {"type": "hello", "last_seq": self.seq, "epoch": self.epoch}
        await self.socket.send(json.dumps(hello))
        self.reader = asyncio.create_task(self.read(self.socket))
        for command in list(self.unacked.values()):  # retry, same client id
            await self.socket.send(json.dumps(command))

    async def drop(self) -> None:
        assert self.socket is not None and self.reader is not None
        await self.socket.close()
        self.reader.cancel()

    async def send(self, command: dict[str, Any]) -> None:
        command = {**command, "client_id": uuid.uuid4().hex}
        self.unacked[command["client_id"]] = command
        assert self.socket is not None
        with contextlib.suppress(ConnectionClosed):  # sent again on reconnect
            await self.socket.send(json.dumps(command))

    async def read(self, socket: ClientConnection) -> None:
        try:
            async for raw in socket:
                self.apply(json.loads(raw))
        except ConnectionClosed:
            pass

    def apply(self, message: dict[str, Any]) -> None:
        match message["type"]:
            case "welcome":
                self.epoch = message["epoch"]
            case "snapshot":
                self.snapshots += 1
                self.seq, self.epoch = message["seq"], message["epoch"]
                self.ideas = {i["id"]: i["text"] for i in message["view"]["ideas"]}
                self.tallies_seen += [v.get("tally") for v in message["view"]["votes"].values()]
            case "event":
                assert self.seq is not None and message["seq"] == self.seq + 1, "gap"
                self.seq = message["seq"]
                event = message["event"]
                if event is None:
                    return
                if event["type"] == "idea_posted":
                    self.ideas[event["idea"]] = event["text"]
                if event["type"] == "votes_revealed":
                    self.tallies_seen.append(event["tally"])
                if event["type"] == "vote_cast":
                    self.tallies_seen.append(event)
            case "ack":
                self.unacked.pop(message["client_id"], None)
            case "refused":
                self.unacked.pop(message["client_id"], None)
                self.refused.append(message)


async def join(server: LiveServer, code: str, name: str, department: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server.base) as http:
        response = await http.post(f"/join/{code}", json={"name": name, "department": department})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def settle(clients: list[Client], server: LiveServer, workshop: str, token: str) -> None:
    """Wait until every command is acknowledged and every client is at the server's seq."""
    for _ in range(500):
        if not any(c.unacked for c in clients):
            break
        await asyncio.sleep(0.02)
    seq = await server_seq(server, workshop, token)
    for _ in range(500):
        if all(c.seq == seq and not c.unacked for c in clients):
            return
        await asyncio.sleep(0.02)
    raise AssertionError([(c.seq, len(c.unacked)) for c in clients])


async def server_seq(server: LiveServer, workshop: str, token: str) -> int:
    async with httpx.AsyncClient(base_url=server.base) as http:
        seq: int = (await http.get(f"/w/{workshop}/state?token={token}")).json()["seq"]
        return seq


async def test_twenty_two_phones_that_drop_and_retry_all_end_with_the_servers_board(
    live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[1]
    agenda = programme.workshop("staff-day-1").agenda
    group_work = next(i for i, p in enumerate(agenda.phases) if p.kind == "group_work")
    departments = [d.key for d in programme.departments]
    token = day1.facilitator.split("token=")[1]

    facilitator = Client(live_server, day1.workshop_id, token)
    await facilitator.connect()
    people = [
        await join(live_server, day1.join_code, f"Person {n}", departments[n % len(departments)])
        for n in range(22)
    ]
    phones = [Client(live_server, day1.workshop_id, p["token"]) for p in people]
    for phone in phones:
        await phone.connect()
    for command in (
        {"type": "start"},
        {"type": "jump", "phase": group_work},
        {"type": "form_groups", "seed": 7},
    ):
        await facilitator.send(command)
    await asyncio.sleep(0.2)
    assert not facilitator.refused

    rng = random.Random(1)

    async def work(phone: Client, number: int) -> None:
        for k in range(6):
            await phone.send({"type": "post_idea", "text": f"Idé {number}.{k}"})
            if rng.random() < 0.3:
                await phone.drop()
                await asyncio.sleep(rng.random() / 20)
                await phone.connect()

    await asyncio.gather(*(work(phone, n) for n, phone in enumerate(phones)))
    everyone = [facilitator, *phones]
    await settle(everyone, live_server, day1.workshop_id, token)

    expected = {f"Idé {n}.{k}" for n in range(22) for k in range(6)}
    for client in everyone:
        assert sorted(client.ideas.values()) == sorted(expected)  # exactly once each
        assert not client.refused
    for client in everyone:
        await client.drop()


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(250):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the condition never held")


async def test_a_phone_back_in_the_same_epoch_gets_what_it_missed_and_one_from_another_a_snapshot(
    live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[1]
    token = day1.facilitator.split("token=")[1]
    facilitator = Client(live_server, day1.workshop_id, token)
    phone = Client(live_server, day1.workshop_id, token)
    await facilitator.connect()
    await phone.connect()
    await until(lambda: phone.seq is not None and phone.epoch is not None)
    assert phone.snapshots == 1
    await phone.drop()

    await facilitator.send({"type": "start"})
    await until(lambda: not facilitator.unacked)
    await phone.connect()  # same epoch: the missed events, in order, and no snapshot
    await until(lambda: phone.seq == facilitator.seq)
    assert phone.snapshots == 1
    await phone.drop()

    # An epoch this server never gave out, as after a restart: the seq alone proves nothing.
    phone.epoch = "before-restart"
    await phone.connect()
    await until(lambda: phone.snapshots == 2)
    assert phone.seq == facilitator.seq
    for client in (facilitator, phone):
        await client.drop()


async def test_votes_stay_secret_until_revealed_and_the_budget_holds_against_raw_commands(
    live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[1]
    agenda = programme.workshop("staff-day-1").agenda
    group_work = next(i for i, p in enumerate(agenda.phases) if p.kind == "group_work")
    vote_index, vote = next((i, p) for i, p in enumerate(agenda.phases) if p.kind == "vote")
    token = day1.facilitator.split("token=")[1]
    facilitator = Client(live_server, day1.workshop_id, token)
    await facilitator.connect()
    people = [await join(live_server, day1.join_code, f"P{n}", "miljo") for n in range(3)]
    phones = [Client(live_server, day1.workshop_id, p["token"]) for p in people]
    for phone in phones:
        await phone.connect()
    await facilitator.send({"type": "start"})
    await facilitator.send({"type": "jump", "phase": group_work})
    await asyncio.sleep(0.1)
    await phones[0].send({"type": "post_idea", "text": "Én indgang for virksomheder"})
    await asyncio.sleep(0.1)
    idea = next(iter(phones[0].ideas))
    await facilitator.send({"type": "jump", "phase": vote_index})
    await asyncio.sleep(0.1)

    budget_cap = min(vote.votes_per_person, vote.max_per_idea)
    for _ in range(budget_cap + 2):  # more than the UI would ever allow
        await phones[1].send({"type": "vote", "idea": idea})
    await asyncio.sleep(0.3)
    assert [r["code"] for r in phones[1].refused] == ["idea_limit"] * 2
    assert phones[1].refused[0]["error"].startswith("Én idé kan højst få")
    # Nobody but the voter and the facilitator learnt anything about the votes.
    assert all(t is None for t in phones[0].tallies_seen + phones[2].tallies_seen)

    await facilitator.send({"type": "reveal_votes"})
    await asyncio.sleep(0.2)
    assert phones[2].tallies_seen[-1] == {idea: budget_cap}
    # A participant cannot reveal, steer or vote after the reveal.
    for command in ({"type": "reveal_votes"}, {"type": "next"}, {"type": "vote", "idea": idea}):
        await phones[2].send(command)
    await asyncio.sleep(0.2)
    assert [r["code"] for r in phones[2].refused] == ["forbidden", "forbidden", "voting_closed"]
    for client in [facilitator, *phones]:
        await client.drop()


async def test_malformed_and_oversized_messages_get_a_refusal_and_the_socket_survives(
    live_server: LiveServer,
) -> None:
    day1 = live_server.links[1]
    person = await join(live_server, day1.join_code, "Ada", "miljo")
    url = f"{live_server.ws}/w/{day1.workshop_id}/ws?protocol=json&token={person['token']}"
    async with connect(url, compression=None) as socket:
        for raw in (
            "{nope",
            "[]",
            json.dumps({"type": "launch"}),
            json.dumps({"type": "post_idea", "text": "x" * 20_000}),
        ):
            await socket.send(raw)
            answer = json.loads(await socket.recv())
            assert answer["type"] == "refused" and answer["error"]
        await socket.send(json.dumps({"type": "ping"}))
        assert json.loads(await socket.recv()) == {"type": "pong"}


async def test_a_binary_frame_is_refused_and_the_socket_survives(live_server: LiveServer) -> None:
    day1 = live_server.links[1]
    person = await join(live_server, day1.join_code, "Bo", "miljo")
    url = f"{live_server.ws}/w/{day1.workshop_id}/ws?protocol=json&token={person['token']}"
    async with connect(url, compression=None) as socket:
        await socket.send(b"\x00\x01binary")
        answer = json.loads(await socket.recv())
        assert answer["type"] == "refused" and answer["code"] == "invalid"
        await socket.send(json.dumps({"type": "ping"}))
        assert json.loads(await socket.recv()) == {"type": "pong"}


async def test_a_flood_is_rate_limited_and_an_abusive_client_is_closed(
    live_server: LiveServer,
) -> None:
    day1 = live_server.links[1]
    person = await join(live_server, day1.join_code, "Flo", "miljo")
    url = f"{live_server.ws}/w/{day1.workshop_id}/ws?protocol=json&token={person['token']}"
    async with connect(url, compression=None) as socket:
        flood = json.dumps({"type": "post_idea", "text": "x"})
        with contextlib.suppress(ConnectionClosed):
            for _ in range(600):
                await socket.send(flood)
        codes = set()
        with contextlib.suppress(ConnectionClosed):
            while True:
                codes.add(json.loads(await asyncio.wait_for(socket.recv(), 5))["code"])
        assert "rate_limited" in codes
        assert socket.close_code == 1008


async def test_a_wrong_token_is_closed_with_4403_and_an_unknown_workshop_with_4404(
    live_server: LiveServer,
) -> None:
    day1 = live_server.links[1]
    for path, code in ((f"/w/{day1.workshop_id}/ws?token=guess", 4403), ("/w/nope/ws", 4404)):
        async with connect(f"{live_server.ws}{path}", compression=None) as socket:
            with contextlib.suppress(ConnectionClosed):
                await socket.recv()
            assert socket.close_code == code


async def test_someone_coming_online_updates_the_facilitator_and_wakes_nobody_else(
    live_server: LiveServer,
) -> None:
    day1 = live_server.links[1]
    anna = await join(live_server, day1.join_code, "Anna", "miljo")
    bo = await join(live_server, day1.join_code, "Bo", "social")
    token = day1.facilitator.split("token=")[1]
    base = f"{live_server.ws}/w/{day1.workshop_id}/ws"
    async with (
        connect(f"{base}?token={token}", compression=None) as facilitator,
        connect(f"{base}?token={anna['token']}", compression=None) as phone,
    ):
        for socket in (facilitator, phone):  # clock, the view (and "mine"), Anna's arrival
            with contextlib.suppress(TimeoutError):
                while True:
                    await asyncio.wait_for(socket.recv(), 0.5)
        async with connect(f"{base}?token={bo['token']}", compression=None):
            update = await asyncio.wait_for(facilitator.recv(), 2)
            assert 'id="people"' in str(update) and "2/2" in str(update)
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(phone.recv(), 0.5)


async def test_an_anonymised_person_is_disconnected_and_a_returning_client_hears_of_it(
    live_server: LiveServer,
) -> None:
    day1 = live_server.links[1]
    anna = await join(live_server, day1.join_code, "Anna Hansen", "miljo")
    bo = await join(live_server, day1.join_code, "Bo", "social")
    token = day1.facilitator.split("token=")[1]
    watcher = Client(live_server, day1.workshop_id, bo["token"])
    await watcher.connect()
    await asyncio.sleep(0.2)
    last_seen = watcher.seq
    await watcher.drop()  # Bo's phone sleeps through the erasure
    url = f"{live_server.ws}/w/{day1.workshop_id}/ws?protocol=json&token={anna['token']}"
    async with connect(url, compression=None) as annas_phone:
        await annas_phone.send(json.dumps({"type": "hello", "last_seq": None}))
        await asyncio.wait_for(annas_phone.recv(), 2)
        async with httpx.AsyncClient(base_url=live_server.base) as http:
            erased = await http.post(
                f"/w/{day1.workshop_id}/anonymise/{anna['participant']}?token={token}", json={}
            )
        assert erased.status_code == 200
        with contextlib.suppress(ConnectionClosed):
            while True:
                await asyncio.wait_for(annas_phone.recv(), 2)
        assert annas_phone.close_code == 4403
    back = Client(live_server, day1.workshop_id, bo["token"])
    back.seq = last_seen
    raw: list[str] = []
    original = back.apply

    def keep(message: dict[str, object]) -> None:
        raw.append(json.dumps(message, ensure_ascii=False))
        original(message)  # type: ignore[arg-type]

    back.apply = keep  # type: ignore[method-assign]
    await back.connect()
    await asyncio.sleep(0.3)
    # Its last seq is behind the erasure: it gets the erased view (an event or a snapshot).
    assert back.seq is not None and last_seen is not None and back.seq > last_seen
    assert any("Anonym" in r for r in raw), raw
    assert not any("Anna Hansen" in r for r in raw), raw
    await back.drop()
