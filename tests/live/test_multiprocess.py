"""Two real server processes on one PostgreSQL schema and one Redis: the same board everywhere.

Every participant keeps a socket open on both processes and posts through either of them,
all at once. In the end every socket on both processes holds exactly the board the database
holds, the journal has no gap, and every idea was stored once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import Engine, text
from websockets.asyncio.client import connect

from facilitator.agenda.files import DEFAULT_PROGRAMME, load_programme
from facilitator.clock import system_clock
from facilitator.store.db import make_engine
from facilitator.store.migrate import upgrade
from facilitator.store.programmes import WorkshopLinks, create_programme
from tests.support import (
    REDIS,
    JsonClient,
    free_port,
    healthy,
    redis_unreachable,
    until,
    until_blocking,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

PEOPLE = 10
IDEAS_EACH = 6
WAIT = 10.0


@contextlib.contextmanager
def servers(database_url: str, data_dir: Path, count: int) -> Iterator[list[str]]:
    """``count`` server processes sharing the database and the broker; their base URLs."""
    env = {
        **os.environ,
        "FACILITATOR_DATABASE_URL": database_url,
        "FACILITATOR_BROKER_URL": REDIS,
    }
    started: list[tuple[subprocess.Popen[bytes], str, Path]] = []
    try:
        for n in range(count):
            port, log = free_port(), data_dir / f"server-{n}.log"
            arguments = ["serve", "--port", str(port), "--data-dir", str(data_dir)]
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [sys.executable, "-m", "facilitator.cli", *arguments],
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            started.append((process, f"http://127.0.0.1:{port}", log))
        deadline = time.monotonic() + 20
        for process, base, log in started:

            def up(process: subprocess.Popen[bytes] = process, base: str = base) -> bool:
                return healthy(base) or process.poll() is not None

            until_blocking(up, f"{base} did not come up", within=deadline - time.monotonic())
            if process.poll() is not None:
                raise AssertionError(f"{base} did not come up:\n{log.read_text()[-3000:]}")
        yield [base for _, base, _ in started]
    finally:
        for process, _, _ in started:
            if process.poll() is None:
                process.terminate()
        for process, _, _ in started:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def journal(engine: Engine, workshop: str) -> tuple[int, list[int], dict[str, list[str]]]:
    """The workshop's seq, its journal's seqs, and each posted text's idea ids."""
    with engine.connect() as connection:
        seq = connection.execute(
            text("SELECT seq FROM workshop WHERE id = :w"), {"w": workshop}
        ).scalar_one()
        seqs = list(
            connection.execute(
                text("SELECT seq FROM journal WHERE workshop_id = :w ORDER BY seq"), {"w": workshop}
            ).scalars()
        )
        payloads = connection.execute(
            text("SELECT payload FROM journal WHERE workshop_id = :w AND type = 'idea_posted'"),
            {"w": workshop},
        ).scalars()
        stored: dict[str, list[str]] = {}
        for payload in payloads:
            data = payload if isinstance(payload, dict) else json.loads(payload)
            stored.setdefault(data["text"], []).append(data["idea"])
    return seq, seqs, stored


async def join_people(bases: list[str], code: str, count: int) -> list[dict[str, Any]]:
    """``count`` people join, each through the next of ``bases`` in turn."""
    people: list[dict[str, Any]] = []
    async with httpx.AsyncClient() as http:
        for n in range(count):
            http.cookies.clear()  # each person joins on a phone of their own
            response = await http.post(
                f"{bases[n % len(bases)]}/join/{code}",
                json={"name": f"Person {n}", "department": "miljo"},
            )
            assert response.status_code == 200, response.text
            people.append(response.json())
    return people


class SocketBroke(AssertionError):
    """A socket saw something no socket should: a gap, a duplicate, a close from the server."""


async def steady(
    check: Callable[[], bool], what: Callable[[], str], clients: list[JsonClient]
) -> None:
    """Wait for ``check``; fail at once when a socket breaks, and after WAIT at the latest."""

    def holds() -> bool:
        broken = [(c.url.split("/w/")[0], c.problems, list(c.unacked.values())) for c in clients]
        broken = [b for b in broken if b[1]]
        if broken:
            raise SocketBroke(broken)
        return check()

    await until(holds, what, within=WAIT)


@pytest.fixture
def programme_links(postgres_url: str) -> Iterator[tuple[Engine, list[WorkshopLinks]]]:
    reason = redis_unreachable()
    if reason:
        pytest.skip(reason)
    engine = make_engine(postgres_url)
    upgrade(engine)
    links = create_programme(
        engine, load_programme(DEFAULT_PROGRAMME), clock=system_clock, base_url=""
    )
    yield engine, links
    engine.dispose()


