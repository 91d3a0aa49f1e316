"""The JSON websocket protocol with many clients that drop, reconnect and retry."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections.abc import Awaitable, Callable
from typing import Any

import httpx2 as httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from facilitator.agenda import Programme, VotePhase
from tests.support import JsonClient, LiveServer, server_seq, settle, sound, top_ids, until

pytestmark = pytest.mark.slow

PONG = '{"type":"pong"}'  # as the server writes it (compact JSON)


async def join(server: LiveServer, code: str, name: str, department: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server.base) as http:
        response = await http.post(f"/join/{code}", json={"name": name, "department": department})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def seq_of(server: LiveServer, workshop: str, token: str) -> Callable[[], Awaitable[int]]:
    """Asks the server for the workshop's seq (for ``settle``)."""
    return lambda: server_seq(server.base, workshop, token)


async def next_message(socket: ClientConnection) -> str:
    message = await asyncio.wait_for(socket.recv(), 5)
    assert isinstance(message, str), message
    return message


async def drain(socket: ClientConnection) -> None:
    """Read up to the answer to a ping: all the server sent before it has then arrived."""
    await socket.send(json.dumps({"type": "ping"}))
    while await next_message(socket) != PONG:
        pass


async def test_twenty_two_phones_that_drop_and_retry_all_end_with_the_servers_board(
    live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[1]
    agenda = programme.workshop("staff-day-1").agenda
    group_work = next(i for i, p in enumerate(agenda.phases) if p.kind == "group_work")
    departments = [d.key for d in programme.departments]
    token = day1.facilitator.split("token=")[1]

    facilitator = JsonClient(live_server.ws, day1.workshop_id, token)
    await facilitator.connect()
    people = [
        await join(live_server, day1.join_code, f"Person {n}", departments[n % len(departments)])
        for n in range(22)
    ]
    phones = [JsonClient(live_server.ws, day1.workshop_id, p["token"]) for p in people]
    for phone in phones:
        await phone.connect()
    for command in (
        {"type": "start"},
        {"type": "jump", "phase": group_work},
        {"type": "form_groups", "seed": 7},
    ):
        await facilitator.send(command)
    await until(lambda: not facilitator.unacked, "the facilitator's commands were not answered")
    assert not facilitator.refused

    rng = random.Random(1)

    async def work(phone: JsonClient, number: int) -> None:
        for k in range(6):
            await phone.send({"type": "post_idea", "text": f"Idé {number}.{k}"})
            if rng.random() < 0.3:
                await phone.drop()
                # What is tested: a phone away for a random moment while the others go on.
                await asyncio.sleep(rng.random() / 20)
                await phone.connect()

    await asyncio.gather(*(work(phone, n) for n, phone in enumerate(phones)))
    everyone = [facilitator, *phones]
    await settle(everyone, seq_of(live_server, day1.workshop_id, token))

    expected = {f"Idé {n}.{k}" for n in range(22) for k in range(6)}
    for client in everyone:
        assert sorted(client.ideas.values()) == sorted(expected)  # exactly once each
        assert not client.refused and not client.problems
    for client in everyone:
        await client.drop()


async def test_a_phone_back_in_the_same_epoch_gets_what_it_missed_and_one_from_another_a_snapshot(
    live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[1]
    token = day1.facilitator.split("token=")[1]
    facilitator = JsonClient(live_server.ws, day1.workshop_id, token)
    phone = JsonClient(live_server.ws, day1.workshop_id, token)
    await facilitator.connect()
    await phone.connect()
    await until(lambda: phone.seq is not None and phone.epoch is not None, "no snapshot")
    assert phone.snapshots == 1
    await phone.drop()

    await facilitator.send({"type": "start"})
    await settle([facilitator], seq_of(live_server, day1.workshop_id, token))
    await phone.connect()  # same epoch: the missed events, in order, and no snapshot
    await until(lambda: phone.seq == facilitator.seq, lambda: f"{phone} missed events")
    await phone.ping()  # and nothing more after them
    assert phone.snapshots == 1
    await phone.drop()

    # An epoch this server never gave out, as after a restart: the seq alone proves nothing.
    phone.epoch = "before-restart"
    await phone.connect()
    await until(lambda: phone.snapshots == 2, "no snapshot for an unknown epoch")
    assert phone.seq == facilitator.seq
    for client in (facilitator, phone):
        await client.drop()
    assert sound([facilitator, phone])


async def test_votes_stay_secret_until_revealed_and_the_budget_holds_against_raw_commands(
    live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[1]
    agenda = programme.workshop("staff-day-1").agenda
    group_work = next(i for i, p in enumerate(agenda.phases) if p.kind == "group_work")
    vote_index, vote = next((i, p) for i, p in enumerate(agenda.phases) if p.kind == "vote")
    assert isinstance(vote, VotePhase)
    token = day1.facilitator.split("token=")[1]
    facilitator = JsonClient(live_server.ws, day1.workshop_id, token)
    await facilitator.connect()
    people = [await join(live_server, day1.join_code, f"P{n}", "miljo") for n in range(3)]
    phones = [JsonClient(live_server.ws, day1.workshop_id, p["token"]) for p in people]
    for phone in phones:
        await phone.connect()
    everyone = [facilitator, *phones]
    await facilitator.send({"type": "start"})
    await facilitator.send({"type": "jump", "phase": group_work})
    await until(lambda: not facilitator.unacked, "the facilitator's commands were not answered")
    await phones[0].send({"type": "post_idea", "text": "Én indgang for virksomheder"})
    await until(lambda: phones[0].ideas, "the phone never saw its own idea")
    idea = next(iter(phones[0].ideas))
    await facilitator.send({"type": "jump", "phase": vote_index})
    await until(lambda: not facilitator.unacked, "the jump to the vote was not answered")

    budget_cap = min(vote.votes_per_person, vote.max_per_idea)
    for _ in range(budget_cap + 2):  # more than the UI would ever allow
        await phones[1].send({"type": "vote", "idea": idea})
    await until(lambda: not phones[1].unacked, "the votes were not answered")
    assert [r["code"] for r in phones[1].refused] == ["idea_limit"] * 2
    assert phones[1].refused[0]["error"].startswith("Én idé kan højst få")
    # Nobody but the voter and the facilitator learnt anything about the votes: every
    # phone has had every event the votes caused, and then a pong.
    await settle(everyone, seq_of(live_server, day1.workshop_id, token))
    await phones[0].ping()
    await phones[2].ping()
    assert all(t is None for t in phones[0].tallies_seen + phones[2].tallies_seen)

    await facilitator.send({"type": "reveal_votes"})
    await settle(everyone, seq_of(live_server, day1.workshop_id, token))
    assert phones[2].tallies_seen[-1] == {idea: budget_cap}
    # A participant cannot reveal, steer or vote after the reveal.
    for command in ({"type": "reveal_votes"}, {"type": "next"}, {"type": "vote", "idea": idea}):
        await phones[2].send(command)
    await until(lambda: not phones[2].unacked, "the participant's commands were not answered")
    assert [r["code"] for r in phones[2].refused] == ["forbidden", "forbidden", "voting_closed"]
    for client in everyone:
        await client.drop()
    assert sound(everyone)


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
            for _ in range(1000):  # a burst (60) gets through; then ten bursts' worth refused
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
        # The facilitator gets the clock, the view, and Anna's arrival (unless the view had
        # it already); the phone the clock, its view and its "mine". Then nothing else.
        while "(1/2 " not in await next_message(facilitator):
            pass
        for socket in (facilitator, phone):
            await drain(socket)
        async with connect(f"{base}?token={bo['token']}", compression=None):
            update = await next_message(facilitator)
            # The table's heading (its count) and Bo's row: not the table of everyone.
            tops = top_ids(update)
            assert "people" not in tops
            assert tops[-2:] == ["people-title", f"person-{bo['participant']}"]
            assert "(2/2 " in update and 'class="person online"' in update
            # Every socket heard of Bo at once, so a pong now comes after anything the phone got.
            await phone.send(json.dumps({"type": "ping"}))
            assert await next_message(phone) == PONG


async def test_an_anonymised_person_is_disconnected_and_a_returning_client_hears_of_it(
    live_server: LiveServer,
) -> None:
    day1 = live_server.links[1]
    anna = await join(live_server, day1.join_code, "Anna Hansen", "miljo")
    bo = await join(live_server, day1.join_code, "Bo", "social")
    token = day1.facilitator.split("token=")[1]
    watcher = JsonClient(live_server.ws, day1.workshop_id, bo["token"])
    await watcher.connect()
    await watcher.ping()  # the snapshot is in
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
    back = JsonClient(live_server.ws, day1.workshop_id, bo["token"])
    back.seq = last_seen
    await back.connect()
    await back.ping()  # the pong comes after all its hello brought
    # Its last seq is behind the erasure: it gets the erased view (an event or a snapshot).
    assert back.seq is not None and last_seen is not None and back.seq > last_seen
    assert back.seq == await server_seq(live_server.base, day1.workshop_id, token)
    assert any("Anonym" in r for r in back.raw), back.raw
    assert not any("Anna Hansen" in r for r in back.raw), back.raw
    await back.drop()
    assert sound([watcher, back])
