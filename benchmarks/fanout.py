"""Fan-out latency of the live server beside a bare, a durable and a socket.io server.

Run from the repository root:

    .venv/bin/python benchmarks/fanout.py [--clients 25 100 1000] [--posts 100] [--rounds 2]

For each N it starts, as subprocesses on 127.0.0.1, one after the other (the order reversed
every other round):

* ours: ``python -m facilitator.cli serve`` on a fresh SQLite database holding the default
  programme; N participants join staff-day-1 by code, the facilitator starts the workshop,
  jumps to its first group-work phase and forms groups over the JSON websocket; the N
  receivers are JSON sockets (``protocol=json``);
* ours-pages: the same server set up the same way, but every socket is a page's: N participants'
  phones (each sees its own group's board), the wall (``screen=wall``, projector token) and
  the console (facilitator token) receive HTML fragments; the posts come from three phones
  in three different groups, over their page sockets, as app.js sends them;
* ours-pg: ours on PostgreSQL (a fresh schema of the ``test`` database on 127.0.0.1:5432)
  with the Redis hub (127.0.0.1:6379), one worker: the multi-process path's fixed cost
  beside SQLite's; skipped, with the reason, where either is not running;
* baseline: this file with ``--baseline-server``, a `websockets` server that broadcasts
  every message it receives to every open connection (``websockets.broadcast``);
* durable: benchmarks/durable_baseline.py, the same with our contract: insert into SQLite
  and commit, broadcast, fdatasync the log, then acknowledge;
* socket.io: benchmarks/socketio_server.js on Node (socket.io 4.8, installed into
  .venv/npm if missing; skipped, saying why, without node or npm), which ``io.emit``s every
  event; the client speaks raw Engine.IO v4 over the websocket, no socket.io client.

Against each it opens N receiving websocket clients plus a few posting clients with the same
client code, sends ``post_idea`` commands one at a time (a new one every ``--spacing-ms``, and
never before the poster has seen its previous post come back), and times, in this process,
from just before the send to the moment each receiving client has the message carrying that
post's text (for ours-pages: the fragment showing it, at every screen that shows the poster's
group). It also reads the server's CPU time (``/proc/PID/stat``) around the timed window,
counts the bytes the sockets receive in it, and the server's RSS before and after the
sockets connect. Everything stays on the loopback interface and every wait has a time limit.

With two or more CPUs, this process runs on the last one and the servers on the others
(``--no-pin`` to leave placement to the OS): otherwise the scheduler moves client and server
onto one CPU now and then, and a send then waits for the receiver it woke.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import itertools
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parent.parent
DURABLE = SCRIPT.parent / "durable_baseline.py"
SOCKETIO = SCRIPT.parent / "socketio_server.js"
NPM_MODULES = ROOT / ".venv" / "npm" / "node_modules"
SOCKETIO_VERSION = "4.8"
HOST = "127.0.0.1"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"  # ours-pg, and workers.py
REDIS = "redis://127.0.0.1:6379/0"
WORKSHOP = "staff-day-1"
RATE_PER_SOCKET = 20.0  # the server's sustained command budget per socket (settings.Limits)
START_TIMEOUT = 30.0
STEP_TIMEOUT = 15.0  # any single command, join or echo
DRAIN_TIMEOUT = 30.0  # after the last post, for every client to have every post
# The CPUs this process may use, as found before it pins itself (Placement).
USABLE_CPUS = frozenset(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
RUN_TIMEOUT = 600.0  # one server at one N, set-up included
BASELINE_LIFETIME = 900.0  # the baseline server exits by itself after this long


# --- the clients (identical for both servers) -------------------------------------------------


class Probe:
    """One JSON websocket client: says hello, waits for its snapshot, stamps the posts it
    sees. Subclasses speak the page sockets' and Engine.IO's framing."""

    def __init__(self, url: str, posts: int, pattern: re.Pattern[str], tally: Tally) -> None:
        self.url = url
        self.pattern = pattern
        self.tally = tally
        self.arrivals: list[float | None] = [None] * posts
        self.echo: dict[int, asyncio.Future[float]] = {}
        self.replies: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.refused: list[dict[str, Any]] = []
        self.closed: str | None = None
        self.socket: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None
        self.ready: asyncio.Future[None] | None = None
        self.snapshot: dict[str, Any] | None = None
        self.received = 0  # payload bytes of every frame so far
        self.last_fragment = 0  # characters of the last HTML fragment (page sockets)
        self.name = "receiver"

    async def open(self) -> None:
        self.ready = asyncio.get_running_loop().create_future()
        self.socket = await connect(
            self.url,
            compression=None,
            open_timeout=STEP_TIMEOUT * 2,
            close_timeout=2,
            ping_interval=None,  # the servers ping; the client only answers
            max_size=2**24,  # a snapshot with a thousand members is a few hundred kB
        )
        self.reader = asyncio.create_task(self.read(self.socket))
        await self.greet(self.socket)
        await asyncio.wait_for(self.ready, STEP_TIMEOUT * 2)

    async def greet(self, sock: ClientConnection) -> None:
        await sock.send(json.dumps({"type": "hello", "last_seq": None}))

    def wrap(self, command: str) -> str:
        """A command as this socket's server expects it."""
        return command

    async def read(self, sock: ClientConnection) -> None:
        try:
            async for raw in sock:
                now = time.perf_counter()  # first thing: the arrival time
                text = raw if isinstance(raw, str) else raw.decode()
                self.received += len(text) if text.isascii() else len(text.encode())
                await self.frame(sock, text, now)
            self.closed = f"closed by the server: code {sock.close_code}"
        except ConnectionClosed as exc:
            self.closed = f"connection lost: code {exc.rcvd.code if exc.rcvd else 'none'}"
            if exc.sent is not None:  # this client closed it (a frame over max_size: 1009)
                self.closed += f"; the client sent {exc.sent.code}: {exc.sent.reason}"
        finally:
            if self.ready is not None and not self.ready.done():
                self.ready.set_exception(ConnectionError(self.closed or "connection ended"))

    async def frame(self, sock: ClientConnection, text: str, now: float) -> None:
        found = self.pattern.search(text)
        if found is not None:  # a post: no JSON parsing on the timed path
            self.stamp(int(found.group(1)), now)
        else:
            with contextlib.suppress(ValueError):
                self.control(json.loads(text))

    def stamp(self, number: int, now: float) -> None:
        if 0 <= number < len(self.arrivals) and self.arrivals[number] is None:
            self.arrivals[number] = now
            self.tally.arrived()
        waiter = self.echo.pop(number, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(now)

    def control(self, message: Any) -> None:
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "snapshot" and self.ready is not None and not self.ready.done():
            self.snapshot = message
            self.ready.set_result(None)
        elif kind in ("ack", "refused"):
            if kind == "refused":
                self.refused.append(message)
            waiter = self.replies.pop(str(message.get("client_id")), None)
            if waiter is not None and not waiter.done():
                waiter.set_result(message)

    async def command(self, command: dict[str, Any]) -> dict[str, Any]:
        """Send a command with a client id and wait for its ack or refusal."""
        assert self.socket is not None
        client_id = secrets.token_hex(8)
        waiter = asyncio.get_running_loop().create_future()
        self.replies[client_id] = waiter
        await self.socket.send(json.dumps({**command, "client_id": client_id}))
        return await asyncio.wait_for(waiter, STEP_TIMEOUT)

    def ready_now(self) -> None:
        if self.ready is not None and not self.ready.done():
            self.ready.set_result(None)

    async def close(self) -> None:
        if self.socket is not None:
            with contextlib.suppress(Exception):
                await self.socket.close()
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(BaseException):
                await self.reader


class PageProbe(Probe):
    """A page's socket (app.js): HTML fragments, a few JSON messages (clock, mine, ack).

    A fragment shows the whole board, so it carries every earlier post too: each post whose
    text it shows is stamped, and only the first arrival of each counts."""

    async def greet(self, sock: ClientConnection) -> None:
        await sock.send(json.dumps({"type": "hello"}))

    async def frame(self, sock: ClientConnection, text: str, now: float) -> None:
        if text.startswith("<"):
            self.last_fragment = len(text)
            for number in self.pattern.findall(text):
                self.stamp(int(number), now)
            self.ready_now()  # the first fragment: the page is drawn
        else:
            with contextlib.suppress(ValueError):
                self.control(json.loads(text))


class EngineIOProbe(Probe):
    """A socket.io client over raw Engine.IO v4 (no client library): ``0{…}`` opens, ``40``
    joins the default namespace and ``40{…}`` confirms it; events are ``42["name", data]``;
    the server's ping ``2`` is answered ``3``."""

    async def greet(self, sock: ClientConnection) -> None:
        pass  # the server speaks first

    def wrap(self, command: str) -> str:
        return '42["post_idea",' + command + "]"

    async def frame(self, sock: ClientConnection, text: str, now: float) -> None:
        if text.startswith("42"):
            found = self.pattern.search(text)
            if found is not None:
                self.stamp(int(found.group(1)), now)
        elif text == "2":
            await sock.send("3")
        elif text.startswith("0{"):
            await sock.send("40")
        elif text.startswith("40"):
            self.ready_now()
        elif text.startswith("44"):  # a refused namespace connection
            self.closed = f"socket.io refused the connection: {text}"
            await sock.close()


class Tally:
    """How many (post, receiver) arrivals are still expected; an event when none are."""

    def __init__(self) -> None:
        self.expected = 0
        self.done = asyncio.Event()

    def expect(self, count: int) -> None:
        self.expected = count
        if count <= 0:
            self.done.set()

    def arrived(self) -> None:
        self.expected -= 1
        if self.expected == 0:
            self.done.set()


# --- one measured run -----------------------------------------------------------------------


@dataclass
class Result:
    server: str
    clients: int
    posts: int
    warmup: int = 0  # posts sent before these, not counted
    round: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    by_screen_ms: dict[str, list[float]] = field(default_factory=dict)  # name → latencies
    missing: int = 0
    wall_s: float = 0.0
    posting_s: float = 0.0
    server_cpu_s: float | None = None  # CPU the server process used while posting
    client_cpu_s: float = 0.0  # CPU this process used in the same window
    sockets: int = 0  # every socket the server writes to: receivers, posters, screens
    rss_sockets: int = 0  # the sockets opened between the two RSS readings
    received_bytes: int = 0  # payload bytes all those sockets received in the window
    rss_before_kb: int | None = None  # the server's RSS before the sockets connected …
    rss_after_kb: int | None = None  # … and once they all had their first view
    error: str | None = None
    skipped: str | None = None  # not measured, and why (no node, say)
    notes: list[str] = field(default_factory=list)

    def quantile(self, q: float) -> float | None:
        return nearest_rank(self.latencies_ms, q)

    @property
    def messages_per_s(self) -> float | None:
        return len(self.latencies_ms) / self.wall_s if self.wall_s > 0 else None

    @property
    def socket_messages(self) -> int:
        """Messages the server had to write in the window: one per socket per post."""
        return self.sockets * self.posts

    @property
    def cpu_us_per_delivery(self) -> float | None:
        """Server CPU per socket per post, in µs (= ms per 1,000 deliveries)."""
        if self.server_cpu_s is None or not self.socket_messages:
            return None
        return self.server_cpu_s * 1e6 / self.socket_messages

    @property
    def bytes_per_delivery(self) -> float | None:
        return self.received_bytes / self.socket_messages if self.socket_messages else None

    @property
    def rss_kb_per_socket(self) -> float | None:
        if self.rss_before_kb is None or self.rss_after_kb is None or not self.rss_sockets:
            return None
        return (self.rss_after_kb - self.rss_before_kb) / self.rss_sockets


async def open_in_batches(probes: Sequence[Probe], batch: int) -> None:
    for start in range(0, len(probes), batch):
        await asyncio.gather(*(p.open() for p in probes[start : start + batch]))


async def close_all(probes: Sequence[Probe], batch: int = 200) -> None:
    for start in range(0, len(probes), batch):
        group = probes[start : start + batch]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*(p.close() for p in group), return_exceptions=True), 10
            )


