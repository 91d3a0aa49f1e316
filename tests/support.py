"""What the tests share that is not a fixture: ports, waiting, a clock, a JSON protocol client.

Fixtures live in the conftest.py files and build on these; test modules import from here,
never from each other or from a conftest.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import json
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx2 as httpx
import redis
import uvicorn
from sqlalchemy import create_engine, text
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from facilitator.settings import Settings
from facilitator.store.programmes import WorkshopLinks
from facilitator.web import wire
from facilitator.web.app import create_app

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/15"
WAIT = 10.0  # seconds: how long until() waits; reached only when something is broken


# --- waiting for a condition ----------------------------------------------------------------


def _described(what: str | Callable[[], str]) -> str:
    return what if isinstance(what, str) else what()


async def until(
    condition: Callable[[], object],
    what: str | Callable[[], str] = "the condition never held",
    *,
    within: float = WAIT,
) -> None:
    """Return as soon as ``condition()`` is true; fail with ``what`` after ``within`` seconds.

    ``condition`` may be a coroutine function. It may also raise, to fail at once (say,
    when a socket broke). ``what`` may be a function, to describe the state at the end.
    """
    deadline = time.monotonic() + within
    while True:
        held = condition()
        if isinstance(held, Awaitable):
            held = await held
        if held:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{_described(what)} (waited {within:g} s)")
        await asyncio.sleep(0.01)  # the polling interval, not a guess at how long things take


def until_blocking(
    condition: Callable[[], object],
    what: str | Callable[[], str] = "the condition never held",
    *,
    within: float = WAIT,
) -> None:
    """``until()`` for code without an event loop (a test that drives server processes)."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{_described(what)} (waited {within:g} s)")
        time.sleep(0.02)  # the polling interval


# --- figures for the report -------------------------------------------------------------------


