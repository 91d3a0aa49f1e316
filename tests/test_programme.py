"""The whole Solrød programme through the JSON protocol: 6 leaders, 20 staff, 4 workshops.

Day 1's proposals reach the leaders' catalogue; leaders triage concurrently; staff sockets
receive no draft before the reveal and every decision after it; reflections written
between the days appear on day 2; the exports open with the right content.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx2 as httpx
import pytest
from openpyxl import load_workbook
from websockets.asyncio.client import connect

from facilitator.agenda import Programme
from tests.support import JsonClient, LiveServer, server_seq, settle, until

pytestmark = pytest.mark.slow

VERDICTS = ["start_now", "city_council", "await"]


def phase(programme: Programme, workshop: str, key: str) -> int:
    agenda = programme.workshop(workshop).agenda
    return next(i for i, p in enumerate(agenda.phases) if p.key == key)


class Person:
    """One phone: its own cookies (its participant cookies prove whose reflection it is)."""

    def __init__(self, server: LiveServer, name: str, department: str) -> None:
        self.http = httpx.AsyncClient(base_url=server.base, follow_redirects=False)
        self.name, self.department = name, department
        self.token = ""
        self.workshop = ""
        self.reflection = ""  # the private link to the home reflection

    async def join(self, code: str) -> None:
        response = await self.http.post(
            f"/join/{code}", json={"name": self.name, "department": self.department}
        )
        assert response.status_code == 200, response.text
        answer = response.json()
        self.token, self.workshop = answer["token"], answer["workshop"]

    async def close(self) -> None:
        await self.http.aclose()


async def drive(server: LiveServer, workshop: str, token: str, *commands: dict[str, Any]) -> None:
    async with httpx.AsyncClient(base_url=server.base) as http:
        for command in commands:
            response = await http.post(f"/w/{workshop}/commands?token={token}", json=command)
            assert response.status_code == 200, (command, response.text)


async def pulse(
    server: LiveServer,
    workshop: str,
    people: list[Person],
    token: str,
    overall: Callable[[int], int],
) -> dict[str, Any]:
    """Everyone answers the pulse phase under way; the facilitator closes it. Returns the
    measurement as the facilitator's snapshot then shows it."""
    for n, person in enumerate(people):
        scores = {"overall": overall(n), "case-handling": 3, "information": 3}
        async with httpx.AsyncClient(base_url=server.base) as http:
            answer = await http.post(
                f"/w/{workshop}/commands?token={person.token}",
                json={"type": "answer_pulse", "scores": scores, "recommend": 8},
            )
        assert answer.status_code == 200, answer.text
    await drive(server, workshop, token, {"type": "close_pulse"})
    url = f"{server.ws}/w/{workshop}/ws?protocol=json&token={token}"
    async with connect(url, compression=None) as socket:
        await socket.send(json.dumps({"type": "hello", "last_seq": None}))
        while True:
            message = json.loads(await socket.recv())
            if message["type"] == "snapshot":
                [taken] = message["view"]["pulse"].values()
                result: dict[str, Any] = taken["results"]
                return result


def seq_of(server: LiveServer, workshop: str, token: str) -> Callable[[], Awaitable[int]]:
    """Asks the server for the workshop's seq (for ``settle``)."""
    return lambda: server_seq(server.base, workshop, token)