Audience = Callable[[int], Sequence[Probe]]  # post number -> the receivers that must show it


async def connect_all(
    result: Result,
    server: Server,
    first: Sequence[Probe],
    receivers: Sequence[Probe],
    batch: int,
    last: Sequence[Probe] = (),
    settle: float = 0.5,
) -> None:
    """Open the posters and screens (``first``), then the N receivers, and note the server's
    RSS growth over the receivers alone: whatever the first view of a kind costs once
    (templates compiled, caches filled) is paid before. ``last`` opens after them."""
    await open_in_batches(first, batch)
    await asyncio.sleep(0.2)
    result.rss_before_kb = server.rss_kb()
    await open_in_batches(receivers, batch)
    await asyncio.sleep(settle)  # let the server finish sending the snapshots
    result.rss_after_kb = server.rss_kb()
    if last:
        await open_in_batches(last, batch)
        await asyncio.sleep(settle)
    result.sockets = len(first) + len(receivers) + len(last)
    result.rss_sockets = len(receivers)


async def measure(
    result: Result,
    server: Server,
    receivers: Sequence[Probe],
    posters: Sequence[Probe],
    tally: Tally,
    prefix: str,
    spacing: float,
    audience: Audience | None = None,
) -> None:
    """Post one at a time; every receiver stamps each post's arrival.

    ``audience`` names the receivers that must show a post (default: all of them). The
    first ``result.warmup`` posts are not counted: the first messages through a fresh
    client process or server cost more (first calls, allocations), and whichever server
    goes first would otherwise pay for it.
    """
    everyone = [*receivers, *posters]
    scratch = Result(result.server, result.clients, result.warmup)
    await post_and_wait(
        scratch, receivers, posters, tally, prefix, spacing, range(result.warmup), audience
    )
    result.notes += scratch.notes
    # This process's garbage collector must not land on either server's timed path: a full
    # collection walks every client's objects (tens of ms at a thousand). What exists now
    # lives until the run ends, so it is set aside; only what the posts allocate is collected.
    gc.collect()
    gc.freeze()
    received = sum(p.received for p in everyone)
    server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
    counted = range(result.warmup, result.warmup + result.posts)
    try:
        await post_and_wait(result, receivers, posters, tally, prefix, spacing, counted, audience)
    finally:
        gc.unfreeze()
    result.client_cpu_s = time.process_time() - client_cpu
    after = server.cpu_seconds()
    if after is not None and server_cpu is not None:
        result.server_cpu_s = after - server_cpu
    result.received_bytes = sum(p.received for p in everyone) - received


