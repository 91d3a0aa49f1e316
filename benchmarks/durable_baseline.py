"""The durable baseline of benchmarks/fanout.py: a bare `websockets` server with our contract.

    .venv/bin/python benchmarks/durable_baseline.py PORT DATABASE

Each message received is inserted into a SQLite table (WAL, ``synchronous=NORMAL``) and
committed on the event loop, then told to every open connection (``websockets.broadcast``),
then the write-ahead log is synced to disk (``os.fdatasync`` in a worker thread), and only
then is the sender acknowledged. That is the order of our server (facilitator/store/
committer.py: commit, tell the sockets, sync, answer), with nothing else around it: no
rooms, no redaction, no per-socket encoding, one table with one column.

With WAL the committed transaction is in ``DATABASE-wal``, not in the main file, so that is
the file synced (syncing the main file would not make the commit durable). The log holds
one page per post and is never checkpointed during a run (SQLite's automatic checkpoint
starts at 1,000 pages).

Sockets on the same path form a room and hear only each other (benchmarks/workshops.py
opens one path per workshop; fanout.py opens one path for all).

It answers ``hello`` with a small ``welcome`` and ``snapshot`` like the bare baseline, so the
benchmark's client code is the same, and GET /healthz with 200. It stops on SIGINT, or by
itself after LIFETIME seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
import sys
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import ServerConnection, broadcast, serve

HOST = "127.0.0.1"
LIFETIME = 900.0
_fdatasync = getattr(os, "fdatasync", os.fsync)  # macOS has no fdatasync


def open_database(path: str) -> sqlite3.Connection:
    database = sqlite3.connect(path, isolation_level=None)  # BEGIN and COMMIT by hand
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("PRAGMA synchronous=NORMAL")
    database.execute("CREATE TABLE IF NOT EXISTS posts (id INTEGER PRIMARY KEY, body TEXT)")
    return database


def sync_log(wal: str) -> None:
    descriptor = os.open(wal, os.O_RDONLY)
    try:
        _fdatasync(descriptor)
    finally:
        os.close(descriptor)


async def main(port: int, path: str, wal: str) -> None:
    database = open_database(path)
    rooms: dict[str, set[ServerConnection]] = {}  # path → its open connections

    def health(connection: ServerConnection, request: Any) -> Any:
        if request.path == "/healthz":
            return connection.respond(HTTPStatus.OK, '{"status": "ok"}\n')
        return None

    async def handler(connection: ServerConnection) -> None:
        await connection.recv()  # the hello
        await connection.send(json.dumps({"type": "welcome", "seq": 0}))
        await connection.send(json.dumps({"type": "snapshot", "seq": 0, "view": {}}))
        everyone = rooms.setdefault(connection.request.path if connection.request else "/", set())
        everyone.add(connection)
        try:
            async for message in connection:
                text = message if isinstance(message, str) else message.decode()
                try:
                    client_id = json.loads(text).get("client_id")
                except (ValueError, AttributeError):
                    continue
                database.execute("BEGIN IMMEDIATE")
                database.execute("INSERT INTO posts (body) VALUES (?)", (text,))
                database.execute("COMMIT")
                broadcast(everyone, text)
                await asyncio.to_thread(sync_log, wal)
                await connection.send(json.dumps({"type": "ack", "client_id": client_id}))
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
        await asyncio.sleep(LIFETIME)  # stops by itself if never told to
    database.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: durable_baseline.py PORT DATABASE")
    with contextlib.suppress(KeyboardInterrupt):
        path = sys.argv[2]
        asyncio.run(main(int(sys.argv[1]), path, os.path.abspath(path) + "-wal"))
