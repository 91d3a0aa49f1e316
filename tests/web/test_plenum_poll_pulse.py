"""The plenum's questions, a poll and the service pulse through the JSON protocol, over real
sockets: twenty phones, the facilitator and the wall, each socket read to prove that nothing
reaches a role that may not see it (docs/api.md §6.5–§6.8, §7)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import Engine
from websockets.asyncio.client import connect

from facilitator.agenda import Programme
from facilitator.store.db import make_engine, session_scope
from facilitator.store.pulse import programme_pulse
from facilitator.store.tables import Workshop
from facilitator.store.workshops import get_workshop
from tests.support import JsonClient, LiveServer, server_seq, settle

pytestmark = pytest.mark.slow

DEPARTMENTS = ("miljo", "beskaeftigelse", "plan-og-byg", "social", "borgerservice")


class Phone:
    """A person's phone: its own cookies (so a later join proves who it is), its token and,
    once connected, its JSON socket."""

    def __init__(self, server: LiveServer, name: str, department: str) -> None:
        self.http = httpx.AsyncClient(base_url=server.base, follow_redirects=False)
        self.server, self.name, self.department = server, name, department
        self.id = self.token = ""
        self.socket: JsonClient | None = None

    async def join(self, code: str) -> JsonClient:
        answer = await self.http.post(
            f"/join/{code}", json={"name": self.name, "department": self.department}
        )
        assert answer.status_code == 200, answer.text
        joined = answer.json()
        self.id, self.token = joined["participant"], joined["token"]
        self.socket = JsonClient(self.server.ws, joined["workshop"], self.token)
        await self.socket.connect()
        return self.socket

    @property
    def client(self) -> JsonClient:
        assert self.socket is not None
        return self.socket


def token_of(link: str) -> str:
    return link.split("token=")[1]


def phase(programme: Programme, workshop: str, key: str) -> int:
    return [p.key for p in programme.workshop(workshop).agenda.phases].index(key)


def seq_of(server: LiveServer, workshop: str, token: str) -> Callable[[], Awaitable[int]]:
    return lambda: server_seq(server.base, workshop, token)


async def snapshot(server: LiveServer, workshop: str, token: str) -> dict[str, Any]:
    """A fresh snapshot of the workshop as the token's role sees it."""
    url = f"{server.ws}/w/{workshop}/ws?protocol=json&token={token}"
    async with connect(url, compression=None) as socket:
        await socket.send(json.dumps({"type": "hello", "last_seq": None}))
        while True:
            message = json.loads(await socket.recv())
            if message["type"] == "snapshot":
                view: dict[str, Any] = message["view"]
                return view


def events(client: JsonClient) -> list[dict[str, Any]]:
    """Every event this socket was sent that it may see (not the nulls)."""
    found = []
    for raw in client.raw:
        message = json.loads(raw)
        if message["type"] == "event" and message["event"] is not None:
            found.append(message["event"])
    return found