async def post_and_wait(
    result: Result,
    receivers: Sequence[Probe],
    posters: Sequence[Probe],
    tally: Tally,
    prefix: str,
    spacing: float,
    numbers: range,
    audience: Audience | None = None,
) -> None:
    if not numbers:
        return
    told = audience or (lambda number: receivers)
    sent: dict[int, float | None] = dict.fromkeys(numbers)
    tally.done.clear()
    tally.expect(sum(len(told(number)) for number in numbers))
    loop = asyncio.get_running_loop()
    begin = time.perf_counter() + 0.2
    for index, number in enumerate(numbers):
        delay = begin + index * spacing - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        poster = posters[number % len(posters)]
        assert poster.socket is not None
        echo: asyncio.Future[float] = loop.create_future()
        poster.echo[number] = echo
        message = json.dumps(
            {"type": "post_idea", "text": f"{prefix}{number} idea", "client_id": f"p{number}"}
        )
        message = poster.wrap(message)
        sent[number] = time.perf_counter()
        await poster.socket.send(message)
        try:  # one at a time: the next post waits for this one to come back to its poster
            await asyncio.wait_for(echo, STEP_TIMEOUT)
        except TimeoutError:
            result.notes.append(f"post {number} did not come back to its poster in time")
            break
    first = sent[numbers[0]] or begin
    result.posting_s = time.perf_counter() - first
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(tally.done.wait(), DRAIN_TIMEOUT)
    last = first
    for number in numbers:
        for probe in told(number):
            arrived, stamp = probe.arrivals[number], sent[number]
            if stamp is None:
                continue
            if arrived is None:
                result.missing += 1
            else:
                result.latencies_ms.append((arrived - stamp) * 1000)
                result.by_screen_ms.setdefault(probe.name, []).append((arrived - stamp) * 1000)
                last = max(last, arrived)
    result.wall_s = last - first
    refused = [r for p in posters for r in p.refused]
    if refused:
        result.notes.append(f"{len(refused)} post(s) refused, first: {refused[0].get('error')}")
    closed = [f"{p.name}: {p.closed}" for p in receivers if p.closed]
    if closed:
        result.notes.append(f"{len(closed)} receiver(s) lost their connection ({closed[0]})")


# --- servers --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def http(method: str, url: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=STEP_TIMEOUT) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


