"""Short write transactions, run where they finish soonest.

On SQLite the database is a file in this process. A command's commit, fsync included, takes
about half a millisecond, while handing it to a worker thread and back costs another
0.15–0.35 ms here (two thread wake-ups on a virtual machine; docs/performance.md). So on
SQLite the write runs right on the event loop, on a connection of its own that never waits
for the lock: when another writer holds the database (a worker thread of this process,
another process), it gives way at once and the same write runs in a worker thread, where
waiting is harmless. A database across the network (PostgreSQL) is always written from a
worker thread.

The loop's connection does not checkpoint the write-ahead log itself (a checkpoint writes
and syncs the database file, several milliseconds); every ``CHECKPOINT_EVERY`` commits a
worker thread does it instead.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

log = logging.getLogger("facilitator")
T = TypeVar("T")
CHECKPOINT_EVERY = 20


class _Busy(Exception):
    """The database's write lock is taken; the write goes to a worker thread instead."""


class Committer:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        database = engine.url.database or ""
        self.inline = engine.dialect.name == "sqlite" and database not in ("", ":memory:")
        self._connection: Connection | None = None
        self._commits = 0
        self._checkpoint: asyncio.Future[None] | None = None

    async def run(self, work: Callable[[Connection], T]) -> T:
        """``work`` in one transaction, committed when it returns, rolled back if it raises."""
        if self.inline:
            try:
                return self._on_the_loop(work)
            except _Busy:
                pass
        return await asyncio.to_thread(self._in_a_thread, work)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _in_a_thread(self, work: Callable[[Connection], T]) -> T:
        with self._engine.begin() as connection:
            return work(connection)

    def _on_the_loop(self, work: Callable[[Connection], T]) -> T:
        connection = self._own_connection()
        try:
            with connection.begin():
                result = work(connection)
        except OperationalError as exc:
            if _is_busy(exc):
                raise _Busy from exc
            self.close()  # a broken connection is opened afresh next time
            raise
        self._commits += 1
        if self._commits >= CHECKPOINT_EVERY and self._checkpoint is None:
            self._commits = 0
            self._checkpoint = asyncio.get_running_loop().run_in_executor(
                None, self._checkpoint_wal
            )
            self._checkpoint.add_done_callback(self._checkpointed)
        return result

    def _own_connection(self) -> Connection:
        if self._connection is None or self._connection.invalidated:
            connection = self._engine.connect()
            connection.detach()  # its settings are its own: it never goes back to the pool
            _driver(connection).execute("PRAGMA busy_timeout=0")
            _driver(connection).execute("PRAGMA wal_autocheckpoint=0")
            self._connection = connection
        return self._connection

    def _checkpoint_wal(self) -> None:
        with self._engine.connect() as connection:
            _driver(connection).execute("PRAGMA wal_checkpoint(PASSIVE)")

    def _checkpointed(self, future: asyncio.Future[None]) -> None:
        self._checkpoint = None
        if not future.cancelled() and future.exception() is not None:
            log.warning("checkpointing the write-ahead log failed: %s", future.exception())


def _driver(connection: Connection) -> Any:
    return connection.connection.dbapi_connection


def _is_busy(exc: OperationalError) -> bool:
    original = exc.orig
    if isinstance(original, sqlite3.OperationalError):
        code = getattr(original, "sqlite_errorcode", None)
        if code is not None:
            return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "database is locked" in str(original)