async def test_twenty_phones_ask_and_upvote_and_each_role_sees_only_what_it_may(
    live_server: LiveServer, programme: Programme
) -> None:
    day1 = live_server.links[1]
    w, token = day1.workshop_id, token_of(day1.facilitator)
    facilitator = JsonClient(live_server.ws, w, token)
    wall = JsonClient(live_server.ws, w, token_of(day1.projector))
    await facilitator.connect()
    await wall.connect()
    phones = [Phone(live_server, f"Medarbejder {n}", DEPARTMENTS[n % 5]) for n in range(20)]
    guests = [Phone(live_server, name, "erhverv") for name in ("Gitte Bager", "Hans Smed")]
    for phone in [*phones, *guests]:
        await phone.join(day1.join_code)
    commands: list[dict[str, Any]] = [
        {"type": "start"},
        {"type": "jump", "phase": phase(programme, "staff-day-1", "business-voices")},
        *({"type": "set_guest", "participant": g.id, "guest": True} for g in guests),
        {"type": "name_speakers", "participants": [g.id for g in guests]},
    ]
    for command in commands:
        await facilitator.send(command)
    everyone = [facilitator, wall, *(p.client for p in [*phones, *guests])]
    await settle(everyone, seq_of(live_server, w, token))
    assert not facilitator.refused

    # Fifteen questions, every third anonymous; the plenum is moderated.
    askers = phones[:13] + guests
    for n, phone in enumerate(askers):
        await phone.client.send(
            {"type": "post_question", "text": f"Spørgsmål nummer {n:02}", "anonymous": n % 3 == 0}
        )
    await settle(everyone, seq_of(live_server, w, token))
    view = await snapshot(live_server, w, token)
    questions = {q["text"]: q for q in view["plenum"]["questions"]}
    assert len(questions) == 15 and not any(q["approved"] for q in questions.values())
    key = {int(text.rsplit(" ", 1)[1]): q["id"] for text, q in questions.items()}
    # Nobody but the facilitator and the asker has seen a word of a question waiting for approval.
    for n, phone in enumerate(askers):
        for client in [wall, *(p.client for p in [*phones, *guests])]:
            seen = "\n".join(client.raw)
            assert (f"Spørgsmål nummer {n:02}" in seen) == (client is phone.client), (n, client)

    # The facilitator approves twelve, hides two and leaves one waiting.
    for n in range(12):
        await facilitator.send({"type": "approve_question", "question": key[n]})
    for n in (12, 13):
        await facilitator.send({"type": "hide_question", "question": key[n]})
    await settle(everyone, seq_of(live_server, w, token))

    # Upvotes: question n gets (n % 7) + 1 of them, from phones that did not ask it.
    expected: dict[int, int] = {}
    for n in range(12):
        voters = [p for p in phones[::-1] if p is not askers[n]][: (n % 7) + 1]
        expected[n] = len(voters)
        for voter in voters:
            await voter.client.send({"type": "upvote_question", "question": key[n]})
    await settle(everyone, seq_of(live_server, w, token))
    assert not [r for p in phones for r in p.client.refused]

    # Raw commands no honest screen sends: each refused, and nothing changes.
    tries: list[tuple[Phone, dict[str, Any], str]] = [
        (askers[1], {"type": "upvote_question", "question": key[1]}, "own_question"),
        (phones[19], {"type": "upvote_question", "question": key[0]}, "already_upvoted"),
        (phones[19], {"type": "upvote_question", "question": key[14]}, "no_question"),
        (phones[19], {"type": "upvote_question", "question": key[12]}, "no_question"),
        (phones[0], {"type": "withdraw_upvote", "question": key[1]}, "not_upvoted"),
        (phones[19], {"type": "approve_question", "question": key[14]}, "forbidden"),
        (phones[18], {"type": "post_question", "text": " "}, "empty_question"),
    ]
    before = await server_seq(live_server.base, w, token)
    for phone, command, _ in tries:
        await phone.client.send(command)
    await settle(everyone, seq_of(live_server, w, token))
    refusals = [r["code"] for p in {*phones, *guests} for r in p.client.refused]
    assert sorted(refusals) == sorted(code for *_, code in tries)
    assert await server_seq(live_server.base, w, token) == before
    await wall.send({"type": "show_question", "question": key[0]})
    await facilitator.send({"type": "show_question", "question": key[14]})
    await facilitator.send({"type": "show_question", "question": key[3]})
    await settle(everyone, seq_of(live_server, w, token))
    assert [r["code"] for r in wall.refused] == ["read_only"]
    assert [r["code"] for r in facilitator.refused] == ["not_approved"]

    # The facilitator's view: every question, most upvoted first, with who upvoted.
    view = await snapshot(live_server, w, token)
    votes = [q["votes"] for q in view["plenum"]["questions"]]
    assert votes == sorted(votes, reverse=True) and len(votes) == 15
    by_id = {q["id"]: q for q in view["plenum"]["questions"]}
    for n in range(12):
        assert by_id[key[n]]["votes"] == expected[n] == len(by_id[key[n]]["upvoters"])
    assert view["plenum"]["wall"] == key[3]
    assert view["plenum"]["speakers"]["business-voices"] == [g.id for g in guests]
    roles = {m["id"]: m["role"] for m in view["members"]}
    assert [roles[g.id] for g in guests] == ["guest", "guest"]
    # Anonymous questions carry no asker, for the facilitator neither.
    for n, phone in enumerate(askers):
        assert by_id[key[n]]["by"] == (None if n % 3 == 0 else phone.id)

    # Everyone else sees the twelve approved ones (and an asker their own), ranked the same.
    for phone in [*phones, *guests]:
        mine = await snapshot(live_server, w, phone.token)
        ids = [q["id"] for q in mine["plenum"]["questions"]]
        own = {key[n] for n, asker in enumerate(askers) if asker is phone and n >= 12}
        assert set(ids) == {key[n] for n in range(12)} | (own - {key[12], key[13]})
        assert all("upvoters" not in q and "hidden" not in q for q in mine["plenum"]["questions"])
        shown = [q["votes"] for q in mine["plenum"]["questions"]]
        assert shown == sorted(shown, reverse=True)
    projected = await snapshot(live_server, w, token_of(day1.projector))
    assert {q["id"] for q in projected["plenum"]["questions"]} == {key[n] for n in range(12)}

    # No socket but the facilitator's ever carried who upvoted what, except one's own.
    for phone in [*phones, *guests]:
        for event in events(phone.client):
            if event["type"] in ("question_upvoted", "upvote_withdrawn"):
                assert event.get("by") in (None, phone.id), event
            if event["type"] == "question_posted" and event["anonymous"]:
                assert event["by"] in (None, phone.id), event
    assert all(
        "by" not in e for e in events(wall) if e["type"] in ("question_upvoted", "upvote_withdrawn")
    )
    for client in everyone:
        await client.drop()