@dataclass(frozen=True)
class Placement:
    """The CPUs of this process (the clients) and of the servers; None: wherever."""

    client: frozenset[int] | None = None
    servers: frozenset[int] | None = None

    @classmethod
    def split(cls, pin: bool) -> Placement:
        if not pin or not hasattr(os, "sched_setaffinity"):
            return cls()
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2:
            return cls()
        return cls(frozenset(cpus[-1:]), frozenset(cpus[:-1]))

    def describe(self) -> str:
        if self.client is None or self.servers is None:
            return "placement: left to the OS"
        return (
            f"placement: clients on CPU {', '.join(map(str, sorted(self.client)))}, "
            f"servers on CPU {', '.join(map(str, sorted(self.servers)))}"
        )


class Server:
    """A server subprocess with its output in a log file; stopped by its own pid."""

    def __init__(
        self,
        name: str,
        argv: list[str],
        port: int,
        log: Path,
        cpus: frozenset[int] | None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.name, self.argv, self.port, self.log, self.cpus = name, argv, port, log, cpus
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def spawn(self) -> subprocess.Popen[bytes]:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=None if self.env is None else {**os.environ, **self.env},
            )
        if self.cpus is not None:
            # The new interpreter has no threads yet; the ones it starts inherit this.
            os.sched_setaffinity(self.process.pid, self.cpus)
        return self.process

    async def start(self) -> None:
        process = self.spawn()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start-up:\n{self.tail()}")
            with contextlib.suppress(OSError):
                status, _ = await asyncio.to_thread(http, "GET", f"{self.base}/healthz")
                if status == 200:
                    self.pin_threads()
                    return
            await asyncio.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer /healthz in {START_TIMEOUT:.0f} s")

    def pin_threads(self) -> None:
        """Every thread on the servers' CPUs: Node starts its own before it runs any code."""
        if self.cpus is None or self.process is None:
            return
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{self.process.pid}/task").iterdir():
                with contextlib.suppress(OSError):
                    os.sched_setaffinity(int(task.name), self.cpus)

    def rss_kb(self) -> int | None:
        """The server process's resident set (Linux only)."""
        if self.process is None:
            return None
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        return int(found.group(1)) if found else None

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the server process so far (Linux only)."""
        if self.process is None:
            return None
        try:
            stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        except OSError:
            return None
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

    def tail(self, lines: int = 15) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(text[-lines:])


async def run_ours(
    args: argparse.Namespace,
    result: Result,
    workdir: Path,
    pages: bool = False,
    postgres: bool = False,
) -> None:
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(fresh_schema(POSTGRES)) if postgres else None
        await _run_ours(args, result, workdir, pages, url)


async def _run_ours(
    args: argparse.Namespace, result: Result, workdir: Path, pages: bool, url: str | None
) -> None:
    from facilitator.agenda.files import DEFAULT_PROGRAMME, load_programme
    from facilitator.clock import system_clock
    from facilitator.store.db import make_engine
    from facilitator.store.migrate import upgrade
    from facilitator.store.programmes import create_programme

    clients = result.clients
    data = workdir / f"{result.server}-{clients}-{result.round}"
    data.mkdir()
    url = url or f"sqlite:///{data}/bench.db"
    programme = load_programme(DEFAULT_PROGRAMME)
    engine = make_engine(url)
    upgrade(engine)
    links = create_programme(engine, programme, clock=system_clock, base_url="")
    engine.dispose()
    day = next(link for link in links if link.key == WORKSHOP)
    phases = programme.workshop(WORKSHOP).agenda.phases
    group_work = next(i for i, phase in enumerate(phases) if phase.kind.value == "group_work")
    departments = [d.key for d in programme.departments]
    facilitator_token = day.facilitator.split("token=", 1)[1]
    projector_token = day.projector.split("token=", 1)[1]

    port = free_port()
    argv = [sys.executable, "-m", "facilitator.cli", "serve", "--port", str(port)]
    argv += ["--data-dir", str(data), "--database-url", url]
    if url.startswith("postgresql"):
        argv += ["--broker-url", REDIS]
    # The cap on people per workshop (Limits.people_per_workshop, 500 by default: no real
    # programme comes near it) would refuse the joins of a thousand; raised for this run only.
    env = {
        "FACILITATOR_LIMITS__PEOPLE_PER_WORKSHOP": str(clients + poster_count(args.spacing_ms) + 10)
    }
    server = Server("our server", argv, port, data / "server.log", args.placement.servers, env)
    probes: list[Probe] = []
    try:
        await server.start()
        started = time.perf_counter()
        posters = poster_count(args.spacing_ms)
        semaphore = asyncio.Semaphore(8)

        async def join(number: int) -> tuple[str, str]:
            async with semaphore:
                body = {"name": f"Bench {number}", "department": departments[number % 6]}
                status, answer = await asyncio.to_thread(
                    http, "POST", f"{server.base}/join/{day.join_code}", body
                )
            if status != 200:
                raise RuntimeError(f"join {number} answered {status}: {answer}")
            return str(answer["participant"]), str(answer["token"])

        people = await asyncio.gather(*(join(n) for n in range(clients + posters)))
        joined = time.perf_counter()

        live = f"ws://{HOST}:{port}/w/{day.workshop_id}/ws"
        ws = f"{live}?protocol=json&token="
        tally = Tally()
        prefix = f"fanout-{secrets.token_hex(3)}-#"
        pattern = re.compile(re.escape(prefix) + r"(\d+)")
        facilitator = Probe(ws + facilitator_token, 0, pattern, Tally())
        probes.append(facilitator)
        await facilitator.open()
        for command in (
            {"type": "start"},
            {"type": "jump", "phase": group_work},
            {"type": "form_groups", "seed": 7},
        ):
            reply = await facilitator.command(command)
            if reply.get("type") != "ack":
                raise RuntimeError(f"{command['type']} was refused: {reply}")
        await facilitator.close()  # the baseline has no such socket either

        sent = args.warmup + args.posts
        audience: Audience | None = None
        screens: list[Probe] = []
        if not pages:
            receivers = [Probe(ws + t, sent, pattern, tally) for _, t in people[:clients]]
            # Posters count their own copies apart: the tally waits for the receivers only.
            senders = [Probe(ws + t, sent, pattern, Tally()) for _, t in people[clients:]]
        else:
            # Who is in which group: the facilitator's snapshot after form_groups.
            looker = Probe(ws + facilitator_token, 0, pattern, Tally())
            probes.append(looker)
            await looker.open()
            await looker.close()
            view = (looker.snapshot or {}).get("view", {})
            group_of: dict[str, str] = view["groups"][view["phase"]["key"]]
            # The posting phones: one in each of the first groups, so posts land on several
            # boards; everyone else is a receiving phone.
            chosen: list[tuple[str, str]] = []
            for person in people:
                if group_of.get(person[0]) not in {group_of.get(c[0]) for c in chosen}:
                    chosen.append(person)
                if len(chosen) == posters:
                    break
            chosen += [p for p in people if p not in chosen][: posters - len(chosen)]
            phones = [p for p in people if p not in chosen]
            page = f"{live}?token="
            receivers = [PageProbe(page + t, sent, pattern, tally) for _, t in phones]
            wall = PageProbe(f"{live}?screen=wall&token={projector_token}", sent, pattern, tally)
            console = PageProbe(page + facilitator_token, sent, pattern, tally)
            senders = [PageProbe(page + t, sent, pattern, Tally()) for _, t in chosen]
            groups: dict[str | None, list[Probe]] = {}
            for (phone, _), probe in zip(phones, receivers, strict=True):
                groups.setdefault(group_of.get(phone), []).append(probe)
            shown = [[*groups.get(group_of.get(who), []), wall, console] for who, _ in chosen]

            def shown_by(number: int) -> Sequence[Probe]:
                return shown[number % len(shown)]

            audience = shown_by

            result.notes.append(
                f"{len(set(group_of.values()))} groups; posts from {len(chosen)} phones in "
                f"{len({group_of.get(c[0]) for c in chosen})} groups, each shown by "
                + ", ".join(str(len(s) - 2) for s in shown)
                + " phones of its group + wall + console"
            )
            wall.name, console.name = "the wall", "the console"
            screens = [wall, console]
        probes += receivers + screens + senders
        # The console last: it shows who is online, so while it is open every phone that
        # connects re-renders it with every person on it (at a thousand: minutes).
        await connect_all(
            result, server, senders + screens[:1], receivers, args.batch, last=screens[1:]
        )
        receivers = [*receivers, *screens]
        connected = time.perf_counter()
        await measure(
            result, server, receivers, senders, tally, prefix, args.spacing_ms / 1000, audience
        )
        if screens:
            result.notes.append(
                "p50 / p99 ms by screen: "
                + ", ".join(
                    f"{'the phones' if name == 'receiver' else name} "
                    f"{ms(nearest_rank(found, 0.5))} / {ms(nearest_rank(found, 0.99))}"
                    for name, found in result.by_screen_ms.items()
                )
            )
            typical = statistics.median(p.last_fragment for p in receivers[: -len(screens)])
            result.notes.append(
                f"last fragment (characters): a phone's {typical / 1024:.1f} KiB (median), "
                + ", ".join(f"{p.name}'s {p.last_fragment / 1024:.1f} KiB" for p in screens)
            )
        if not server.alive():
            result.error = f"{server.name} exited during the run:\n{server.tail()}"
        result.notes.append(
            f"set-up: {clients + posters} joins in {joined - started:.1f} s, "
            f"{len(probes)} sockets in {connected - joined:.1f} s"
        )
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}".strip()
        if not server.alive():
            result.error += f"\nserver log:\n{server.tail()}"
    finally:
        await close_all(probes)
        await asyncio.to_thread(server.stop)


async def run_pages(args: argparse.Namespace, result: Result, workdir: Path) -> None:
    await run_ours(args, result, workdir, pages=True)


async def run_ours_pg(args: argparse.Namespace, result: Result, workdir: Path) -> None:
    await run_ours(args, result, workdir, postgres=True)


@contextlib.contextmanager
def fresh_schema(database_url: str) -> Iterator[str]:
    """A URL into a new schema of the PostgreSQL database at ``database_url``, dropped
    afterwards with everything in it."""
    from sqlalchemy import create_engine, text

    schema = f"bench_{secrets.token_hex(5)}"
    admin = create_engine(database_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{database_url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def postgres_missing() -> str | None:
    """Why ours on PostgreSQL + Redis cannot be measured (None: it can)."""
    for name, port in (("PostgreSQL", 5432), ("Redis", 6379)):
        try:
            socket.create_connection((HOST, port), timeout=1).close()
        except OSError:
            return f"{name} is not running on {HOST}:{port}"
    return None


async def run_simple(
    result: Result, args: argparse.Namespace, server: Server, url: str, kind: type[Probe]
) -> None:
    """A server that tells every socket every message: all receivers get every post."""
    clients = result.clients
    probes: list[Probe] = []
    try:
        await server.start()
        tally = Tally()
        prefix = f"fanout-{secrets.token_hex(3)}-#"
        pattern = re.compile(re.escape(prefix) + r"(\d+)")
        sent = args.warmup + args.posts
        receivers = [kind(url, sent, pattern, tally) for _ in range(clients)]
        senders = [kind(url, sent, pattern, Tally()) for _ in range(poster_count(args.spacing_ms))]
        probes = receivers + senders
        await connect_all(result, server, senders, receivers, args.batch)
        await measure(result, server, receivers, senders, tally, prefix, args.spacing_ms / 1000)
        if not server.alive():
            result.error = f"{server.name} exited during the run:\n{server.tail()}"
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}".strip()
        if not server.alive():
            result.error += f"\nserver log:\n{server.tail()}"
    finally:
        await close_all(probes)
        await asyncio.to_thread(server.stop)


async def run_baseline(args: argparse.Namespace, result: Result, workdir: Path) -> None:
    port = free_port()
    argv = [sys.executable, str(SCRIPT), "--baseline-server", str(port)]
    log = workdir / f"baseline-{result.clients}-{result.round}.log"
    server = Server("baseline server", argv, port, log, args.placement.servers)
    await run_simple(result, args, server, f"ws://{HOST}:{port}/", Probe)


async def run_durable(args: argparse.Namespace, result: Result, workdir: Path) -> None:
    port = free_port()
    name = f"durable-{result.clients}-{result.round}"
    argv = [sys.executable, str(DURABLE), str(port), str(workdir / f"{name}.db")]
    server = Server("durable server", argv, port, workdir / f"{name}.log", args.placement.servers)
    await run_simple(result, args, server, f"ws://{HOST}:{port}/", Probe)


async def run_socketio(args: argparse.Namespace, result: Result, workdir: Path) -> None:
    port = free_port()
    node = shutil.which("node") or "node"
    log = workdir / f"socketio-{result.clients}-{result.round}.log"
    env = {"NODE_PATH": str(NPM_MODULES)}
    server = Server(
        "socket.io server", [node, str(SOCKETIO)], port, log, args.placement.servers, env
    )
    server.argv.append(str(port))
    url = f"ws://{HOST}:{port}/socket.io/?EIO=4&transport=websocket"
    await run_simple(result, args, server, url, EngineIOProbe)


def socketio_missing() -> str | None:
    """Why socket.io cannot be measured (None: it can), installing it first if need be."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        return "node is not installed"
    if not (NPM_MODULES / "socket.io" / "package.json").exists():
        if npm is None:
            return f"npm is not installed, and socket.io is not in {NPM_MODULES}"
        print(f"installing socket.io@{SOCKETIO_VERSION} into .venv/npm …", file=sys.stderr)
        install = subprocess.run(
            [
                *(npm, "install", "--silent", "--no-audit", "--no-fund"),
                *("--prefix", str(NPM_MODULES.parent), f"socket.io@{SOCKETIO_VERSION}"),
            ],
            capture_output=True,
            text=True,
        )
        if install.returncode != 0:
            return f"npm install socket.io@{SOCKETIO_VERSION} failed: {install.stderr.strip()}"
    return None


