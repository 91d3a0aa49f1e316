"""The hub across processes: Redis pub/sub (redis-py asyncio), one connection per process.

One reader task listens on all channels this process cares about and hands each message
to the local subscriptions, so a hundred sockets on one workshop cost one Redis channel.

Redis forgets a listener's channels when its connection drops (a restart, a failover,
``CLIENT KILL``), and what was published meanwhile is gone. The reader then opens a new
connection, subscribes again to every channel still wanted and, as Redis confirms each one,
marks that channel's subscriptions as lagged: their sockets reload from the journal, so an
outage costs a reload, never data. ``subscribe()`` returns once Redis has confirmed the
channel, so nothing published after it returns is missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from facilitator.live.memory_hub import MemoryHub, Subscription

log = logging.getLogger("facilitator")

TIMEOUT = 5.0  # connecting, sending, and waiting for Redis to confirm a subscription
HEARTBEAT = 15.0  # a silent listener pings Redis; no answer within as long again: reconnect
BACKOFF = (0.05, 2.0)  # the first and the longest pause between attempts to reach Redis
_FAILURES = (RedisError, OSError)

Confirmation = asyncio.Future[None]


class RedisHub:
    def __init__(self, url: str) -> None:
        self._url = url
        self._redis: Redis = Redis.from_url(
            url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT
        )
        self._local = MemoryHub()
        self._counts: dict[str, int] = {}  # local subscriptions per channel
        self._wanted = asyncio.Event()  # set while any channel is; the reader idles otherwise
        self._pubsub: PubSub | None = None  # the listening connection, once open
        self._subscribed: set[str] = set()  # channels sent SUBSCRIBE on that connection
        self._expected: list[tuple[str, str, Confirmation]] = []  # (kind, channel, future)
        self._lost = False  # a connection dropped or failed to open: resync the next one
        self._resync: set[str] = set()  # channels to mark lagged once Redis confirms them
        self._lock = asyncio.Lock()  # one task at a time changes the listening connection
        self._reader: asyncio.Task[None] | None = None
        self._closed = False

    async def publish(self, channel: str, message: str) -> None:
        if self._closed:
            return
        try:
            await self._redis.publish(channel, message)
        except _FAILURES as exc:
            # Other processes miss this notice; the next one shows them the gap in seq.
            # This process's own subscribers hear it directly.
            log.warning("redis hub: publishing on %s failed: %s", channel, exc)
            await self._local.publish(channel, message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        if self._closed:
            raise RuntimeError("the hub is closed")
        # Local first, so that a notice arriving right after Redis confirms finds its reader.
        async with self._local.subscribe(channel) as subscription:
            self._counts[channel] = self._counts.get(channel, 0) + 1
            self._wanted.set()
            try:
                self._start_reader()
                confirmation = await self._sync(channel)
                if confirmation is not None:
                    # Redis away: carry on; the channel is resynced once it is back.
                    await asyncio.wait({confirmation}, timeout=TIMEOUT)
                yield subscription
            finally:
                self._counts[channel] -= 1
                if not self._counts[channel]:
                    del self._counts[channel]
                    if not self._counts:
                        self._wanted.clear()
                    await self._sync(channel)

    async def close(self) -> None:
        self._closed = True
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        async with self._lock:
            pubsub, self._pubsub = self._pubsub, None
            for _, _, future in self._expected:
                _settle(future)
        if pubsub is not None:
            await _shut(pubsub)
        await self._local.close()
        await self._redis.aclose()

    # --- the listening connection ---------------------------------------------------------

    def _start_reader(self) -> None:
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read(), name="redis-hub-reader")

    async def _sync(self, channel: str) -> Confirmation | None:
        """Make Redis's subscription to ``channel`` match whether anyone here wants it.

        Returns the confirmation still to come for a subscription, if there is one.
        """
        wanted = channel in self._counts
        async with self._lock:
            if self._closed:
                return None
            if not wanted and (self._pubsub is None or channel not in self._subscribed):
                return None  # a new connection subscribes only to the channels wanted then
            pubsub: PubSub | None = None
            try:
                pubsub = await self._connection()
                if wanted and channel not in self._subscribed:
                    self._subscribed.add(channel)
                    confirmation = self._expect("subscribe", channel)
                    await pubsub.subscribe(channel)
                    return confirmation
                if not wanted and channel in self._subscribed:
                    self._subscribed.discard(channel)
                    self._expect("unsubscribe", channel)
                    await pubsub.unsubscribe(channel)
                    return None
            except BaseException as exc:
                # Failed or cancelled half-way: Redis's idea of our channels is unknown now.
                # A new connection subscribes to exactly those wanted then, and resyncs them.
                self._forget(pubsub)
                if pubsub is not None:
                    await _shut(pubsub)
                if not isinstance(exc, _FAILURES):
                    raise
                log.warning("redis hub: (un)subscribing %s failed: %s", channel, exc)
                return None
            return next((f for k, c, f in self._expected if (k, c) == ("subscribe", channel)), None)

    async def _connection(self) -> PubSub:
        """The listening connection, opened and subscribed to every wanted channel if need be.

        The caller holds the lock.
        """
        if self._pubsub is not None:
            return self._pubsub
        channels = sorted(self._counts)
        # Each listening connection has a pool of its own, never reused once forgotten (a
        # read still pending on it cannot touch its successor), and redis-py never
        # reconnects it behind our back: a drop must reach us, as we alone know that
        # notices may have been lost meanwhile.
        listener = Redis.from_url(
            self._url,
            socket_timeout=TIMEOUT,
            socket_connect_timeout=TIMEOUT,
            retry=Retry(NoBackoff(), 0, supported_errors=()),
        )
        pubsub = listener.pubsub()
        expected = [self._future("subscribe", channel) for channel in channels]
        try:
            if channels:
                await pubsub.subscribe(*channels)
            else:
                await pubsub.connect()  # type: ignore[no-untyped-call]
        except BaseException:
            self._lost = True
            for _, _, future in expected:
                _settle(future)
            await _shut(pubsub)
            raise
        self._pubsub, self._subscribed, self._expected = pubsub, set(channels), expected
        if self._lost:
            self._lost, self._resync = False, set(channels)
        return pubsub

    def _forget(self, pubsub: PubSub | None) -> None:
        """Stop using ``pubsub`` (if it is still the one in use); its confirmations are void.

        The caller holds the lock, then closes ``pubsub``.
        """
        if pubsub is None or pubsub is not self._pubsub:
            return
        self._pubsub, self._lost = None, True
        self._subscribed.clear()
        for _, _, future in self._expected:
            _settle(future)
        self._expected.clear()
        self._resync.clear()
        # Catch up now with what the database already knows; again once resubscribed.
        self._local.mark_lagged()

    def _future(self, kind: str, channel: str) -> tuple[str, str, Confirmation]:
        return kind, channel, asyncio.get_running_loop().create_future()

    def _expect(self, kind: str, channel: str) -> Confirmation:
        entry = self._future(kind, channel)
        self._expected.append(entry)
        return entry[2]

    def _confirmed(self, kind: str, channel: str) -> None:
        for index, (k, c, future) in enumerate(self._expected):
            if (k, c) == (kind, channel):
                del self._expected[index]
                _settle(future)
                break
        if kind == "subscribe" and channel in self._resync:
            self._resync.discard(channel)
            self._local.mark_lagged(channel)

    async def _read(self) -> None:
        delay = BACKOFF[0]
        while True:
            await self._wanted.wait()  # nothing subscribed: no reading, no polling
            pubsub: PubSub | None = None
            try:
                async with self._lock:
                    pubsub = await self._connection()
                message = await self._next(pubsub)
                if message is not None and pubsub is self._pubsub:
                    await self._handle(message)
                delay = BACKOFF[0]
            except Exception as exc:  # the reader outlives every failure and starts over
                async with self._lock:
                    if pubsub is not None and pubsub is not self._pubsub:
                        continue  # already replaced by a task that saw the failure first
                    if delay == BACKOFF[0]:
                        log.warning(
                            "redis hub: listening failed (%s); reconnecting",
                            exc,
                            exc_info=not isinstance(exc, _FAILURES),
                        )
                    self._forget(pubsub)
                if pubsub is not None:
                    await _shut(pubsub)
                await asyncio.sleep(delay)
                delay = min(2 * delay, BACKOFF[1])

    async def _next(self, pubsub: PubSub) -> dict[str, Any] | None:
        """The next message; a long silence is broken by a ping, which must be answered."""
        message: dict[str, Any] | None = await pubsub.get_message(timeout=HEARTBEAT)
        if message is not None or not self._counts:
            return message
        async with self._lock:
            if pubsub is not self._pubsub:
                return None
            await pubsub.ping()
        message = await pubsub.get_message(timeout=HEARTBEAT)
        if message is None:
            raise RedisConnectionError("Redis did not answer a ping")
        return message

    async def _handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "message":
            await self._local.publish(_text(message["channel"]), _text(message["data"]))
        elif kind in ("subscribe", "unsubscribe"):
            self._confirmed(kind, _text(message["channel"]))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _settle(future: Confirmation) -> None:
    if not future.done():
        future.set_result(None)


async def _shut(pubsub: PubSub) -> None:
    """Close a listening connection and its pool, whatever state they are in."""
    with contextlib.suppress(Exception):
        await pubsub.aclose()
    with contextlib.suppress(Exception):
        await pubsub.connection_pool.disconnect()
