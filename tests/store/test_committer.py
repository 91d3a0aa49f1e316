"""Short write transactions: on the loop for a SQLite file, in a thread when that would wait."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text

from facilitator.store.committer import Committer
from facilitator.store.db import make_engine


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
        for _ in range(10):
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