async def test_a_poll_stays_hidden_until_revealed_and_answers_change_until_then(
    live_server: LiveServer, programme: Programme
) -> None:
    day2 = live_server.links[3]
    w, token = day2.workshop_id, token_of(day2.facilitator)
    facilitator = JsonClient(live_server.ws, w, token)
    wall = JsonClient(live_server.ws, w, token_of(day2.projector))
    await facilitator.connect()
    await wall.connect()
    phones = [Phone(live_server, f"Medarbejder {n}", DEPARTMENTS[n % 5]) for n in range(20)]
    visitor = Phone(live_server, "Gitte Bager", "erhverv")
    for phone in [*phones, visitor]:
        await phone.join(day2.join_code)
    for command in (
        {"type": "start"},
        {"type": "jump", "phase": phase(programme, "staff-day-2", "entry-points-poll")},
        {"type": "set_guest", "participant": visitor.id, "guest": True},
        {"type": "reveal_poll"},  # nobody has answered: refused
    ):
        await facilitator.send(command)
    everyone = [facilitator, wall, *(p.client for p in [*phones, visitor])]
    await settle(everyone, seq_of(live_server, w, token))
    assert [r["code"] for r in facilitator.refused] == ["no_answers"]

    options = ["one-door", "named-contact", "per-case", "as-today"]
    for n, phone in enumerate(phones):
        await phone.client.send({"type": "answer_poll", "answer": options[n % 4]})
    for phone in phones[:6]:  # six change their minds, to a front door
        await phone.client.send({"type": "answer_poll", "answer": "one-door"})
    tries: list[tuple[Phone, dict[str, Any], str]] = [
        (phones[7], {"type": "answer_poll", "answer": ["one-door", "as-today"]}, "one_choice"),
        (phones[8], {"type": "answer_poll", "answer": "two-doors"}, "no_option"),
        (phones[9], {"type": "answer_poll", "answer": 3}, "bad_answer"),
        (visitor, {"type": "answer_poll", "answer": "one-door"}, "guests_phase"),
        (phones[10], {"type": "reveal_poll"}, "forbidden"),
    ]
    for phone, command, _ in tries:
        await phone.client.send(command)
    await settle(everyone, seq_of(live_server, w, token))
    refused = [r["code"] for p in (*phones[7:11], visitor) for r in p.client.refused]
    assert sorted(refused) == sorted(code for *_, code in tries)

    final = {p.id: ("one-door" if n < 6 else options[n % 4]) for n, p in enumerate(phones)}
    counts = {key: sum(1 for v in final.values() if v == key) for key in options}
    # Before the reveal: the facilitator sees the results, nobody else a count of them.
    ahead = await snapshot(live_server, w, token)
    assert ahead["polls"]["entry-points-poll"]["results"]["counts"] == counts
    for phone in phones[:3]:
        mine = (await snapshot(live_server, w, phone.token))["polls"]["entry-points-poll"]
        assert "results" not in mine and mine["mine"] == final[phone.id] and mine["answered"] == 20
    for client in [wall, *(p.client for p in [*phones, visitor])]:
        assert not any('"counts"' in raw for raw in client.raw), client
        for event in events(client):
            if event["type"] == "poll_answered":
                assert event["by"] == next(p.id for p in [*phones, visitor] if p.client is client)
    changed = sum(1 for n in range(6) if options[n % 4] != "one-door")  # the others: unchanged
    assert sum(1 for e in events(facilitator) if e["type"] == "poll_answered") == 20 + changed

    await facilitator.send({"type": "reveal_poll"})
    await settle(everyone, seq_of(live_server, w, token))
    for client in everyone:
        [revealed] = [e for e in events(client) if e["type"] == "poll_revealed"]
        assert revealed["results"]["counts"] == counts and revealed["results"]["answered"] == 20
    await phones[11].client.send({"type": "answer_poll", "answer": "as-today"})
    await settle(everyone, seq_of(live_server, w, token))
    assert [r["code"] for r in phones[11].client.refused] == ["poll_closed"]
    for client in everyone:
        await client.drop()


