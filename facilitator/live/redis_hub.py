"""The hub across processes: Redis pub/sub (redis-py asyncio), one connection per process.

One reader task listens on all channels this process cares about and hands each message
to the local subscriptions, so a hundred sockets on one workshop cost one Redis channel.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from facilitator.live.hub import MemoryHub, Subscription


class RedisHub:
    def __init__(self, url: str) -> None:
        self._redis: Redis = Redis.from_url(url)
        self._local = MemoryHub()
        self._counts: dict[str, int] = {}
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def publish(self, channel: str, message: str) -> None:
        await self._redis.publish(channel, message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        await self._join(channel)
        try:
            async with self._local.subscribe(channel) as subscription:
                yield subscription
        finally:
            await self._leave(channel)

    async def _join(self, channel: str) -> None:
        async with self._lock:
            if self._pubsub is None:
                self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            if self._counts.get(channel, 0) == 0:
                await self._pubsub.subscribe(channel)
            self._counts[channel] = self._counts.get(channel, 0) + 1
            if self._reader is None:
                self._reader = asyncio.create_task(self._read(self._pubsub))

    async def _leave(self, channel: str) -> None:
        async with self._lock:
            self._counts[channel] -= 1
            if self._counts[channel] == 0:
                del self._counts[channel]
                if self._pubsub is not None:
                    await self._pubsub.unsubscribe(channel)

    async def _read(self, pubsub: PubSub) -> None:
        while True:
            try:
                message = await pubsub.get_message(timeout=1.0)
            except (ConnectionError, OSError, RedisError):
                # Notices may have been missed while Redis was away: every reader resyncs.
                self._local.mark_all_lagged()
                await asyncio.sleep(0.5)
                continue
            if message is None or message.get("type") != "message":
                continue
            channel = message["channel"].decode()
            data = message["data"]
            await self._local.publish(channel, data.decode() if isinstance(data, bytes) else data)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._pubsub is not None:
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        await self._redis.aclose()
