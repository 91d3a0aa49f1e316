"""Short write transactions, run where they finish soonest, and made durable apart.

On SQLite the database is a file in this process, and a command's statements and commit take
less time than handing them to a worker thread and back. So on SQLite the write runs right
on the event loop, on a connection of its own that never waits for the lock: when another
writer holds the database (a worker thread of this process, another process), it gives way
at once and the same write runs in a worker thread, where waiting is harmless. A database
across the network (PostgreSQL) is always written from a worker thread, and its commit is
durable when it returns.

Commit and durability are two steps on the loop's connection (``synchronous=NORMAL``): the
commit puts the transaction in the write-ahead log, where every reader and every process
sees it and a crash of this process cannot lose it; ``durable()`` then syncs the log to disk
in a worker thread, one sync for every commit made while the previous one ran. The room
tells its sockets in between and answers the sender only after ``durable()``, so what was
acknowledged survives a power cut too. The loop's connection does not checkpoint the log
itself; every ``CHECKPOINT_EVERY`` commits a worker thread does. Why, with the figures that
decided it: docs/decisions.md and docs/performance.md.
"""

from __future__ import annotations

import asyncio
import logging
import os
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
        self._wal = os.path.abspath(database) + "-wal"
        self._connection: Connection | None = None
        self._commits = 0
        self._checkpoint: asyncio.Future[None] | None = None
        self._written = 0  # commits on the loop's connection so far …
        self._synced = 0  # … and how many of them are known to be on disk
        self._syncing: asyncio.Future[None] | None = None
        self._folder_synced = False

    async def run(self, work: Callable[[Connection], T]) -> T:
        """``work`` in one transaction, rolled back if it raises, else committed when this
        returns: visible everywhere and safe from a crash of this process, on disk once
        ``durable()`` returns."""
        if self.inline:
            try:
                return self._on_the_loop(work)
            except _Busy:
                pass
        return await asyncio.to_thread(self._in_a_thread, work)

    async def durable(self, *, again: bool = False) -> None:
        """Return once every commit made so far is on disk.

        ``again`` syncs even when nothing of this process is waiting: a retried command
        answered from a receipt that another process may have written a moment ago.
        """
        if not self.inline:
            return  # written from a thread with synchronous=FULL, or not to a file at all
        if again:
            await asyncio.to_thread(self._sync_log)
            return
        wanted = self._written
        while self._synced < wanted:
            if self._syncing is None:
                self._syncing = asyncio.ensure_future(self._sync_round())
            # Shielded: one waiter that goes away must not cancel the others' sync.
            await asyncio.shield(self._syncing)

    async def _sync_round(self) -> None:
        covers = self._written
        try:
            await asyncio.to_thread(self._sync_log)
        finally:
            self._syncing = None
        self._synced = max(self._synced, covers)

    def _sync_log(self) -> None:
        # fdatasync on any descriptor of the file writes the pages SQLite wrote through its
        # own; the first time, the folder too, so the log's directory entry is durable.
        try:
            descriptor = os.open(self._wal, os.O_RDONLY)
        except FileNotFoundError:
            return  # no log: the last connection closed, after a checkpoint that synced all
        try:
            _fdatasync(descriptor)
        finally:
            os.close(descriptor)
        if not self._folder_synced:
            folder = os.open(os.path.dirname(self._wal), os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
            self._folder_synced = True

    def close(self) -> None:
        if self._synced < self._written:
            self._sync_log()  # a clean stop leaves nothing to chance
            self._synced = self._written
        self._drop_connection()

    def _drop_connection(self) -> None:
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
            self._drop_connection()  # a broken connection is opened afresh next time
            raise
        self._written += 1
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
            _driver(connection).execute("PRAGMA synchronous=NORMAL")  # durable() syncs
            self._connection = connection
        return self._connection

    def _checkpoint_wal(self) -> None:
        with self._engine.connect() as connection:
            _driver(connection).execute("PRAGMA wal_checkpoint(PASSIVE)")

    def _checkpointed(self, future: asyncio.Future[None]) -> None:
        self._checkpoint = None
        if not future.cancelled() and future.exception() is not None:
            log.warning("checkpointing the write-ahead log failed: %s", future.exception())


_fdatasync = getattr(os, "fdatasync", os.fsync)  # macOS has no fdatasync


def _driver(connection: Connection) -> Any:
    return connection.connection.dbapi_connection


def _is_busy(exc: OperationalError) -> bool:
    original = exc.orig
    if isinstance(original, sqlite3.OperationalError):
        code = getattr(original, "sqlite_errorcode", None)
        if code is not None:
            return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "database is locked" in str(original)