def record_figures(path: Path, name: str, figures: dict[str, Any]) -> None:
    """Add one test's measurements to a JSON file of them (test-output/), locked while it is
    read and written: tests in parallel workers write to the same file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.parent / f".{path.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        known = json.loads(path.read_text()) if path.exists() else {}
        known[name] = figures
        path.write_text(json.dumps(known, indent=2, ensure_ascii=False) + "\n")
    print(name, json.dumps(figures, ensure_ascii=False))


# --- the network ------------------------------------------------------------------------------


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serving(settings: Settings, port: int) -> contextlib.AbstractAsyncContextManager[None]:
    """The app on a loopback port, in the test's own event loop, until the block ends (the
    ``live_server`` fixture; a test that stops and starts the server again uses it twice)."""
    return serving_asgi(create_app(settings), port)


@contextlib.asynccontextmanager
async def serving_asgi(
    app: Any, port: int, protocol: type[wire.WireProtocol] = wire.WireProtocol
) -> AsyncIterator[None]:
    """Any ASGI app, served as the CLI serves ours (uvicorn with ``web.wire``'s protocol)."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, ws=protocol, log_level="warning", **wire.OPTIONS
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    # uvicorn offers no event to await; a server that fails to start ends its task.
    await until(lambda: server.started or task.done(), "the server did not start")
    if task.done():
        task.result()  # its error, if it had one
        raise AssertionError(f"the server on port {port} stopped as it started")
    try:
        yield
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


@functools.cache
def postgres_unreachable() -> str | None:
    """Why the PostgreSQL tests must skip, if they must: asked once, and quickly."""
    if not _listening("127.0.0.1", 5432):
        return "PostgreSQL at 127.0.0.1:5432 is not reachable (nothing listens on the port)"
    engine = create_engine(POSTGRES, connect_args={"connect_timeout": 2})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        return f"PostgreSQL at 127.0.0.1:5432/test is not usable ({type(exc).__name__}: {exc})"
    finally:
        engine.dispose()
    return None


@contextlib.contextmanager
def fresh_postgres_schema() -> Iterator[str]:
    """A URL into a fresh schema of the `test` database, dropped afterwards with all in it;
    the test skips, saying why, where PostgreSQL is not there."""
    reason = postgres_unreachable()  # asked on first use only, then remembered
    if reason:
        import pytest

        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@functools.cache
def redis_unreachable() -> str | None:
    """Why the Redis tests must skip, if they must: asked once, with a short ping."""
    client = redis.Redis.from_url(REDIS, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        return f"Redis at 127.0.0.1:6379 is not reachable: {exc}"
    finally:
        client.close()
    return None


def healthy(base: str) -> bool:
    """Whether the server at ``base`` answers /healthz."""
    try:
        return httpx.get(f"{base}/healthz", timeout=0.5).status_code == 200
    except httpx.TransportError:
        return False


# --- a clock and a server -----------------------------------------------------------------------


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class LiveServer:
    """A real server on a loopback port (the ``live_server`` fixture) and its programme."""

    base: str  # http://127.0.0.1:PORT
    ws: str  # ws://127.0.0.1:PORT
    links: list[WorkshopLinks]


@dataclass(frozen=True)
class ServerSetup:
    """What the ``server_setup`` fixture prepares: the server to be, its settings and port."""

    server: LiveServer
    settings: Settings
    port: int


async def server_seq(base: str, workshop: str, token: str) -> int:
    """The workshop's seq, as the server says (``token``: one that may read the state)."""
    async with httpx.AsyncClient(base_url=base) as http:
        response = await http.get(f"/w/{workshop}/state?token={token}")
    assert response.status_code == 200, response.text
    seq: int = response.json()["seq"]
    return seq


# --- the JSON websocket protocol (docs/api.md §4) ------------------------------------------------


class JsonClient:
    """A client of the JSON protocol that keeps its own copy of the board, as docs/api.md §4.7
    asks: its place in the stream (seq, epoch), the ideas, and the commands not yet answered,
    sent again with the same client id after each reconnect.

    What must never happen (a gap in seq, an idea twice, a binary frame, the server hanging
    up) cannot be raised from the reading task; it is kept in ``problems``, which ``settle()``
    and the tests check.
    """

    def __init__(self, server: str, workshop: str, token: str) -> None:
        origin = "ws" + server.removeprefix("http") if server.startswith("http") else server
        self.url = f"{origin}/w/{workshop}/ws?protocol=json&token={token}"
        self.seq: int | None = None
        self.epoch: str | None = None
        self.snapshots = 0
        self.pongs = 0
        self.ideas: dict[str, str] = {}
        self.unacked: dict[str, dict[str, Any]] = {}
        self.refused: list[dict[str, Any]] = []
        self.tallies_seen: list[Any] = []  # every vote tally this client was shown
        self.raw: list[str] = []  # every message, exactly as it came
        self.problems: list[str] = []
        self.socket: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None
        self._hanging_up = False

    def __repr__(self) -> str:
        return f"<JsonClient seq={self.seq} unacked={len(self.unacked)} {self.url}>"

    async def connect(self) -> None:
        """Connect, say hello with what it holds, and send again what is unanswered."""
        self._hanging_up = False
        self.socket = await connect(self.url, compression=None)
        await self.socket.send(
            json.dumps({"type": "hello", "last_seq": self.seq, "epoch": self.epoch})
        )
        self.reader = asyncio.create_task(self._read(self.socket))
        for command in list(self.unacked.values()):  # a retry: the same client id
            await self.socket.send(json.dumps(command))

    async def drop(self) -> None:
        """Hang up, as a phone that sleeps; what is unanswered stays for the next connect()."""
        self._hanging_up = True
        if self.socket is not None:
            await self.socket.close()
        if self.reader is not None:
            await self.reader  # it ends with the socket, having applied all that arrived

    async def send(self, command: dict[str, Any]) -> str:
        """Send a command with a fresh client id (returned); kept until it is answered."""
        assert self.socket is not None, "connect() first"
        command = {**command, "client_id": uuid.uuid4().hex}
        self.unacked[command["client_id"]] = command
        with contextlib.suppress(ConnectionClosed):  # sent again on reconnect
            await self.socket.send(json.dumps(command))
        client_id: str = command["client_id"]
        return client_id

    async def ping(self) -> None:
        """Return once the pong is back: all the server sent this socket before it has arrived."""
        assert self.socket is not None, "connect() first"
        before = self.pongs
        await self.socket.send(json.dumps({"type": "ping"}))
        await until(lambda: self.pongs > before or self.problems, f"no pong on {self}")
        assert not self.problems, self.problems

    async def _read(self, socket: ClientConnection) -> None:
        try:
            async for raw in socket:
                if not isinstance(raw, str):
                    self.problems.append(f"a binary frame: {raw!r}")
                    continue
                self.raw.append(raw)
                self.apply(json.loads(raw))
        except ConnectionClosed:
            pass
        except Exception as exc:
            self.problems.append(f"{type(exc).__name__}: {exc}")
            return
        if not self._hanging_up:
            self.problems.append(f"the server closed the socket: {socket.close_code}")

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
                if self.seq is None or message["seq"] != self.seq + 1:
                    self.problems.append(f"event {message['seq']} after {self.seq}")
                self.seq = message["seq"]
                self._apply_event(message["event"])
            case "ack":
                self.unacked.pop(message["client_id"], None)
            case "refused":
                self.unacked.pop(message["client_id"], None)
                self.refused.append(message)
            case "pong":
                self.pongs += 1

    def _apply_event(self, event: dict[str, Any] | None) -> None:
        if event is None:  # one this role may not see: only its seq counts
            return
        match event["type"]:
            case "idea_posted":
                if event["idea"] in self.ideas:
                    self.problems.append(f"idea {event['idea']} twice")
                self.ideas[event["idea"]] = event["text"]
            case "votes_revealed":
                self.tallies_seen.append(event["tally"])
            case "vote_cast":
                self.tallies_seen.append(event)


def sound(clients: Iterable[JsonClient]) -> bool:
    """True; or an AssertionError naming each client that saw what must never happen."""
    broken = [(client.url, client.problems) for client in clients if client.problems]
    if broken:
        raise AssertionError(f"a socket broke: {broken}")
    return True


async def settle(clients: list[JsonClient], seq: Callable[[], Awaitable[int]]) -> None:
    """Wait until every command is answered and then every client is at the server's seq.

    ``seq`` asks the server; it is asked once everything is answered, so that it counts
    every change the clients made.
    """
    await until(
        lambda: sound(clients) and not any(c.unacked for c in clients),
        lambda: f"commands not answered: {[c for c in clients if c.unacked]}",
    )
    target = await seq()
    await until(
        lambda: sound(clients) and all(c.seq == target for c in clients),
        lambda: f"the server is at seq {target}, the clients at {[c.seq for c in clients]}",
    )


_VOID = frozenset(
    {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


def top_ids(html: str) -> list[str]:
    """The ids of the elements at the top of an HTML message, or at the top of a
    ``<template>`` there (a part sent alone): what the page swaps by id."""
    found: list[str] = []
    depth = 0

    class Tops(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            nonlocal depth
            if tag == "template":
                return
            if depth == 0:
                found.append(dict(attrs).get("id") or "")
            if tag not in _VOID:
                depth += 1

        def handle_endtag(self, tag: str) -> None:
            nonlocal depth
            if tag not in _VOID and tag != "template":
                depth -= 1

    Tops().feed(html)
    return found
