"""What one socket has yet to send: bounded, and written in order by one writer.

A client that cannot keep up (its outbox fills) is not waited for: the outbox stops, the
socket closes, and the client resynchronises from its last seq when it reconnects.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable


class Outbox:
    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._items: deque[str] = deque()
        self._wake = asyncio.Event()
        self.stopped = False
        self.overflowed = False

    def put(self, text: str) -> None:
        if self.stopped:
            return
        if len(self._items) >= self._limit:
            self.overflowed = True
            self.stop()
            return
        self._items.append(text)
        self._wake.set()

    def stop(self) -> None:
        """Send nothing more; the writer returns once its current message is out."""
        self.stopped = True
        self._items.clear()
        self._wake.set()

    async def write(self, send: Callable[[str], Awaitable[None]]) -> None:
        """Send what comes, in order, until stopped."""
        while True:
            while self._items:
                await send(self._items.popleft())
            if self.stopped:
                return
            self._wake.clear()
            await self._wake.wait()
