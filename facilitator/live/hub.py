"""Fan-out behind a tiny interface: publish to a channel, subscribe to a channel.

Messages are small notices ("workshop W is at seq N"). A subscriber's queue is bounded: when
a slow reader falls behind, the hub drops the backlog and marks the subscription as lagged,
and the reader resynchronises from the journal. A lost notice costs a reload, never data.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

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


class Hub(Protocol):
    async def publish(self, channel: str, message: str) -> None: ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[Subscription]: ...

    async def close(self) -> None: ...


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


def hub_from_url(url: str) -> Hub:
    """``memory://`` for one process; ``redis://…`` for several (imported only when used)."""
    if url.startswith("memory:"):
        return MemoryHub()
    if url.startswith(("redis://", "rediss://", "unix://")):
        from facilitator.live.redis_hub import RedisHub

        return RedisHub(url)
    raise ValueError(f"unknown broker URL scheme: {url.split(':', 1)[0]!r}")
