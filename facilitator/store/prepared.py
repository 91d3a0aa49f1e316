"""Statements for the hot write path, compiled once per database dialect.

Every post and vote writes the same three statements. Run through ``Connection.execute``,
SQLAlchemy's per-call machinery (cache key, execution context, result set-up, events) costs
more than SQLite's own work (figures: docs/performance.md). A ``Prepared`` statement is the
same Core statement, compiled once per dialect with the same type conversions (JSON, UTC
datetimes), run straight on the connection's DB-API cursor inside the caller's transaction.
Database errors come out as SQLAlchemy's own exception classes, so callers catch
``IntegrityError`` as before.

``batched`` sends the statements run inside it in one round trip on PostgreSQL (psycopg's
pipeline mode) and reads their results at its end: a post's write is then two round trips
(the statements, the commit) instead of five, and with the database on another host each
round trip costs more than the statements (figures: docs/performance.md, tenth stop).
SQLite runs in process: there it changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Insert, Update

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the parameters, in the order a positional paramstyle wants
    positional: bool
    processors: Mapping[str, Processor]


class Prepared:
    def __init__(self, statement: Insert | Update, columns: Sequence[str] | None = None) -> None:
        self._statement = statement
        self._columns = list(columns) if columns is not None else None
        self._compiled: dict[str, _Compiled] = {}

    def run(self, connection: Connection, params: Mapping[str, Any]) -> None:
        """Execute once."""
        self.run_many(connection, [params])

    def start(self, connection: Connection, params: Mapping[str, Any]) -> Count:
        """Execute once; how many rows it touched is read later, after ``batched`` ends."""
        compiled = self._for(connection.dialect)
        cursor = self._execute(connection, compiled, [self._bind(compiled, params)], many=False)
        return Count(cursor)

    def run_many(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        compiled = self._for(connection.dialect)
        bound = [self._bind(compiled, row) for row in rows]
        self._execute(connection, compiled, bound, many=len(bound) > 1).close()

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            done = self._statement.compile(dialect=dialect, column_keys=self._columns)
            names = tuple(done.positiontup or done.binds)
            processors = {
                name: done.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
                for name in names
            }
            compiled = _Compiled(done.string, names, bool(done.positiontup), processors)
            self._compiled[dialect.name] = compiled
        return compiled

    @staticmethod
    def _bind(compiled: _Compiled, params: Mapping[str, Any]) -> Any:
        values = {}
        for name, process in compiled.processors.items():
            value = params[name]
            values[name] = value if process is None else process(value)
        return tuple(values[name] for name in compiled.names) if compiled.positional else values

    @staticmethod
    def _execute(connection: Connection, compiled: _Compiled, bound: list[Any], many: bool) -> Any:
        """The DB-API cursor it ran on, for the caller to close."""
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        with _as_sqlalchemy_errors(connection, compiled.sql, bound):
            try:
                if many:
                    cursor.executemany(compiled.sql, bound)
                else:
                    cursor.execute(compiled.sql, bound[0])
            except BaseException:
                cursor.close()
                raise
        return cursor


class Count:
    """The rows a statement touched, read once its results are in."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor
        self._value: int | None = None

    def __int__(self) -> int:
        if self._value is None:
            self._value = int(self._cursor.rowcount)
            self._cursor.close()
        return self._value


@contextmanager
def batched(connection: Connection) -> Iterator[None]:
    """Statements run inside go to the database together (PostgreSQL), their results and
    errors arriving at the end; ``Count``s are read after it. Elsewhere: as they come."""
    driver = connection.connection.dbapi_connection
    pipeline = getattr(driver, "pipeline", None)  # psycopg 3
    if pipeline is None:
        yield
        return
    with _as_sqlalchemy_errors(connection, "(a batch of statements)", ()), pipeline():
        yield


@contextmanager
def _as_sqlalchemy_errors(connection: Connection, sql: str, bound: Any) -> Iterator[None]:
    dialect = connection.dialect
    try:
        yield
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(
            sql, bound, exc, dialect.loaded_dbapi.Error, dialect=dialect
        ) from exc