async def test_two_processes_show_every_socket_the_same_board(
    programme_links: tuple[Engine, list[WorkshopLinks]], postgres_url: str, tmp_path: Path
) -> None:
    engine, links = programme_links
    day1 = links[1]
    workshop, token = day1.workshop_id, day1.facilitator.split("token=")[1]
    agenda = load_programme(DEFAULT_PROGRAMME).workshop("staff-day-1").agenda
    group_work = next(i for i, p in enumerate(agenda.phases) if p.kind == "group_work")

    with servers(postgres_url, tmp_path, 2) as (a, b):
        async with contextlib.AsyncExitStack() as sockets:

            async def open_socket(base: str, token: str) -> JsonClient:
                client = JsonClient(base, workshop, token)
                await client.connect()
                sockets.push_async_callback(client.drop)
                return client

            people = await join_people([a, b], day1.join_code, PEOPLE)

            facilitator, watching = await open_socket(a, token), await open_socket(b, token)
            phones = [
                (await open_socket(a, p["token"]), await open_socket(b, p["token"])) for p in people
            ]
            everyone = [facilitator, watching, *(c for pair in phones for c in pair)]
            await steady(
                lambda: all(c.seq is not None for c in everyone), lambda: "no snapshot", everyone
            )

            for command in ({"type": "start"}, {"type": "jump", "phase": group_work}):
                await facilitator.send(command)
                await steady(lambda: not facilitator.unacked, lambda: "no answer", everyone)
            assert not facilitator.refused

            async def post(n: int) -> None:
                for k in range(IDEAS_EACH):  # alternately through A and through B
                    await phones[n][k % 2].send({"type": "post_idea", "text": f"Idé {n}.{k}"})

            await asyncio.gather(*(post(n) for n in range(PEOPLE)))
            await steady(
                lambda: not any(c.unacked for c in everyone),
                lambda: f"not acknowledged: {[c.unacked for c in everyone if c.unacked]}",
                everyone,
            )
            seq, seqs, stored = await asyncio.to_thread(journal, engine, workshop)
            await steady(
                lambda: all(c.seq == seq for c in everyone),
                lambda: f"at seq {seq}, the sockets are at {[c.seq for c in everyone]}",
                everyone,
            )

            # The journal: every seq once, none missing, and the workshop agrees.
            assert seqs == list(range(1, seq + 1))
            # Every idea stored once.
            expected = {f"Idé {n}.{k}" for n in range(PEOPLE) for k in range(IDEAS_EACH)}
            assert set(stored) == expected
            assert all(len(ids) == 1 for ids in stored.values()), stored
            board = {ids[0]: posted for posted, ids in stored.items()}
            # Every socket, on either process, holds exactly the database's board.
            for client in everyone:
                assert client.ideas == board
                assert not client.refused and not client.problems, client.refused
            # And both processes hand a newcomer that same board.
            late = [await open_socket(a, token), await open_socket(b, token)]
            await steady(lambda: all(c.seq == seq for c in late), lambda: "newcomers lag", late)
            assert all(c.ideas == board for c in late)


async def test_the_facilitator_sees_everyone_online_whichever_process_their_socket_is_on(
    programme_links: tuple[Engine, list[WorkshopLinks]], postgres_url: str, tmp_path: Path
) -> None:
    _, links = programme_links
    day1 = links[1]
    workshop, token = day1.workshop_id, day1.facilitator.split("token=")[1]
    with servers(postgres_url, tmp_path, 2) as (a, b):
        people = await join_people([a], day1.join_code, 3)
        console = f"{a.replace('http', 'ws')}/w/{workshop}/ws?token={token}"
        async with connect(console, compression=None) as facilitator:
            shown: list[str] = []  # the people heading's "(online/everyone " as last sent

            async def online_shown(count: int) -> None:
                wanted = f"({count}/3 "
                while not shown or wanted not in shown[-1]:
                    message = await asyncio.wait_for(facilitator.recv(), WAIT)
                    if isinstance(message, str) and 'id="people-title"' in message:
                        shown.append(message)

            await online_shown(0)
            phones = [JsonClient(b, workshop, p["token"]) for p in people]  # on the other one
            for phone in phones:
                await phone.connect()
            await online_shown(3)
            await phones[0].drop()
            await online_shown(2)
            for phone in phones[1:]:
                await phone.drop()
            await online_shown(0)
