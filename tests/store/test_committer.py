"""Short write transactions: on the loop for a SQLite file, in a thread when that would wait."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text

from facilitator.store.committer import Committer
from facilitator.store.db import make_engine
from tests.support import until


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    return tmp_path / "committer.db"


@pytest.fixture
def sqlite_engine(sqlite_file: Path) -> Engine:
    engine = make_engine(f"sqlite:///{sqlite_file}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE note (text TEXT NOT NULL)"))
    return engine


def insert(value: str) -> Callable[[Connection], int]:
    def work(connection: Connection) -> int:
        connection.execute(text("INSERT INTO note VALUES (:v)"), {"v": value})
        return threading.get_ident()

    return work


def notes(path: Path) -> list[str]:
    with sqlite3.connect(path) as reader:
        return [row[0] for row in reader.execute("SELECT text FROM note ORDER BY rowid")]


async def test_a_write_to_a_sqlite_file_is_committed_on_the_loop_before_run_returns(
    sqlite_engine: Engine, sqlite_file: Path
) -> None:
    committer = Committer(sqlite_engine)
    assert committer.inline
    ran_on = await committer.run(insert("first"))
    assert ran_on == threading.get_ident()
    assert notes(sqlite_file) == ["first"]
    committer.close()


async def test_a_write_that_fails_leaves_nothing_and_the_next_one_still_commits(
    sqlite_engine: Engine, sqlite_file: Path
) -> None:
    committer = Committer(sqlite_engine)

    def half_then_fail(connection: Connection) -> None:
        connection.execute(text("INSERT INTO note VALUES ('half')"))
        raise ValueError("decided otherwise")

    with pytest.raises(ValueError):
        await committer.run(half_then_fail)
    await committer.run(insert("whole"))
    assert notes(sqlite_file) == ["whole"]
    committer.close()


async def test_while_another_writer_holds_the_database_the_write_waits_in_a_thread_not_the_loop(
    sqlite_engine: Engine, sqlite_file: Path
) -> None:
    committer = Committer(sqlite_engine)
    other = sqlite3.connect(sqlite_file, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO note VALUES ('theirs')")
    ticks = 0

    async def loop_is_free() -> None:
        nonlocal ticks
        for _ in range(10):  # what is tested: the loop ticks on while the lock is held
            await asyncio.sleep(0.01)
            ticks += 1
        other.execute("COMMIT")

    releasing = asyncio.create_task(loop_is_free())
    ran_on = await committer.run(insert("ours"))
    await releasing
    assert ticks == 10  # the loop was never blocked by the held lock
    assert ran_on != threading.get_ident()
    assert notes(sqlite_file) == ["theirs", "ours"]
    assert await committer.run(insert("back on the loop")) == threading.get_ident()
    committer.close()
    other.close()


def test_a_database_across_the_network_is_always_written_from_a_thread() -> None:
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none")  # never connected here
    assert not Committer(engine).inline
    assert not Committer(make_engine("sqlite://")).inline  # in memory: one connection only


class Disk:
    """Stands in for fdatasync: records which files were synced, and can be slow or fail.

    A slow disk lets one sync through per ``let_one_through()``.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.synced: list[str] = []
        self.started = 0  # syncs begun, held or not
        self.slow = False
        self._through = threading.Semaphore(0)
        self.error: OSError | None = None
        monkeypatch.setattr("facilitator.store.committer._fdatasync", self.fdatasync)

    def let_one_through(self) -> None:
        self._through.release()

    def fdatasync(self, descriptor: int) -> None:
        self.started += 1
        if self.slow:
            assert self._through.acquire(timeout=5), "the test never let this sync through"
        if self.error is not None:
            raise self.error
        self.synced.append(os.readlink(f"/proc/self/fd/{descriptor}"))


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> Disk:
    return Disk(monkeypatch)


@pytest.fixture
def committer(sqlite_engine: Engine) -> Iterator[Committer]:
    committer = Committer(sqlite_engine)
    yield committer
    committer.close()


def synchronous_setting(committer: Committer) -> int:
    dbapi = committer._own_connection().connection.dbapi_connection
    assert isinstance(dbapi, sqlite3.Connection)
    row = dbapi.execute("PRAGMA synchronous").fetchone()
    assert row is not None
    return int(row[0])


async def test_a_commit_on_the_loop_is_visible_at_once_and_on_disk_once_durable_returns(
    committer: Committer, disk: Disk, sqlite_file: Path
) -> None:
    assert synchronous_setting(committer) == 1  # NORMAL: the commit itself does not sync
    await committer.run(insert("first"))
    assert notes(sqlite_file) == ["first"]  # every other connection sees it already
    assert disk.synced == []
    await committer.durable()
    assert disk.synced == [f"{sqlite_file}-wal"]
    await committer.durable()  # nothing new since: no second sync
    assert len(disk.synced) == 1


async def test_commits_made_while_a_sync_runs_share_the_next_one(
    committer: Committer, disk: Disk
) -> None:
    await committer.run(insert("a"))
    disk.slow = True
    first = asyncio.create_task(committer.durable())
    await until(lambda: disk.started == 1, "the sync for a never started")
    await committer.run(insert("b"))
    await committer.run(insert("c"))
    waiting = [asyncio.create_task(committer.durable()) for _ in range(3)]
    assert not first.done()  # the disk holds it
    disk.let_one_through()  # the sync for "a": it came too early for "b" and "c"
    await until(first.done, "the sync for a never returned")
    await until(lambda: disk.started == 2, "no sync for b and c")
    assert not any(task.done() for task in waiting)  # they wait for the second sync
    disk.let_one_through()
    await asyncio.gather(first, *waiting)
    assert disk.started == 2
    assert len(disk.synced) == 2  # one for "a", one for "b", "c" and all three waiters


async def test_a_failed_sync_reaches_its_waiters_and_the_next_wait_syncs_again(
    committer: Committer, disk: Disk
) -> None:
    await committer.run(insert("a"))
    disk.error = OSError(5, "Input/output error")
    with pytest.raises(OSError):
        await committer.durable()
    disk.error = None
    await committer.durable()
    assert len(disk.synced) == 1


async def test_again_syncs_even_with_nothing_of_its_own_waiting_and_close_syncs_what_is_left(
    committer: Committer, disk: Disk
) -> None:
    await committer.durable(again=True)  # another process may have written the receipt
    assert len(disk.synced) == 1
    await committer.run(insert("a"))
    committer.close()
    assert len(disk.synced) == 2