async def test_the_whole_programme(live_server: LiveServer, programme: Programme) -> None:
    kickoff, day1, catalogue, day2 = live_server.links
    tokens = {w.key: w.facilitator.split("token=")[1] for w in live_server.links}
    departments = [d.key for d in programme.departments]
    staff = [Person(live_server, f"Medarbejder {n}", departments[n % 5]) for n in range(20)]
    leaders = [Person(live_server, f"Leder {n}", departments[n % 6]) for n in range(6)]

    # --- Workshop 1: the leaders' kick-off runs on its own --------------------------------
    for leader in leaders:
        await leader.join(kickoff.join_code)
    await drive(
        live_server, kickoff.workshop_id, tokens[kickoff.key], {"type": "start"}, {"type": "end"}
    )

    # --- Workshop 2: staff day 1 — proposals, votes, home reflections ----------------------
    for person in staff:
        await person.join(day1.join_code)
    w = day1.workshop_id
    # The day opens with the service pulse's baseline (docs/api.md §6.8).
    await drive(
        live_server,
        w,
        tokens[day1.key],
        {"type": "start"},
        {"type": "jump", "phase": phase(programme, "staff-day-1", "pulse-baseline")},
    )
    baseline = await pulse(live_server, w, staff, tokens[day1.key], lambda n: 2 + n % 2)
    assert baseline["shown"] and baseline["answered"] == 20 and baseline["items"][0]["mean"] == 2.5
    await drive(
        live_server,
        w,
        tokens[day1.key],
        {"type": "jump", "phase": phase(programme, "staff-day-1", "needs-and-offers")},
        {"type": "form_groups", "seed": 3},
    )
    phones = [JsonClient(live_server.ws, w, p.token) for p in staff]
    for client in phones:
        await client.connect()
    for n, client in enumerate(phones[:10]):
        await client.send(
            {"type": "post_idea", "text": f"Forslag {n}: færre indgange for virksomhederne"}
        )
    await settle(phones, seq_of(live_server, w, tokens[day1.key]))
    await drive(
        live_server,
        w,
        tokens[day1.key],
        {"type": "jump", "phase": phase(programme, "staff-day-1", "proposals-vote")},
    )
    ideas = list(phones[0].ideas) or [i for c in phones for i in c.ideas]
    everyone_sees = set().union(*(c.ideas for c in phones))
    assert len(everyone_sees) == 10
    for client in phones:
        await client.send({"type": "vote", "idea": sorted(everyone_sees)[0]})
    await settle(phones, seq_of(live_server, w, tokens[day1.key]))
    await drive(
        live_server,
        w,
        tokens[day1.key],
        {"type": "reveal_votes"},
        {"type": "jump", "phase": phase(programme, "staff-day-1", "home-reflection")},
    )
    for n, person in enumerate(staff):
        opened = await person.http.get(f"/w/{w}/reflection?token={person.token}")
        assert opened.status_code == 303
        person.reflection = link = opened.headers["location"]
        saved = await person.http.post(
            link, json={"text": f"Jeg vil ringe tilbage samme dag ({n})", "share": n % 2 == 0}
        )
        assert saved.json()["ok"]
    await drive(live_server, w, tokens[day1.key], {"type": "end"})
    for client in phones:
        await client.drop()
    del ideas

    # Between the days the link still works: reflections can change until day 2 starts.
    again = await staff[0].http.post(
        staff[0].reflection,
        json={"text": "Jeg vil ringe tilbage samme dag (0) – og skrive kort", "share": True},
    )
    assert again.json()["ok"]

    # --- Workshop 3: the leaders triage the catalogue concurrently -------------------------
    for leader in leaders:
        await leader.join(catalogue.leader_code)
    c = catalogue.workshop_id
    await drive(
        live_server,
        c,
        tokens[catalogue.key],
        {"type": "start"},
        {"type": "jump", "phase": phase(programme, "leaders-catalogue", "one-by-one")},
    )
    boards = [JsonClient(live_server.ws, c, leader.token) for leader in leaders]
    for board in boards:
        await board.connect()
    await until(lambda: all(b.seq is not None for b in boards), "a leader had no snapshot")
    async with httpx.AsyncClient(base_url=live_server.base) as http:
        view = (await http.get(f"/w/{c}/state?token={tokens[catalogue.key]}")).json()
    assert view["status"] == "running"
    entries = await catalogue_entries(live_server, c, leaders[0].token)
    assert len(entries) == 10 and all(e["origin"] == "staff-day-1" for e in entries)
    for n, entry in enumerate(entries):
        board = boards[n % 6]
        await board.send(
            {"type": "triage", "entry": entry["id"], "field": "verdict", "value": VERDICTS[n % 3]}
        )
        await board.send(
            {
                "type": "triage",
                "entry": entry["id"],
                "field": "rationale",
                "value": f"Hemmelig begrundelse {n}",
            }
        )
        if n % 3 == 0:
            await board.send(
                {
                    "type": "triage",
                    "entry": entry["id"],
                    "field": "timeline",
                    "value": f"2027-0{1 + n % 9}",
                }
            )
    # Two leaders write the same field at once: the last write wins, both are in the history.
    await boards[0].send(
        {"type": "triage", "entry": entries[0]["id"], "field": "priority", "value": 2}
    )
    await boards[1].send(
        {"type": "triage", "entry": entries[0]["id"], "field": "priority", "value": 1}
    )
    await settle(boards, seq_of(live_server, c, tokens[catalogue.key]))
    assert not [r for b in boards for r in b.refused]
    entries = await catalogue_entries(live_server, c, leaders[0].token)
    first = entries[0]
    written = [h["value"] for h in first["history"] if h["field"] == "priority"]
    assert sorted(written) == [1, 2] and first["priority"] == written[-1]
    await drive(live_server, c, tokens[catalogue.key], {"type": "end"})
    for board in boards:
        await board.drop()

    # --- Workshop 4: staff day 2 — reflections come back, the panel reveals ----------------
    d = day2.workshop_id
    for person in staff:
        await person.join(day2.join_code)  # same phone: its day-1 cookie brings the reflection
    for leader in leaders:
        await leader.join(day2.leader_code)
    still_open = await staff[2].http.post(
        staff[2].reflection, json={"text": "Jeg vil ringe tilbage samme dag (2)!", "share": True}
    )
    assert still_open.status_code == 200  # day 2 has people in it, but has not started
    await drive(
        live_server,
        d,
        tokens[day2.key],
        {"type": "start"},
        {"type": "jump", "phase": phase(programme, "staff-day-2", "my-service")},
    )
    too_late = await staff[1].http.post(
        staff[1].reflection, json={"text": "efter start", "share": False}
    )
    assert too_late.status_code == 410
    page = await staff[3].http.get(f"/w/{d}/me?token={staff[3].token}")
    assert "Jeg vil ringe tilbage samme dag (3)" in page.text
    assert "samme dag (5)" not in page.text  # only one's own reflection, privately

    await drive(
        live_server,
        d,
        tokens[day2.key],
        {"type": "jump", "phase": phase(programme, "staff-day-2", "sparring-partner")},
        {"type": "form_groups", "seed": 11},
    )
    shared_seen = set()
    for n, person in enumerate(staff):
        text = (await person.http.get(f"/w/{d}/me?token={person.token}")).text
        shared_seen |= {m for m in range(20) if f"samme dag ({m})" in text and m != n}
    assert shared_seen and all(m % 2 == 0 for m in shared_seen)  # only the shared ones

    # How many entry points? A poll, hidden until revealed (docs/api.md §6.7).
    await drive(
        live_server,
        d,
        tokens[day2.key],
        {"type": "jump", "phase": phase(programme, "staff-day-2", "entry-points-poll")},
    )
    choices = ["one-door", "named-contact", "per-case", "as-today"]
    async with httpx.AsyncClient(base_url=live_server.base) as http:
        for n, person in enumerate(staff):
            answer = {"type": "answer_poll", "answer": choices[min(n % 6, 3)]}
            sent = await http.post(f"/w/{d}/commands?token={person.token}", json=answer)
            assert sent.status_code == 200, sent.text
    await drive(live_server, d, tokens[day2.key], {"type": "reveal_poll"})

    listeners = [JsonClient(live_server.ws, d, p.token) for p in staff]
    for listener in listeners:
        await listener.connect()
    panel = JsonClient(live_server.ws, d, leaders[0].token)
    await panel.connect()
    await drive(
        live_server,
        d,
        tokens[day2.key],
        {"type": "jump", "phase": phase(programme, "staff-day-2", "leader-panel")},
    )
    # Every staff socket has had everything up to the panel, and no draft in any of it.
    await settle([*listeners, panel], seq_of(live_server, d, tokens[day2.key]))
    assert not any("Hemmelig begrundelse" in raw for each in listeners for raw in each.raw)
    decided = await catalogue_entries(live_server, d, leaders[0].token)
    assert len(decided) == 10 and all(e["verdict"] for e in decided)
    for entry in decided[:4]:
        await panel.send({"type": "reveal_decision", "entry": entry["id"]})
    await settle([*listeners, panel], seq_of(live_server, d, tokens[day2.key]))
    for listener in listeners:
        received = "\n".join(listener.raw)
        for n, entry in enumerate(decided):
            secret = entry["rationale"]
            assert (secret in received) == (n < 4), (n, secret)
    await listeners[0].send({"type": "react", "entry": decided[0]["id"], "reaction": "support"})
    await listeners[1].send(
        {"type": "ask_question", "text": "Hvornår starter det?", "entry": decided[0]["id"]}
    )
    await settle(listeners, seq_of(live_server, d, tokens[day2.key]))
    assert not listeners[0].refused and not listeners[1].refused

    # The day ends with the same pulse again: the same words, a later measurement.
    await drive(
        live_server,
        d,
        tokens[day2.key],
        {"type": "jump", "phase": phase(programme, "staff-day-2", "pulse-end")},
    )
    end = await pulse(live_server, d, staff, tokens[day2.key], lambda n: 4)
    assert end["measurement"] == "end" and end["answered"] == 20
    assert end["items"][0]["mean"] - baseline["items"][0]["mean"] == 1.5

    # --- Exports: all four formats open with the right content ----------------------------
    async with httpx.AsyncClient(base_url=live_server.base) as http:
        base = f"/w/{d}/export"
        token = tokens[day2.key]
        md = (await http.get(f"{base}.md?token={token}")).text
        assert "Hemmelig begrundelse 0" in md and "færre indgange" in md
        raw_csv = (await http.get(f"{base}.csv?token={token}")).content
        assert raw_csv.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw_csv.decode("utf-8-sig")), delimiter=";"))
        assert len(rows) == 11
        xlsx = (await http.get(f"{base}.xlsx?token={token}")).content
        sheet = load_workbook(io.BytesIO(xlsx)).worksheets[0]
        assert sheet.max_row == 11
        html = (await http.get(f"{base}.html?token={token}")).text
        assert "<html" in html and "færre indgange" in html
        denied = await http.get(f"{base}.csv?token={staff[0].token}")
        assert denied.status_code == 403

    for client in [*listeners, panel]:
        await client.drop()
    for person in [*staff, *leaders]:
        await person.close()


async def catalogue_entries(server: LiveServer, workshop: str, token: str) -> list[dict[str, Any]]:
    """The catalogue as a leader's snapshot shows it."""
    url = f"{server.ws}/w/{workshop}/ws?protocol=json&token={token}"
    async with connect(url, compression=None) as socket:
        await socket.send(json.dumps({"type": "hello", "last_seq": None}))
        while True:
            message = json.loads(await socket.recv())
            if message["type"] == "snapshot":
                entries: list[dict[str, Any]] = message["view"]["catalogue"]["entries"]
                return entries
