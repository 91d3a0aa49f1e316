"""Fan-out behind a tiny interface: publish to a channel, subscribe to a channel.

Messages are small notices ("workshop W is at seq N"); a lost notice costs a reload, never
data. Two hubs: ``memory_hub.MemoryHub`` for one process, ``redis_hub.RedisHub`` for several,
picked by the broker URL's scheme (Redis imported only when used).
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol

from facilitator.live.memory_hub import MemoryHub, Subscription


class Hub(Protocol):
    async def publish(self, channel: str, message: str) -> None: ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[Subscription]: ...

    async def close(self) -> None: ...


def hub_from_url(url: str) -> Hub:
    """``memory://`` for one process; ``redis://…`` for several (imported only when used)."""
    if url.startswith("memory:"):
        return MemoryHub()
    if url.startswith(("redis://", "rediss://", "unix://")):
        from facilitator.live.redis_hub import RedisHub

        return RedisHub(url)
    raise ValueError(f"unknown broker URL scheme: {url.split(':', 1)[0]!r}")