async def test_the_pulse_at_two_points_of_the_programme_shows_the_change_and_nobodys_answer(
    live_server: LiveServer, programme: Programme, sqlite_url: str
) -> None:
    kickoff, day1, _catalogue, day2 = live_server.links
    phones = [Phone(live_server, f"Medarbejder {n}", DEPARTMENTS[n % 5]) for n in range(14)]

    # The leaders' own baseline: four answer, too few for any result to show.
    leaders = [Phone(live_server, f"Leder {n}", "erhverv") for n in range(4)]
    k, k_token = kickoff.workshop_id, token_of(kickoff.facilitator)
    for leader in leaders:
        await leader.join(kickoff.leader_code)
    lead = JsonClient(live_server.ws, k, k_token)
    await lead.connect()
    await lead.send({"type": "start"})
    await lead.send({"type": "jump", "phase": phase(programme, "leaders-kickoff", "pulse-start")})
    await settle([lead], seq_of(live_server, k, k_token))
    for n, leader in enumerate(leaders):
        scores = {"overall": 4, "case-handling": 4, "information": 1 + n}
        await leader.client.send({"type": "answer_pulse", "scores": scores, "recommend": 8})
    await lead.send({"type": "close_pulse"})
    await settle([lead, *(p.client for p in leaders)], seq_of(live_server, k, k_token))
    for client in [lead, *(p.client for p in leaders)]:
        [closed] = [e for e in events(client) if e["type"] == "pulse_closed"]
        assert closed["result"] == {
            "measurement": "leaders-start",
            "answered": 4,
            "shown": False,
            "items": [],
            "recommend": None,
            "why": [],
        }

    # Staff day 1: the baseline, early in the day; each phone writes its home reflection.
    w1, t1 = day1.workshop_id, token_of(day1.facilitator)
    facilitator = JsonClient(live_server.ws, w1, t1)
    wall = JsonClient(live_server.ws, w1, token_of(day1.projector))
    await facilitator.connect()
    await wall.connect()
    for phone in phones:
        await phone.join(day1.join_code)
    await facilitator.send({"type": "start"})
    await facilitator.send(
        {"type": "jump", "phase": phase(programme, "staff-day-1", "pulse-baseline")}
    )
    everyone = [facilitator, wall, *(p.client for p in phones)]
    await settle(everyone, seq_of(live_server, w1, t1))
    for n, phone in enumerate(phones[:12]):
        scores = {"overall": 2 + n % 2, "case-handling": 2, "information": 3}
        await phone.client.send(
            {"type": "answer_pulse", "scores": scores, "recommend": 5 + n % 2, "why": f"grund {n}"}
        )
    off = {"overall": 6, "case-handling": 2, "information": 3}
    tries: list[tuple[Phone, dict[str, Any], str]] = [
        (phones[12], {"type": "answer_pulse", "scores": off}, "off_scale"),
        (phones[12], {"type": "answer_pulse", "scores": {"overall": 3}}, "missing_scores"),
        (phones[13], {"type": "close_pulse"}, "forbidden"),
    ]
    for phone, command, _ in tries:
        await phone.client.send(command)
    await settle(everyone, seq_of(live_server, w1, t1))
    assert [r["code"] for p in phones[12:] for r in p.client.refused] == [c for *_, c in tries]
    # Before closing: n for everyone, no numbers for anyone, no answer on any other socket.
    for who in (t1, token_of(day1.projector), phones[0].token):
        taken = (await snapshot(live_server, w1, who))["pulse"]["baseline"]
        assert taken["answered"] == 12 and not taken["results"]["shown"]
        assert taken["results"]["items"] == []
    for client in [facilitator, wall, *(p.client for p in phones)]:
        for event in events(client):
            if event["type"] == "pulse_answered":
                assert client is next(p.client for p in phones if p.id == event["by"])
        assert client is not facilitator or not any('"scores"' in raw for raw in client.raw)
    await facilitator.send({"type": "close_pulse"})
    await settle(everyone, seq_of(live_server, w1, t1))
    for client in everyone:
        [closed] = [e for e in events(client) if e["type"] == "pulse_closed"]
        result = closed["result"]
        assert result["shown"] and result["answered"] == 12
        assert [i["item"] for i in result["items"]] == ["overall", "case-handling", "information"]
        assert (
            result["items"][0]["mean"] == 2.5
            and sum(result["items"][0]["distribution"].values()) == 12
        )
        assert result["recommend"]["detractors"] == 12 and result["recommend"]["nps"] == -100
        assert sorted(result["why"]) == sorted(f"grund {n}" for n in range(12))
    for phone in phones:  # the home reflection: how a later workshop knows the same phone
        opened = await phone.http.get(f"/w/{w1}/reflection?token={phone.token}")
        assert opened.status_code == 303
    await facilitator.send({"type": "end"})
    await settle(everyone, seq_of(live_server, w1, t1))
    for client in everyone:
        await client.drop()

    # Staff day 2: the same phones (ten of the twelve answer again) and two new people.
    w2, t2 = day2.workshop_id, token_of(day2.facilitator)
    newcomers = [Phone(live_server, f"Ny {n}", "social") for n in range(2)]
    again = phones[:10] + newcomers
    for phone in [*phones, *newcomers]:
        await phone.join(day2.join_code)
    facilitator = JsonClient(live_server.ws, w2, t2)
    await facilitator.connect()
    await facilitator.send({"type": "start"})
    await facilitator.send({"type": "jump", "phase": phase(programme, "staff-day-2", "pulse-end")})
    everyone = [facilitator, *(p.client for p in [*phones, *newcomers])]
    await settle(everyone, seq_of(live_server, w2, t2))
    for phone in again:
        scores = {"overall": 4, "case-handling": 3, "information": 3}
        await phone.client.send({"type": "answer_pulse", "scores": scores, "recommend": 9})
    await facilitator.send({"type": "close_pulse"})
    await settle(everyone, seq_of(live_server, w2, t2))
    [closed] = [e for e in events(facilitator) if e["type"] == "pulse_closed"]
    assert (
        closed["result"]["items"][0]["mean"] == 4.0 and closed["result"]["recommend"]["nps"] == 100
    )
    await facilitator.send({"type": "end"})
    await settle(everyone, seq_of(live_server, w2, t2))

    # The programme's result: every measurement, and the change from the baseline.
    engine: Engine = make_engine(sqlite_url)
    try:
        with session_scope(engine) as session:
            row = get_workshop(session, workshop_id=w2)
            assert isinstance(row, Workshop) and row.programme_id is not None
            read = programme_pulse(session, programme_id=row.programme_id, salt="test")
    finally:
        engine.dispose()
    assert read.result is not None
    shown = {m.measurement: (m.answered, m.shown) for m in read.result.measurements}
    assert shown == {
        "leaders-start": (4, False),
        "baseline": (12, True),
        "leaders-again": (0, False),
        "end": (12, True),
    }
    [leaders_change, change] = read.result.comparisons
    assert (change.measurement, change.baseline) == ("end", "baseline")
    overall = change.items[0]
    assert overall.overall == pytest.approx(4.0 - 2.5)
    assert overall.paired_n == 10  # linked by the phones, not by their names
    assert overall.paired == pytest.approx(sum(4 - (2 + n % 2) for n in range(10)) / 10)
    assert change.recommend is not None and change.recommend.nps == 200
    assert leaders_change.items[0].overall is None  # nothing to compare: too few, and none
    people = {r.person for r in read.records}
    assert len(people) == 4 + 12 + 2
    assert not any(p.id in r.person or p.name in r.person for r in read.records for p in phones)
    for client in everyone:
        await client.drop()

    # The same on one screen, for the facilitator and the wall; a phone may not open it.
    async with httpx.AsyncClient(base_url=live_server.base) as http:
        for link in (day2.facilitator, day2.projector):
            screen = await http.get(f"/w/{w2}/pulse?token={token_of(link)}&lang=da")
            assert screen.status_code == 200, screen.text
            html = screen.text
            assert "siden Udgangspunkt: medarbejderdag 1" in html  # the change's baseline
            assert "Ledernes opfølgning" not in html  # nobody answered it: no column
            assert "<strong>+1,5</strong>" in html  # 2.5 → 4.0 overall
            assert "+1,5 for de 10, der svarede begge gange" in html
            assert "<strong>+200</strong>" in html  # the NPS, −100 → +100
            assert '<span class="none">Ikke vist</span>' in html  # the leaders' four answers
            assert "grund 0" not in html and "Medarbejder" not in html  # nobody's own answer
        refused = await http.get(f"/w/{w2}/pulse?token={phones[0].token}")
        assert refused.status_code == 403
