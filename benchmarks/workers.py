"""Thousands of page sockets on several worker processes (PostgreSQL + Redis), many workshops.

Run from the repository root, with PostgreSQL and Redis up (the README's test set-up):

    .venv/bin/python benchmarks/workers.py [--workers 4] [--workshops 40] [--people 125]

It creates ``--workshops`` programmes from the default one in a fresh schema of the
PostgreSQL database (``--database-url``, dropped afterwards) and starts
``facilitator.cli serve --workers N --broker-url redis://…`` as a subprocess: the kernel
spreads the sockets over the workers. In each programme's staff-day-1 the facilitator starts,
jumps to the first group work and, once ``--people`` participants have joined by code, forms
groups. Then every workshop's console (the facilitator's page socket) and every participant's
phone (a page socket, as app.js opens it) connects, and:

* **presence**: every console must come to show all its workshop's people online, wherever
  their sockets landed (the time until the last one does is printed);
* **posts**: ``--posts`` ideas, one every ``--spacing-ms``, from phones in every group of every
  workshop in turn, over their page sockets; each is timed from its send to the moment the
  rendered board showing it arrives at every phone of the poster's group and at the
  workshop's console (p50 / p99);
* **exactly once**: afterwards each phone's last board must show each of its group's posts
  once, no more and no fewer, and every console's board every post of its workshop.

It prints the sockets per worker, the servers' CPU (all workers) and RSS, the load, and the
figures. Fan-out across processes is on the path: a post is written by the worker that holds
the poster's socket and reaches the others through Redis.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fanout import (
    HOST,
    POSTGRES,
    REDIS,
    PageProbe,
    Placement,
    Probe,
    Server,
    Tally,
    close_all,
    free_port,
    fresh_schema,
    machine_facts,
    open_in_batches,
    raise_open_files,
)
from staff_days import create_staff_days, join_all

PRESENCE_TIMEOUT = 60.0
DRAIN_TIMEOUT = 60.0
RUN_TIMEOUT = 1200.0
PEOPLE = re.compile(r"\((\d+)/(\d+) ")  # the console's people list: "(online/everyone …"


SECTION = re.compile(r'<section id="(section-[\w-]+)".*?</section>', re.S)  # a board's themes
ALONE = re.compile(r'<template>\s*(<[a-z0-9]+ id="([\w-]+)".*?)</template>', re.S)  # a part


class Screen(PageProbe):
    """A page socket that keeps its board as the page has it (a phone's ``board``, the
    console's ``moderation`` by its sections, each of which may come alone: docs/api.md §5)
    and, on a console, the people list's count (its heading, which may come alone too)."""

    def __init__(self, url: str, posts: int, pattern: re.Pattern[str], tally: Tally) -> None:
        super().__init__(url, posts, pattern, tally)
        self.sections: dict[str, str] = {}  # section id → its markup; "board": a phone's
        self.online: tuple[int, int] | None = None

    @property
    def board(self) -> str:
        return "".join(self.sections.values())

    async def frame(self, sock: Any, text: str, now: float) -> None:
        if text.startswith("<"):
            for part in fragments(text):
                if 'id="board"' in part[:200]:
                    self.sections = {"board": part}
                elif 'id="moderation"' in part[:200]:
                    self.sections = {m.group(1): m.group(0) for m in SECTION.finditer(part)}
                self.count_online(part)
            for found in ALONE.finditer(text):
                markup, ident = found.group(1), found.group(2)
                if ident.startswith("section-"):
                    self.sections[ident] = markup
                self.count_online(markup)
        await super().frame(sock, text, now)

    def count_online(self, html: str) -> None:
        at = html.find('id="people-title"')
        if at >= 0 and (found := PEOPLE.search(html, at)):
            self.online = (int(found.group(1)), int(found.group(2)))


def fragments(html: str) -> list[str]:
    """A message's out-of-band fragments, each from its opening tag to the next one's."""
    starts = [m.start() for m in re.finditer(r'<[a-z]+ id="[a-z-]+"[^>]*hx-swap-oob', html)]
    if not starts:
        return [html]
    return [html[a:b] for a, b in zip(starts, [*starts[1:], len(html)], strict=True)]


def worker_pids(master: int) -> list[int]:
    """The server's worker processes (multiprocessing's resource tracker left out)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes()
                if int(stat.rsplit(")", 1)[1].split()[1]) == master and (
                    b"resource_tracker" not in command
                ):
                    pids.append(int(entry.name))
    return pids


def cpu_seconds(pids: Sequence[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def rss_kb(pids: Sequence[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            found = re.search(r"^VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text(), re.M)
            total += int(found.group(1)) if found else 0
    return total


def sockets_of(pid: int) -> int:
    count = 0
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                count += os.readlink(fd).startswith("socket:")
    return count


def quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, min(len(ordered), round(q * len(ordered) + 0.5))) - 1]


class Workshop:
    def __init__(self, number: int, workshop_id: str, console: Screen) -> None:
        self.number, self.workshop_id, self.console = number, workshop_id, console
        self.groups: dict[str, list[Screen]] = {}  # group id → its phones
        self.posts: list[int] = []  # the post numbers made in this workshop


async def groups_seen(ws: str, token: str, pattern: re.Pattern[str]) -> dict[str, str]:
    """Who is in which group, as a new socket's snapshot shows it. The socket may land on a
    worker whose room has not yet heard of form_groups (it hears over Redis a moment after
    the ack), so it looks again until the groups are there."""
    for _ in range(100):
        looker = Probe(f"{ws}?protocol=json&token={token}", 0, pattern, Tally())
        await looker.open()
        await looker.close()
        view = (looker.snapshot or {}).get("view", {})
        phase = (view.get("phase") or {}).get("key")
        groups: dict[str, str] | None = (view.get("groups") or {}).get(phase)
        if groups:
            return groups
        await asyncio.sleep(0.05)
    raise RuntimeError("no socket's snapshot showed the groups within 5 s")


async def bench(args: argparse.Namespace) -> int:
    total = args.workshops * args.people
    raise_open_files(total * 2 + args.workshops * 4 + 512)
    load = os.getloadavg()
    schema = contextlib.ExitStack()  # the schema goes when the run does
    url = schema.enter_context(fresh_schema(args.database_url))
    workdir = Path(tempfile.mkdtemp(prefix="workers-"))
    probes: list[Probe] = []
    server: Server | None = None
    lines: list[str] = []
    try:
        staff = create_staff_days(url, args.workshops)
        days, group_work = staff.days, staff.group_work

        port = free_port()
        argv = [sys.executable, "-m", "facilitator.cli", "serve", "--port", str(port)]
        argv += ["--workers", str(args.workers), "--data-dir", str(workdir)]
        argv += ["--database-url", url, "--broker-url", args.broker_url]
        server = Server("our server", argv, port, workdir / "server.log", args.placement.servers)
        await server.start()
        assert server.process is not None
        master = server.process.pid
        started = time.perf_counter()
        prefix = f"workers-{secrets.token_hex(3)}-#"
        pattern = re.compile(re.escape(prefix) + r"(\d+)")
        # An idea's text as a card shows it (the author's edit button repeats it, hidden).
        shown_text = re.compile(r'<p class="text"[^>]*>' + re.escape(prefix) + r"(\d+)")
        tally = Tally()
        live = f"ws://{HOST}:{port}/w/"
        workshops: list[Workshop] = []
        phones: list[Screen] = []
        for n, day in enumerate(days):
            ws = f"{live}{day.workshop_id}/ws"
            token = day.facilitator.split("token=", 1)[1]
            driver = Probe(f"{ws}?protocol=json&token={token}", 0, pattern, Tally())
            probes.append(driver)
            await driver.open()
            for command in ({"type": "start"}, {"type": "jump", "phase": group_work}):
                reply = await driver.command(command)
                if reply.get("type") != "ack":
                    raise RuntimeError(f"workshop {n}: {command['type']} refused: {reply}")
            numbers = range(n * args.people, (n + 1) * args.people)
            people = await join_all(server.base, day.join_code, numbers, staff.departments)
            reply = await driver.command({"type": "form_groups", "seed": 7})
            if reply.get("type") != "ack":
                raise RuntimeError(f"workshop {n}: form_groups refused: {reply}")
            await driver.close()
            group_of = await groups_seen(ws, token, pattern)
            console = Screen(f"{ws}?token={token}", args.posts, pattern, tally)
            workshop = Workshop(n, day.workshop_id, console)
            for participant, phone_token in people:
                phone = Screen(f"{ws}?token={phone_token}", args.posts, pattern, tally)
                workshop.groups.setdefault(group_of[participant], []).append(phone)
                phones.append(phone)
            workshops.append(workshop)
        joined = time.perf_counter()
        consoles = [w.console for w in workshops]
        probes += consoles + phones
        await open_in_batches(consoles, args.batch)
        await open_in_batches(phones, args.batch)
        connected = time.perf_counter()
        workers = worker_pids(master)
        spread = sorted(sockets_of(pid) for pid in workers)

        # Presence: every console shows all its people online, wherever their sockets are.
        deadline = time.monotonic() + PRESENCE_TIMEOUT
        while time.monotonic() < deadline:
            if all(c.online == (args.people, args.people) for c in consoles):
                break
            await asyncio.sleep(0.1)
        presence_s = time.perf_counter() - connected
        shown = collections.Counter(c.online for c in consoles)
        presence_exact = shown == {(args.people, args.people): len(consoles)}

        # Posts, round-robin over workshops and, within each, over its groups.
        audience: list[list[Screen]] = []
        posters: list[Screen] = []
        for number in range(args.posts):
            workshop = workshops[number % len(workshops)]
            groups = list(workshop.groups.values())
            group = groups[(number // len(workshops)) % len(groups)]
            poster = group[(number // len(workshops) // len(groups)) % len(group)]
            workshop.posts.append(number)
            posters.append(poster)
            audience.append([*group, workshop.console])
        tally.expect(sum(len(a) for a in audience))
        sent: list[float] = []
        pids = [master, *workers]
        cpu_before, rss_before = cpu_seconds(pids), rss_kb(pids)
        begin = time.perf_counter()
        refused = 0
        for number in range(args.posts):
            delay = begin + number * args.spacing_ms / 1000 - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            sent.append(time.perf_counter())
            poster = posters[number]
            assert poster.socket is not None
            await poster.socket.send(
                f'{{"type": "post_idea", "text": "{prefix}{number} idea", "client_id": '
                f'"{prefix}{number}"}}'
            )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(tally.done.wait(), DRAIN_TIMEOUT)
        await asyncio.sleep(1.0)  # anything late, or twice, arrives now
        window = time.perf_counter() - begin
        cpu_used = cpu_seconds(pids) - cpu_before
        refused = sum(len(p.refused) for p in phones)
        latencies: list[float] = []
        missing = 0
        for number, screens in enumerate(audience):
            for screen in screens:
                arrived = screen.arrivals[number]
                if arrived is None:
                    missing += 1
                else:
                    latencies.append((arrived - sent[number]) * 1000)

        # Exactly once: each phone's last board shows its group's posts once each; each
        # console's board shows every post of its workshop once.
        lost = duplicated = strays = 0
        for workshop in workshops:
            wanted_console = collections.Counter(workshop.posts)
            for screen, wanted in [
                (workshop.console, wanted_console),
                *(
                    (
                        phone,
                        collections.Counter(n for n in workshop.posts if posters[n] in group),
                    )
                    for group in workshop.groups.values()
                    for phone in group
                ),
            ]:
                seen = collections.Counter(int(m) for m in shown_text.findall(screen.board))
                lost += sum(1 for n in wanted if seen[n] == 0)
                duplicated += sum(1 for n in wanted if seen[n] > 1)
                strays += sum(1 for n in seen if n not in wanted)
        closed = [p.closed for p in [*consoles, *phones] if p.closed]

        p50, p99 = quantile(latencies, 0.5), quantile(latencies, 0.99)
        lines += [
            f"# {args.workers} workers on PostgreSQL + Redis: {len(phones)} phones' page "
            f"sockets and {len(consoles)} consoles across {args.workshops} workshops of "
            f"{args.people}",
            "",
            *machine_facts(load),
            args.placement.describe(),
            "",
            f"set-up: {total} joins in {joined - started:.0f} s, "
            f"{len(phones) + len(consoles)} page sockets in {connected - joined:.1f} s",
            f"sockets per worker (open socket descriptors, Redis and database included): "
            f"{', '.join(map(str, spread))}",
            f"presence: {'exact' if presence_exact else 'NOT exact'} on every console "
            f"{presence_s:.1f} s after the last socket opened"
            + ("" if presence_exact else f" (shown: {dict(shown)})"),
            f"posts: {args.posts}, one every {args.spacing_ms:g} ms; each shown by its group's "
            f"phones and its console: {len(latencies)} of {len(latencies) + missing} arrivals, "
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(latencies):.1f} ms"
            if latencies
            else "posts: none arrived",
            f"exactly once: {lost} lost, {duplicated} shown twice, {strays} shown where they "
            f"do not belong; {refused} refused; {len(closed)} sockets closed"
            + (f" (first: {closed[0]})" if closed else ""),
            f"servers' CPU in the posting window: {cpu_used:.1f} s over {window:.1f} s "
            f"({cpu_used * 1000 / max(args.posts, 1):.1f} ms per post, all workers); RSS "
            f"{rss_before / 1024:.0f} MiB ({rss_before / max(len(probes), 1):.0f} KB per socket, "
            "everything included)",
            f"median posts per workshop: {statistics.median(len(w.posts) for w in workshops):.0f}",
        ]
        ok = presence_exact and not lost and not duplicated and not strays and not missing
        print("\n".join(lines))
        return 0 if ok else 1
    finally:
        await close_all(probes)
        if server is not None:
            if args.keep:
                print(f"server log: {server.log}", file=sys.stderr)
            await asyncio.to_thread(server.stop)
        schema.close()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--workshops", type=int, default=40)
    parser.add_argument("--people", type=int, default=125, help="per workshop")
    parser.add_argument("--posts", type=int, default=400, help="in all")
    parser.add_argument("--spacing-ms", type=float, default=25.0, help="between posts")
    parser.add_argument("--batch", type=int, default=100, help="sockets opened at once")
    parser.add_argument("--database-url", default=POSTGRES)
    parser.add_argument("--broker-url", default=REDIS)
    parser.add_argument("--keep", action="store_true", help="keep the server's log")
    parser.add_argument("--no-pin", action="store_true", help="leave CPU placement to the OS")
    args = parser.parse_args()
    args.placement = Placement.split(pin=not args.no_pin)
    if args.placement.client is not None:
        os.sched_setaffinity(0, args.placement.client)
    return asyncio.run(asyncio.wait_for(bench(args), RUN_TIMEOUT))


if __name__ == "__main__":
    sys.exit(main())