def socketio_version() -> str:
    with contextlib.suppress(OSError, ValueError, KeyError):
        meta = json.loads((NPM_MODULES / "socket.io" / "package.json").read_text())
        return str(meta["version"])
    return "?"


def node_version() -> str:
    with contextlib.suppress(OSError):
        return subprocess.run(
            ["node", "--version"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    return "?"


def poster_count(spacing_ms: float) -> int:
    """Enough posting sockets that none of them exceeds 80 % of the server's command budget."""
    per_second = 1000 / max(spacing_ms, 1)
    return max(1, -(-int(per_second * 100) // int(RATE_PER_SOCKET * 0.8 * 100)))


# --- the baseline server (runs in its own process) -----------------------------------------


def baseline_server(port: int) -> None:
    from http import HTTPStatus

    from websockets.asyncio.server import ServerConnection, broadcast, serve

    async def main() -> None:
        everyone: set[ServerConnection] = set()

        def health(connection: ServerConnection, request: Any) -> Any:
            if request.path == "/healthz":
                return connection.respond(HTTPStatus.OK, '{"status": "ok"}\n')
            return None

        async def handler(connection: ServerConnection) -> None:
            await connection.recv()  # the hello
            await connection.send(json.dumps({"type": "welcome", "seq": 0}))
            await connection.send(json.dumps({"type": "snapshot", "seq": 0, "view": {}}))
            everyone.add(connection)
            try:
                async for message in connection:
                    broadcast(everyone, message)
            finally:
                everyone.discard(connection)

        async with serve(
            handler,
            HOST,
            port,
            compression=None,
            max_size=64 * 1024,
            ping_interval=15,
            ping_timeout=15,
            process_request=health,
            backlog=2048,
        ):
            await asyncio.sleep(BASELINE_LIFETIME)  # stops by itself if never told to

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())


# --- reporting ------------------------------------------------------------------------------


def source_state() -> str:
    """The commit measured, and whether the working tree differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        changed = [
            folder
            for folder in ("facilitator", "benchmarks")
            if subprocess.run(
                ["git", "status", "--porcelain", "--", folder],
                cwd=ROOT,
                capture_output=True,
                text=True,
            ).stdout.strip()
        ]
    except OSError:
        return "unknown"
    if not head:
        return "unknown"
    if not changed:
        return head
    return f"{head} + uncommitted changes under " + " and ".join(f"{c}/" for c in changed)


def machine_facts(load: tuple[float, float, float]) -> list[str]:
    from importlib.metadata import version

    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    usable = len(USABLE_CPUS) if USABLE_CPUS is not None else os.cpu_count()
    return [
        f"cores: {os.cpu_count()} ({usable} usable){f', {model}' if model else ''}",
        f"python: {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}",
        f"websockets {version('websockets')}, uvicorn {version('uvicorn')}, "
        f"asyncio default event loop; node {node_version()}, socket.io {socketio_version()}",
        f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
        f"source: {source_state()}",
    ]


def cpu_ms(seconds: float | None, posts: int) -> str:
    return "-" if seconds is None else f"{seconds * 1000 / posts:.1f} ms/post"


def nearest_rank(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, min(len(ordered), round(q * len(ordered) + 0.5))) - 1]


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def ratio(ours: float | None, base: float | None) -> str:
    return "-" if ours is None or not base else f"{ours / base:.2f}"


def report(runs: list[dict[str, Result]], args: argparse.Namespace) -> str:
    lines: list[str] = []
    pairs = [(r["ours"], r["baseline"]) for r in runs if "ours" in r and "baseline" in r]
    if pairs:
        lines += pair_table(pairs, args)
        lines.append("")
    lines += server_table(runs, args)
    if args.rounds > 1:
        lines.append("")
        lines.append("Medians over the rounds:")
        lines.append("")
        lines += server_table(runs, args, medians=True)
    lines.append("")
    lines.append(
        f"{args.posts} posts per N after {args.warmup} not counted, "
        f"one every {args.spacing_ms:g} ms at most, "
        f"{poster_count(args.spacing_ms)} posting socket(s); "
        "latency = arrival at a receiver - send, over all (post, receiver) pairs "
        "(ours-pages: the receivers that show the post: its group's phones, the wall, "
        "the console). "
        "CPU = server utime+stime in the timed window / (posts x sockets), so ms per 1,000 "
        "deliveries = us per socket per message; bytes = websocket payload the sockets "
        "received in the window / (posts x sockets); RSS = (server RSS once the sockets are "
        "open - before) / N (posters and screens open before)."
    )
    for run in runs:
        for result in run.values():
            which = "" if args.rounds == 1 else f" (round {result.round + 1})"
            if result.skipped:
                lines.append(
                    f"N={result.clients} {result.server}{which}: skipped: {result.skipped}"
                )
                continue
            detail = (
                f"N={result.clients} {result.server}{which}: {len(result.latencies_ms)} arrivals, "
                f"{result.missing} missing, max {ms(max(result.latencies_ms, default=None))} ms, "
                f"posting took {result.posting_s:.2f} s, CPU while posting: "
                f"server {cpu_ms(result.server_cpu_s, result.posts)}, "
                f"clients {cpu_ms(result.client_cpu_s, result.posts)}; "
                f"{result.sockets} sockets, RSS {result.rss_before_kb} -> {result.rss_after_kb} kB "
                f"over the last {result.rss_sockets}"
            )
            lines.append(detail)
            lines += [f"    {note}" for note in result.notes]
            if result.error:
                lines += ["    ERROR " + row for row in result.error.splitlines()]
    lines.append("")
    lines += machine_facts(args.load)
    lines.append(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    lines.append(args.placement.describe())
    return "\n".join(lines)


def pair_table(pairs: list[tuple[Result, Result]], args: argparse.Namespace) -> list[str]:
    head = (
        "| N | ours p50 ms | ours p99 ms | baseline p50 ms | baseline p99 ms "
        "| ratio p50 | ratio p99 | ours msg/s | baseline msg/s |"
    )
    lines = [head, "|" + "---|" * 9]
    for ours, base in pairs:
        label = (
            str(ours.clients) if args.rounds == 1 else f"{ours.clients} (round {ours.round + 1})"
        )
        cells = [
            label,
            ms(ours.quantile(0.5)),
            ms(ours.quantile(0.99)),
            ms(base.quantile(0.5)),
            ms(base.quantile(0.99)),
            ratio(ours.quantile(0.5), base.quantile(0.5)),
            ratio(ours.quantile(0.99), base.quantile(0.99)),
            "-" if ours.messages_per_s is None else f"{ours.messages_per_s:.0f}",
            "-" if base.messages_per_s is None else f"{base.messages_per_s:.0f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    if args.rounds > 1:
        lines.append("")
        for clients in args.clients:
            ratios = []
            for ours, base in pairs:
                ours_p50, base_p50 = ours.quantile(0.5), base.quantile(0.5)
                if ours.clients == clients and ours_p50 and base_p50:
                    ratios.append(ours_p50 / base_p50)
            if ratios:
                lines.append(
                    f"N={clients}: p50 ratio per round "
                    + ", ".join(f"{r:.2f}" for r in ratios)
                    + f"; median {statistics.median(ratios):.2f}"
                )
    return lines


Figures = dict[str, float | None]


def figures(result: Result) -> Figures:
    ok = not result.skipped and result.latencies_ms
    return {
        "p50": result.quantile(0.5) if ok else None,
        "p99": result.quantile(0.99) if ok else None,
        "cpu": result.cpu_us_per_delivery if ok else None,
        "bytes": result.bytes_per_delivery if ok else None,
        "rss": result.rss_kb_per_socket if ok else None,
    }


def median_figures(results: list[Result]) -> Figures:
    each = [figures(r) for r in results]
    out: Figures = {}
    for key in ("p50", "p99", "cpu", "bytes", "rss"):
        values = [value for f in each if (value := f[key]) is not None]
        out[key] = statistics.median(values) if values else None
    return out


def server_table(
    runs: list[dict[str, Result]], args: argparse.Namespace, medians: bool = False
) -> list[str]:
    head = (
        "| N | server | p50 ms | p99 ms | server CPU ms / 1,000 deliveries | bytes / delivery "
        "| RSS KB / socket | p50 / durable | p99 / durable | p50 / socket.io | p99 / socket.io |"
    )
    lines = [head, "|" + "---|" * 11]
    rows: list[tuple[str, str, Figures]] = []
    if medians:
        for clients in args.clients:
            for name in args.servers:
                same = [r[name] for r in runs if name in r and r[name].clients == clients]
                rows.append((str(clients), name, median_figures(same)))
    else:
        for run in runs:
            for name in args.servers:
                if name in run:
                    result = run[name]
                    label = str(result.clients)
                    if args.rounds > 1:
                        label += f" (round {result.round + 1})"
                    rows.append((label, name, figures(result)))
    by_label: dict[str, dict[str, Figures]] = {}
    for label, name, found in rows:
        by_label.setdefault(label, {})[name] = found
    for label, name, found in rows:
        durable = by_label[label].get("durable", {})
        socketio = by_label[label].get("socket.io", {})
        cells = [
            label,
            name,
            ms(found["p50"]),
            ms(found["p99"]),
            "-" if found["cpu"] is None else f"{found['cpu']:.1f}",
            "-" if found["bytes"] is None else f"{found['bytes']:.0f}",
            "-" if found["rss"] is None else f"{found['rss']:.1f}",
            ratio(found["p50"], durable.get("p50")),
            ratio(found["p99"], durable.get("p99")),
            ratio(found["p50"], socketio.get("p50")),
            ratio(found["p99"], socketio.get("p99")),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def raise_open_files(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        print(f"warning: open files limited to {soft}; {needed} wanted", file=sys.stderr)


async def bounded(
    run: Callable[[argparse.Namespace, Result, Path], Awaitable[None]],
    args: argparse.Namespace,
    result: Result,
    workdir: Path,
) -> Result:
    """One run with an overall time limit (its clean-up still runs when the limit hits)."""
    try:
        await asyncio.wait_for(run(args, result, workdir), RUN_TIMEOUT)
    except TimeoutError:
        result.error = f"did not finish within {RUN_TIMEOUT:.0f} s (set-up, posting or drain)"
    return result


RUNNERS: dict[str, Callable[[argparse.Namespace, Result, Path], Awaitable[None]]] = {
    "baseline": run_baseline,
    "durable": run_durable,
    "socket.io": run_socketio,
    "ours": run_ours,
    "ours-pages": run_pages,
    "ours-pg": run_ours_pg,
}


async def bench(args: argparse.Namespace) -> int:
    # The servers inherit the limit: each needs one descriptor per client, this process too.
    raise_open_files(max(args.clients) * 2 + 256)
    args.load = os.getloadavg()
    if args.load[0] > 0.5:
        print(
            f"warning: load average {args.load[0]:.2f}: something else is using the CPU, "
            "the figures will be noisy",
            file=sys.stderr,
        )
    no_socketio = socketio_missing() if "socket.io" in args.servers else None
    if no_socketio:
        print(f"socket.io skipped: {no_socketio}", file=sys.stderr)
    no_postgres = postgres_missing() if "ours-pg" in args.servers else None
    if no_postgres:
        print(f"ours-pg skipped: {no_postgres}", file=sys.stderr)
    missing = {"socket.io": no_socketio, "ours-pg": no_postgres}
    runs: list[dict[str, Result]] = []
    workdir = Path(tempfile.mkdtemp(prefix="fanout-"))
    started = time.perf_counter()
    try:
        for clients, round_ in itertools.product(args.clients, range(args.rounds)):
            # Rounds alternate the order of the servers, so none always meets a fresh
            # client process or a machine still busy with the one before.
            order = args.servers if round_ % 2 == 0 else args.servers[::-1]
            results: dict[str, Result] = {}
            for name in order:
                result = Result(name, clients, args.posts, args.warmup, round_)
                if missing.get(name):
                    result.skipped = missing[name]
                    results[name] = result
                    continue
                print(f"N={clients}: {name} …", file=sys.stderr, flush=True)
                results[name] = await bounded(RUNNERS[name], args, result, workdir)
                print(
                    f"  {name}: p50 {ms(result.quantile(0.5))} ms, "
                    f"p99 {ms(result.quantile(0.99))} ms"
                    + (f", error: {result.error.splitlines()[0]}" if result.error else ""),
                    file=sys.stderr,
                    flush=True,
                )
            runs.append({name: results[name] for name in args.servers})
    finally:
        if args.keep:
            print(f"logs and databases kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(report(runs, args))
    print(f"total time: {time.perf_counter() - started:.0f} s")
    return 1 if any(r.error for run in runs for r in run.values()) else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[25, 100, 1000])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10, help="posts sent first, not counted")
    parser.add_argument(
        "--rounds", type=int, default=1, help="measurements per N, alternating which goes first"
    )
    parser.add_argument("--spacing-ms", type=float, default=50.0, help="between posts")
    parser.add_argument("--batch", type=int, default=100, help="sockets opened at once")
    parser.add_argument("--keep", action="store_true", help="keep the logs and databases")
    parser.add_argument(
        "--no-pin", action="store_true", help="leave clients and servers wherever the OS puts them"
    )
    parser.add_argument(
        "--servers",
        nargs="+",
        choices=list(RUNNERS),
        default=list(RUNNERS),
        help="which servers to measure (default: all), in this order in odd rounds",
    )
    parser.add_argument("--baseline-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.baseline_server:
        baseline_server(args.baseline_server)
        return 0
    if args.posts < 1 or min(args.clients) < 1 or args.warmup < 0 or args.rounds < 1:
        parser.error("--posts and --clients must be positive, --warmup not negative")
    args.placement = Placement.split(pin=not args.no_pin)
    if args.placement.client is not None:
        os.sched_setaffinity(0, args.placement.client)  # before any thread exists: all inherit
    return asyncio.run(bench(args))


if __name__ == "__main__":
    sys.exit(main())
