"""Acknowledged posts per second across many workshops at once, beside the durable baseline.

Run from the repository root:

    .venv/bin/python benchmarks/workshops.py [--workshops 40] [--people 25] [--ideas 5000]

Two servers, one after the other (the order reversed with ``--reverse``), each as a
subprocess on 127.0.0.1 on the servers' CPU (fanout.py's placement):

* ours: ``python -m facilitator.cli serve`` with the embedded default (a fresh SQLite file,
  the in-process hub). ``--workshops`` programmes are created from the default one; in each,
  ``--people`` participants join staff-day-1 by code, and its facilitator starts it, jumps
  to the first group work and forms groups over the JSON socket;
* durable: benchmarks/durable_baseline.py, a bare `websockets` server with our contract
  (commit to SQLite, tell the room, fdatasync the log, acknowledge), one room per path.

Every person keeps one JSON socket open and posts ideas as fast as the answers come back
(the next post goes out when the last one is acknowledged; the per-socket rate limits are
the product's defaults, far above this pace), so the server is the bottleneck, not a
schedule. Each post is told to every socket of its workshop. The run ends once ``--ideas``
posts have been acknowledged in all; the report gives acknowledged posts per second for each
quarter of the steady part of the run (the first and last tenth of the posts left out:
a thousand posts start at once and the last ones drain alone; a rate that falls as ideas
accumulate shows as falling quarters), the answer's latency
(send → ack) p50 / p99, and the CPU time of the server and of this process over the run (a
client near 100 % of its CPU means the figure is the client's limit, not the server's).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fanout import (
    DURABLE,
    HOST,
    STEP_TIMEOUT,
    Placement,
    Server,
    free_port,
    machine_facts,
    raise_open_files,
)
from staff_days import create_staff_days, join_all
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

SLICES = 4  # of the steady part: the posts between the first and the last tenth
RUN_TIMEOUT = 600.0


class Person:
    """One JSON socket that posts, one idea at a time, and counts what it hears."""

    def __init__(self, url: str, name: str) -> None:
        self.url, self.name = url, name
        self.socket: ClientConnection | None = None
        self.answer: asyncio.Future[str] | None = None
        self.ready: asyncio.Future[None] | None = None
        self.frames = 0
        self.reader: asyncio.Task[None] | None = None

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        self.ready = loop.create_future()
        self.socket = await connect(
            self.url, compression=None, open_timeout=STEP_TIMEOUT * 2, ping_interval=None
        )
        self.reader = asyncio.create_task(self.read(self.socket))
        await self.socket.send(json.dumps({"type": "hello", "last_seq": None}))
        await asyncio.wait_for(self.ready, STEP_TIMEOUT * 2)

    async def read(self, socket: ClientConnection) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for raw in socket:
                self.frames += 1
                text = raw if isinstance(raw, str) else raw.decode()
                head = text[:24]  # the type is the first key: events are not parsed
                if '"snapshot"' in head:
                    waiter: asyncio.Future[Any] | None = self.ready
                elif '"ack"' in head or '"refused"' in head:
                    waiter = self.answer
                else:
                    continue
                if waiter is not None and not waiter.done():
                    waiter.set_result(text if waiter is self.answer else None)

    async def post(self, number: int) -> tuple[float, bool]:
        """Post one idea; (seconds until its answer, acknowledged?)."""
        assert self.socket is not None
        self.answer = asyncio.get_running_loop().create_future()
        client_id = f"{self.name}-{number}"
        message = {"type": "post_idea", "text": f"Idé {number} fra {self.name}"}
        sent = time.perf_counter()
        await self.socket.send(json.dumps({**message, "client_id": client_id}))
        answer = await asyncio.wait_for(self.answer, STEP_TIMEOUT)
        return time.perf_counter() - sent, '"ack"' in answer[:24]

    async def close(self) -> None:
        if self.socket is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.socket.close(), 2)
        if self.reader is not None:
            self.reader.cancel()


@dataclass
class Run:
    server: str
    acked_at: list[float] = field(default_factory=list)  # perf_counter of every ack, in order
    latencies_ms: list[float] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    server_cpu_s: float | None = None
    client_cpu_s: float = 0.0
    wall_s: float = 0.0
    sockets: int = 0
    frames: int = 0
    set_up_s: float = 0.0
    rss_kb: int | None = None
    error: str | None = None

    def rates(self) -> list[float]:
        """Acknowledged posts per second in each quarter of the steady part of the run."""
        skip = len(self.acked_at) // 10
        steady = self.acked_at[skip : len(self.acked_at) - skip]
        if len(steady) < SLICES * 2:
            return []
        size = len(steady) // SLICES
        bounds = [steady[0], *(steady[(i + 1) * size - 1] for i in range(SLICES))]
        return [size / max(b - a, 1e-9) for a, b in itertools.pairwise(bounds)]

    def overall(self) -> float | None:
        if len(self.acked_at) < 2:
            return None
        return (len(self.acked_at) - 1) / (self.acked_at[-1] - self.acked_at[0])


async def open_all(people: list[Person], batch: int = 100) -> None:
    for start in range(0, len(people), batch):
        await asyncio.gather(*(p.open() for p in people[start : start + batch]))


async def drive(people: list[Person], ideas: int, run: Run, server: Server) -> None:
    """Everyone posts as fast as answers come back until ``ideas`` are acknowledged."""
    counter = itertools.count()
    cpu, client_cpu = server.cpu_seconds(), time.process_time()
    begin = time.perf_counter()

    async def poster(person: Person) -> None:
        while (number := next(counter)) < ideas:
            took, acked = await person.post(number)
            if acked:
                run.acked_at.append(time.perf_counter())
                run.latencies_ms.append(took * 1000)
            else:
                run.refused.append(person.name)

    await asyncio.gather(*(poster(p) for p in people))
    run.wall_s = time.perf_counter() - begin
    run.client_cpu_s = time.process_time() - client_cpu
    after = server.cpu_seconds()
    if cpu is not None and after is not None:
        run.server_cpu_s = after - cpu
    run.rss_kb = server.rss_kb()
    run.frames = sum(p.frames for p in people)


async def measured(
    run: Run,
    server: Server,
    args: argparse.Namespace,
    set_up: Callable[[], Awaitable[list[Person]]],
) -> Run:
    """Start ``server``, let ``set_up`` make its people, open their sockets and drive them."""
    people: list[Person] = []
    try:
        await server.start()
        started = time.perf_counter()
        people = await set_up()
        await open_all(people)
        run.set_up_s, run.sockets = time.perf_counter() - started, len(people)
        await drive(people, args.ideas, run, server)
        if not server.alive():
            run.error = f"{server.name} exited during the run:\n{server.tail()}"
    except Exception as exc:
        run.error = f"{type(exc).__name__}: {exc}\n{server.tail()}"
    finally:
        await asyncio.gather(*(p.close() for p in people))
        await asyncio.to_thread(server.stop)
    return run


async def run_ours(args: argparse.Namespace, workdir: Path) -> Run:
    data = workdir / "ours"
    data.mkdir()
    staff = create_staff_days(f"sqlite:///{data}/facilitator.db", args.workshops)
    port = free_port()
    argv = [sys.executable, "-m", "facilitator.cli", "serve", "--port", str(port)]
    argv += ["--data-dir", str(data)]
    server = Server("our server", argv, port, data / "server.log", args.placement.servers)

    async def command(facilitator: Person, command: dict[str, Any], n: int) -> None:
        assert facilitator.socket is not None
        facilitator.answer = asyncio.get_running_loop().create_future()
        await facilitator.socket.send(json.dumps({**command, "client_id": secrets.token_hex(6)}))
        if '"ack"' not in (await asyncio.wait_for(facilitator.answer, STEP_TIMEOUT))[:24]:
            raise RuntimeError(f"workshop {n}: {command['type']} was refused")

    async def set_up() -> list[Person]:
        people: list[Person] = []
        for n, day in enumerate(staff.days):
            ws = f"ws://{HOST}:{port}/w/{day.workshop_id}/ws?protocol=json&token="
            facilitator = Person(ws + day.facilitator.split("token=", 1)[1], f"f{n}")
            await facilitator.open()
            await command(facilitator, {"type": "start"}, n)
            await command(facilitator, {"type": "jump", "phase": staff.group_work}, n)
            numbers = range(n * args.people, (n + 1) * args.people)
            joined = await join_all(server.base, day.join_code, numbers, staff.departments, 8)
            await command(facilitator, {"type": "form_groups", "seed": 7}, n)
            await facilitator.close()
            people += [Person(ws + t, f"w{n}p{k}") for k, (_, t) in enumerate(joined)]
        return people

    return await measured(Run("ours"), server, args, set_up)


async def run_durable(args: argparse.Namespace, workdir: Path) -> Run:
    data = workdir / "durable"
    data.mkdir()
    port = free_port()
    argv = [sys.executable, str(DURABLE), str(port), str(data / "posts.db")]
    server = Server("durable baseline", argv, port, data / "server.log", args.placement.servers)

    async def set_up() -> list[Person]:
        return [
            Person(f"ws://{HOST}:{port}/w{n}", f"w{n}p{k}")
            for n in range(args.workshops)
            for k in range(args.people)
        ]

    return await measured(Run("durable"), server, args, set_up)


def report(runs: list[Run], args: argparse.Namespace) -> str:
    lines = [
        f"# {args.workshops} workshops × {args.people} people, {args.ideas} ideas posted "
        "as fast as they are acknowledged",
        "",
        *machine_facts(args.load),
        args.placement.describe(),
        "",
        "| server | acked posts/s | steady part, by quarter | ack p50 / p99 ms | server CPU "
        "| client CPU | ms CPU per post | refused |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        if run.error:
            lines.append(f"| {run.server} | error: {run.error.splitlines()[0]} |||||||")
            continue
        overall = run.overall() or 0.0
        quarters = " / ".join(f"{r:,.0f}" for r in run.rates())
        quantiles = statistics.quantiles(run.latencies_ms, n=100) if run.latencies_ms else []
        latency = f"{quantiles[49]:.1f} / {quantiles[98]:.1f}" if quantiles else "–"
        server_cpu = (
            f"{run.server_cpu_s / run.wall_s:.0%}" if run.server_cpu_s and run.wall_s else "–"
        )
        per_post = (
            f"{run.server_cpu_s * 1000 / len(run.acked_at):.2f}"
            if run.server_cpu_s and run.acked_at
            else "–"
        )
        lines.append(
            f"| {run.server} | {overall:,.0f} | {quarters} | {latency} | {server_cpu} "
            f"| {run.client_cpu_s / max(run.wall_s, 1e-9):.0%} | {per_post} | {len(run.refused)} |"
        )
    ours = next((r for r in runs if r.server == "ours" and not r.error), None)
    durable = next((r for r in runs if r.server == "durable" and not r.error), None)
    if ours and durable and ours.overall() and durable.overall():
        lines += [
            "",
            f"ours / durable: {ours.overall() / durable.overall():.2f}× the acknowledged rate "
            f"(target: ≥ 1,500 posts/s, not falling as ideas accumulate: ours' last quarter is "
            f"{ours.rates()[-1] / ours.rates()[0]:.2f}× its first)",
        ]
    for run in runs:
        if not run.error:
            lines.append(
                f"{run.server}: {run.sockets} sockets opened (and set up) in {run.set_up_s:.1f} s; "
                f"{run.frames:,} frames received; server RSS at the end "
                f"{(run.rss_kb or 0) / 1024:.0f} MiB"
            )
    return "\n".join(lines)


async def bench(args: argparse.Namespace) -> int:
    raise_open_files(args.workshops * args.people * 2 + 256)
    args.load = os.getloadavg()
    if args.load[0] > 0.5:
        print(f"warning: load average {args.load[0]:.2f}: the figures will be noisy", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="workshops-"))
    runners = [("durable", run_durable), ("ours", run_ours)]
    if args.reverse:
        runners.reverse()
    runs = []
    try:
        for name, runner in runners:
            print(f"{name} …", file=sys.stderr, flush=True)
            try:
                run = await asyncio.wait_for(runner(args, workdir), RUN_TIMEOUT)
            except TimeoutError:
                run = Run(name, error=f"did not finish within {RUN_TIMEOUT:.0f} s")
            runs.append(run)
    finally:
        if args.keep:
            print(f"logs and databases kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    runs.sort(key=lambda run: run.server)
    print(report(runs, args))
    return 1 if any(r.error for r in runs) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workshops", type=int, default=40)
    parser.add_argument("--people", type=int, default=25, help="per workshop")
    parser.add_argument("--ideas", type=int, default=5000, help="acknowledged posts in all")
    parser.add_argument("--reverse", action="store_true", help="ours first, then the baseline")
    parser.add_argument("--keep", action="store_true", help="keep the logs and databases")
    parser.add_argument("--no-pin", action="store_true", help="leave CPU placement to the OS")
    args = parser.parse_args()
    args.placement = Placement.split(pin=not args.no_pin)
    if args.placement.client is not None:
        os.sched_setaffinity(0, args.placement.client)
    return asyncio.run(bench(args))


if __name__ == "__main__":
    sys.exit(main())
