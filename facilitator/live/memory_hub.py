"""The hub inside one process: a bounded queue per subscription, a set of them per channel.

A subscriber's queue is bounded: when a slow reader falls behind, the hub drops the backlog
and marks the subscription as lagged, and the reader resynchronises from the journal. The
Redis hub hands what it hears to one of these, so both deliver the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

QUEUE_LIMIT = 256


class Subscription:
    def __init__(self, limit: int = QUEUE_LIMIT) -> None:
        self._queue: asyncio.Queue[str] = asyncio.Queue(maxsize=limit)
        self.lagged = False

    def offer(self, message: str) -> None:
        try:
            self._queue.put_nowait(message)
        except asyncio.QueueFull:
            # Never block the publisher for one slow reader: drop the backlog, flag the gap.
            while not self._queue.empty():
                self._queue.get_nowait()
            self.lagged = True
            self._queue.put_nowait(message)

    async def get(self) -> str:
        return await self._queue.get()

    def __aiter__(self) -> AsyncIterator[str]:
        return self._messages()

    async def _messages(self) -> AsyncIterator[str]:
        while True:
            yield await self._queue.get()


class MemoryHub:
    """One process: a set of subscriptions per channel."""

    def __init__(self) -> None:
        self._channels: dict[str, set[Subscription]] = {}
        self._closed = False

    async def publish(self, channel: str, message: str) -> None:
        if self._closed:
            return  # shutting down: nobody is listening any more
        for subscription in tuple(self._channels.get(channel, ())):
            subscription.offer(message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        if self._closed:
            raise RuntimeError("the hub is closed")
        subscription = Subscription()
        self._channels.setdefault(channel, set()).add(subscription)
        try:
            yield subscription
        finally:
            members = self._channels.get(channel)
            if members is not None:
                members.discard(subscription)
                if not members:
                    del self._channels[channel]

    def mark_lagged(self, channel: str | None = None) -> None:
        """Flag the subscriptions of ``channel`` (or of every channel) and wake their readers."""
        groups = self._channels.values() if channel is None else [self._channels.get(channel, ())]
        for members in groups:
            for subscription in tuple(members):
                subscription.lagged = True
                subscription.offer("")

    async def close(self) -> None:
        self._closed = True
        self._channels.clear()
