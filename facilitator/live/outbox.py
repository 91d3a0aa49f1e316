"""What one socket has yet to send: written at once while the client keeps up, queued
(bounded in messages and in bytes) while it does not.

A room tells every socket of a change in one pass. Handing each message to a writer task
would cost every socket a task switch per message (the largest cost left at a thousand
sockets, docs/performance.md). Instead the message is written right away: the send runs
until it would wait, which on an open, unhurried connection is never, and the frame is on
the wire before the next socket's turn, as with ``websockets.broadcast``. Only when the
transport pushes back (the client reads slowly) does a task finish that send and the ones
queued behind it, in order. A client whose queue fills up is not waited for: the outbox
stops, the socket closes, and the client resynchronises from its last seq.

Where the server offers a plain call that writes at once (``write_now``, ``web.wire``), a
message takes it while nothing waits, and skips even the send's coroutine.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Generator
from typing import Any, Generic, TypeVar

Message = TypeVar("Message")


class Outbox(Generic[Message]):
    """``limit`` messages, or ``byte_limit`` bytes as ``size`` counts them, may wait."""

    def __init__(
        self,
        send: Callable[[Message], Awaitable[None]],
        limit: int,
        byte_limit: int | None = None,
        *,
        size: Callable[[Message], int] = lambda message: 0,
        write_now: Callable[[Message], bool] | None = None,
    ) -> None:
        self._send = send
        self._write_now = write_now  # True if written; False: ``send`` waits, or fails
        self._limit = limit
        self._byte_limit = byte_limit
        self._size = size
        self._queued_bytes = 0
        self._queue: deque[Message] = deque()
        self._draining: asyncio.Task[None] | None = None  # while the transport pushes back
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.overflowed = False

    @property
    def stopped(self) -> bool:
        return self.done.done()

    def put(self, message: Message) -> None:
        if self.stopped:
            return
        if self._draining is None:
            if self._write_now is None or not self._write_now(message):
                self._send_now(message)
            return
        size = self._size(message)
        full = len(self._queue) >= self._limit or (
            self._byte_limit is not None and self._queued_bytes + size > self._byte_limit
        )
        if full:
            self.overflowed = True
            self.stop()
            return
        self._queue.append(message)
        self._queued_bytes += size

    def stop(self) -> None:
        """Send nothing more (``done`` is then set)."""
        self._queue.clear()
        self._queued_bytes = 0
        if self._draining is not None and self._draining is not asyncio.current_task():
            self._draining.cancel()
        if not self.done.done():
            self.done.set_result(None)

    def _send_now(self, message: Message) -> None:
        sending = self._send(message).__await__()
        try:
            waiting = sending.send(None)
        except StopIteration:
            return  # written to the transport already
        except Exception:  # the client has gone; the socket's reader hears of it too
            self.stop()
            return
        self._draining = asyncio.get_running_loop().create_task(
            self._drain(_Resumed(sending, waiting))
        )

    async def _drain(self, first: _Resumed) -> None:
        try:
            await first
            while self._queue:
                message = self._queue.popleft()
                self._queued_bytes -= self._size(message)
                await self._send(message)
        except Exception:
            self.stop()
        finally:
            self._draining = None


class _Resumed:
    """Awaits a coroutine that has already run up to its first suspension.

    ``waiting`` is what it yielded there (the future it waits for); the task that awaits
    this object waits for that future and then resumes the coroutine where it stopped,
    as if the task had run it from the start (what Python 3.12's eager tasks do).
    """

    def __init__(self, coroutine: Generator[Any, Any, None], waiting: Any) -> None:
        self._coroutine = coroutine
        self._waiting = waiting

    def __await__(self) -> Generator[Any, Any, None]:
        coroutine, value = self._coroutine, self._waiting
        while True:
            try:
                sent = yield value
            except GeneratorExit:
                coroutine.close()
                raise
            except BaseException as exc:  # cancelled while waiting: the coroutine decides
                try:
                    value = coroutine.throw(exc)
                except StopIteration:
                    return
            else:
                try:
                    value = coroutine.send(sent)
                except StopIteration:
                    return
