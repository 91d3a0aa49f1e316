"""The hub's contract, held by the in-memory hub and by the Redis hub alike.

The Redis tests use the real server at 127.0.0.1:6379 (database 15) and skip, saying why,
when it cannot be reached. Each test uses channels and a client name of its own, so that
parallel runs do not hear each other, and kills only its own connections.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from facilitator.live import redis_hub as redis_hub_module
from facilitator.live.hub import Hub, hub_from_url
from facilitator.live.memory_hub import QUEUE_LIMIT, MemoryHub, Subscription
from facilitator.live.redis_hub import RedisHub
from tests.support import REDIS, redis_unreachable, until

WAIT = 5.0  # seconds: generous, only reached when something is broken


@pytest.fixture
def prefix() -> str:
    return f"test-hub-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def redis_url(prefix: str) -> str:
    reason = redis_unreachable()
    if reason:
        pytest.skip(reason)
    return f"{REDIS}?client_name={prefix}"


@pytest.fixture
async def admin(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS)
    yield client
    await client.aclose()


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def hub(request: pytest.FixtureRequest) -> AsyncIterator[Hub]:
    made: Hub = (
        MemoryHub() if request.param == "memory" else RedisHub(request.getfixturevalue("redis_url"))
    )
    yield made
    await asyncio.wait_for(made.close(), WAIT)


@pytest.fixture
async def redis_hub(redis_url: str) -> AsyncIterator[RedisHub]:
    made = RedisHub(redis_url)
    yield made
    await asyncio.wait_for(made.close(), WAIT)


async def receive(subscription: Subscription) -> str:
    """The next real notice (skipping the empty wake-ups that come with a lag)."""
    while True:
        message = await asyncio.wait_for(subscription.get(), WAIT)
        if message:
            return message


def pending(subscription: Subscription) -> int:
    return subscription._queue.qsize()


# --- the contract ------------------------------------------------------------------------


async def test_a_subscriber_hears_what_is_published_on_its_channel_in_order(
    hub: Hub, prefix: str
) -> None:
    async with hub.subscribe(f"{prefix}:a") as subscription:
        for n in range(5):
            await hub.publish(f"{prefix}:a", f"seq {n}")
        assert [await receive(subscription) for _ in range(5)] == [f"seq {n}" for n in range(5)]
        assert not subscription.lagged


async def test_a_subscriber_hears_nothing_from_other_channels(hub: Hub, prefix: str) -> None:
    async with hub.subscribe(f"{prefix}:a") as subscription:
        await hub.publish(f"{prefix}:b", "not for a")
        await hub.publish(f"{prefix}:a", "for a")
        # Published after it, "for a" would come after a stray "not for a".
        assert await receive(subscription) == "for a"
        assert pending(subscription) == 0


async def test_every_subscriber_of_a_channel_hears_every_message(hub: Hub, prefix: str) -> None:
    async with (
        hub.subscribe(f"{prefix}:a") as first,
        hub.subscribe(f"{prefix}:a") as second,
        hub.subscribe(f"{prefix}:a") as third,
        hub.subscribe(f"{prefix}:b") as elsewhere,
    ):
        await hub.publish(f"{prefix}:a", "1")
        await hub.publish(f"{prefix}:a", "2")
        for subscription in (first, second, third):
            assert [await receive(subscription), await receive(subscription)] == ["1", "2"]
        await hub.publish(f"{prefix}:b", "b")
        assert await receive(elsewhere) == "b"


async def test_subscribers_that_come_and_go_together_all_hear_what_follows(
    hub: Hub, prefix: str
) -> None:
    async def listen(n: int) -> str:
        async with hub.subscribe(f"{prefix}:{n % 3}") as subscription:
            ready.release()
            await go.wait()
            return await receive(subscription)

    ready, go = asyncio.Semaphore(0), asyncio.Event()
    listeners = [asyncio.create_task(listen(n)) for n in range(12)]
    for _ in listeners:
        await asyncio.wait_for(ready.acquire(), WAIT)
    for n in range(3):
        await hub.publish(f"{prefix}:{n}", f"to {n}")
    go.set()
    heard = await asyncio.wait_for(asyncio.gather(*listeners), WAIT)
    assert heard == [f"to {n % 3}" for n in range(12)]


async def test_leaving_stops_delivery_and_a_channel_can_be_joined_again(
    hub: Hub, prefix: str
) -> None:
    async with hub.subscribe(f"{prefix}:a") as stays:
        async with hub.subscribe(f"{prefix}:a") as leaves:
            await hub.publish(f"{prefix}:a", "both")
            assert await receive(leaves) == "both"
        await hub.publish(f"{prefix}:a", "one")
        assert await receive(stays) == "both"
        assert await receive(stays) == "one"  # handed to every subscriber at once
        assert pending(leaves) == 0
    for round_ in range(3):  # the last subscriber left; the channel is as good as new
        async with hub.subscribe(f"{prefix}:a") as again:
            await hub.publish(f"{prefix}:a", f"again {round_}")
            assert await receive(again) == f"again {round_}"
            assert not again.lagged


async def test_a_reader_that_falls_behind_is_marked_lagged_and_never_blocks_the_publisher(
    hub: Hub, prefix: str
) -> None:
    total = 3 * QUEUE_LIMIT

    async def keep_up(subscription: Subscription) -> list[str]:
        return [await receive(subscription) for _ in range(total)]

    async with (
        hub.subscribe(f"{prefix}:a") as slow,
        hub.subscribe(f"{prefix}:a") as brisk,
    ):
        brisk_heard = asyncio.create_task(keep_up(brisk))
        for n in range(total):  # nobody reads `slow` meanwhile: no publish waits for it
            await asyncio.wait_for(hub.publish(f"{prefix}:a", str(n)), WAIT)
            if n % 16 == 0:
                await asyncio.sleep(0)  # `brisk` gets its turn
        heard: list[int] = []
        while not heard or heard[-1] != total - 1:
            heard.append(int(await receive(slow)))
            assert pending(slow) <= QUEUE_LIMIT
        assert slow.lagged
        assert len(heard) < total  # the backlog was dropped, not kept without bound
        assert heard == sorted(heard)  # what is kept stays in order, newest last
        # One slow reader costs the others nothing.
        assert await asyncio.wait_for(brisk_heard, WAIT) == [str(n) for n in range(total)]
        assert not brisk.lagged


def test_a_full_queue_drops_its_backlog_keeps_the_newest_and_flags_the_gap() -> None:
    subscription = Subscription(limit=3)
    for n in range(5):
        subscription.offer(str(n))
    assert subscription.lagged
    assert [subscription._queue.get_nowait() for _ in range(pending(subscription))] == ["3", "4"]


async def test_close_with_no_subscriptions_at_all(hub: Hub) -> None:
    await asyncio.wait_for(hub.close(), WAIT)
    await asyncio.wait_for(hub.close(), WAIT)  # twice is harmless


async def test_close_while_subscribed_ends_delivery_without_hanging(hub: Hub, prefix: str) -> None:
    async with hub.subscribe(f"{prefix}:a") as subscription:
        await hub.publish(f"{prefix}:a", "before")
        assert await receive(subscription) == "before"
        await asyncio.wait_for(hub.close(), WAIT)  # once it returns, nothing reads any more
        await hub.publish(f"{prefix}:a", "after")  # a no-op, not an error
        assert pending(subscription) == 0
    # leaving after close is quiet; joining after close is refused
    with pytest.raises(RuntimeError, match="closed"):
        async with hub.subscribe(f"{prefix}:a"):
            pass


def test_the_broker_url_picks_the_hub() -> None:
    assert isinstance(hub_from_url("memory://"), MemoryHub)
    assert isinstance(hub_from_url(REDIS), RedisHub)
    with pytest.raises(ValueError, match="kafka"):
        hub_from_url("kafka://localhost")


# --- Redis only ----------------------------------------------------------------------------


async def clients(admin: Redis, name: str, kind: str = "pubsub") -> list[int]:
    """The ids of the hub's connections of that kind (it names them after the test)."""
    listing: list[dict[str, Any]] = await admin.client_list(_type=kind)
    return [int(c["id"]) for c in listing if c.get("name") == name]


async def no_connections_left(admin: Redis, name: str) -> None:
    async def none_left() -> bool:  # Redis notices closed connections on its own time
        return not await clients(admin, name, "normal") + await clients(admin, name)

    await until(none_left, "the hub left connections open", within=WAIT)


async def numsub(admin: Redis, channel: str) -> int:
    counts = await admin.pubsub_numsub(channel)
    return int(counts[0][1])


@pytest.mark.redis
async def test_the_first_subscription_is_live_when_subscribe_returns(
    redis_url: str, prefix: str
) -> None:
    for n in range(10):  # a fresh hub each time: the reader starts with the first channel
        fresh = RedisHub(redis_url)
        try:
            async with fresh.subscribe(f"{prefix}:{n}") as subscription:
                await fresh.publish(f"{prefix}:{n}", "at once")  # no pause in between
                assert await receive(subscription) == "at once"
        finally:
            await fresh.close()


@pytest.mark.redis
async def test_many_first_subscriptions_at_once_are_all_live(redis_url: str, prefix: str) -> None:
    fresh = RedisHub(redis_url)
    try:

        async def one(n: int) -> str:
            async with fresh.subscribe(f"{prefix}:{n}") as subscription:
                await fresh.publish(f"{prefix}:{n}", f"to {n}")
                return await receive(subscription)

        assert await asyncio.gather(*(one(n) for n in range(20))) == [f"to {n}" for n in range(20)]
    finally:
        await fresh.close()


async def kill(admin: Redis, prefix: str) -> int:
    """Have Redis drop the hub's listening connection (only this test's)."""
    [listener] = await clients(admin, prefix)
    assert await admin.client_kill_filter(_id=str(listener)) == 1
    return listener


async def resumed(hub: RedisHub, channel: str, subscription: Subscription) -> None:
    """Publish until the subscription hears it again."""
    for n in range(int(WAIT / 0.05)):
        await hub.publish(channel, f"after {n}")
        try:
            message = await asyncio.wait_for(subscription.get(), 0.05)
        except TimeoutError:
            continue
        if message.startswith("after"):
            return
    raise AssertionError(f"nothing heard on {channel} after the drop")


@pytest.mark.redis
async def test_the_reader_survives_redis_dropping_its_connection(
    redis_hub: RedisHub, admin: Redis, prefix: str
) -> None:
    async with (
        redis_hub.subscribe(f"{prefix}:a") as first,
        redis_hub.subscribe(f"{prefix}:b") as second,
    ):
        await redis_hub.publish(f"{prefix}:a", "before")
        assert await receive(first) == "before"
        before = await kill(admin, prefix)
        # Delivery resumes on a new connection, subscribed again to both channels...
        await resumed(redis_hub, f"{prefix}:a", first)
        await resumed(redis_hub, f"{prefix}:b", second)
        assert await clients(admin, prefix) != [before]
        # ...and whatever was published while it was away is lost: both must resync.
        assert first.lagged and second.lagged
    await redis_hub.close()
    await no_connections_left(admin, prefix)  # the dropped connection was not revived


@pytest.mark.redis
async def test_a_notice_lost_while_resubscribing_still_leaves_the_reader_lagged(
    redis_hub: RedisHub, admin: Redis, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The flag must go up after the new subscription is live, not only when the old died."""
    subscribe = PubSub.subscribe
    gap: list[str] = []

    async def late(self: PubSub, *args: Any, **kwargs: Any) -> Any:
        if old is not None and self is not old and not gap:
            await admin.publish(f"{prefix}:a", "published in the gap")  # nobody hears it
            gap.append("published")
            subscription.lagged = False  # as if the socket had resynced at the drop already
        return await subscribe(self, *args, **kwargs)

    old: PubSub | None = None
    async with redis_hub.subscribe(f"{prefix}:a") as subscription:
        old = redis_hub._pubsub
        monkeypatch.setattr(PubSub, "subscribe", late)
        await kill(admin, prefix)
        await resumed(redis_hub, f"{prefix}:a", subscription)
        assert gap and subscription.lagged


@pytest.mark.redis
async def test_drops_between_subscribing_and_publishing_are_repaired_each_time(
    redis_hub: RedisHub, admin: Redis, prefix: str
) -> None:
    for round_ in range(3):
        async with redis_hub.subscribe(f"{prefix}:{round_}") as subscription:
            await kill(admin, prefix)
            await resumed(redis_hub, f"{prefix}:{round_}", subscription)
            assert subscription.lagged


@pytest.mark.redis
async def test_the_last_subscriber_leaving_unsubscribes_and_the_reader_idles(
    redis_hub: RedisHub, admin: Redis, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(redis_hub_module, "HEARTBEAT", 0.05)  # a polling reader would show at once
    calls = 0
    get_message = PubSub.get_message

    async def counted(self: PubSub, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return await get_message(self, *args, **kwargs)

    monkeypatch.setattr(PubSub, "get_message", counted)
    async with redis_hub.subscribe(f"{prefix}:a"), redis_hub.subscribe(f"{prefix}:a"):
        assert await numsub(admin, f"{prefix}:a") == 1  # one Redis channel per process

    async def unsubscribed() -> bool:
        return not await numsub(admin, f"{prefix}:a")

    await until(unsubscribed, "the last subscriber left, the Redis subscription stayed")
    # The reader hears Redis confirm it, then has nothing to do.
    await until(lambda: not redis_hub._expected, "the reader never heard the confirmation")
    calls = 0
    await asyncio.sleep(0.5)  # what is tested: ten heartbeats of idleness
    assert calls <= 1  # waiting for a subscriber, not spinning on get_message
    assert redis_hub._reader is not None and not redis_hub._reader.done()
    async with redis_hub.subscribe(f"{prefix}:a") as subscription:  # and it wakes again
        await redis_hub.publish(f"{prefix}:a", "awake")
        assert await receive(subscription) == "awake"


@pytest.mark.redis
async def test_a_quiet_connection_is_pinged_and_kept(
    redis_hub: RedisHub, admin: Redis, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(redis_hub_module, "HEARTBEAT", 0.2)  # Redis must answer a ping within that
    pings = 0
    ping = PubSub.ping

    def counted(self: PubSub, *args: Any) -> Any:
        nonlocal pings
        pings += 1
        return ping(self, *args)

    monkeypatch.setattr(PubSub, "ping", counted)
    async with redis_hub.subscribe(f"{prefix}:a") as subscription:
        [before] = await clients(admin, prefix)
        # Silence: the reader pings now and then, Redis answers.
        await until(lambda: pings >= 2, lambda: f"{pings} pings in the silence", within=WAIT)
        assert pings >= 2
        await redis_hub.publish(f"{prefix}:a", "still here")
        assert await receive(subscription) == "still here"
        assert not subscription.lagged
        assert await clients(admin, prefix) == [before]


@pytest.mark.redis
async def test_close_ends_the_reader_and_the_connections(
    redis_url: str, admin: Redis, prefix: str
) -> None:
    fresh = RedisHub(redis_url)
    async with fresh.subscribe(f"{prefix}:a"):
        pass
    reader = fresh._reader
    await fresh.close()
    assert reader is not None and reader.done()
    await no_connections_left(admin, prefix)


async def test_without_redis_subscribers_in_this_process_still_hear_its_notices(
    prefix: str,
) -> None:
    """Redis away: subscribe does not hang, publish does not raise, local delivery goes on."""
    hub = RedisHub("redis://127.0.0.1:1/15")  # nothing listens on port 1
    try:
        async with hub.subscribe(f"{prefix}:a") as subscription:
            await asyncio.wait_for(hub.publish(f"{prefix}:a", "local"), WAIT)
            assert await receive(subscription) == "local"
    finally:
        await asyncio.wait_for(hub.close(), WAIT)


async def test_the_memory_hub_forgets_a_channel_once_its_last_subscriber_leaves(
    prefix: str,
) -> None:
    hub = MemoryHub()
    async with hub.subscribe(f"{prefix}:a"), hub.subscribe(f"{prefix}:a"):
        assert len(hub._channels[f"{prefix}:a"]) == 2
    assert hub._channels == {}


@pytest.mark.redis
async def test_a_subscribe_that_fails_half_way_is_redone_and_resynced(
    redis_hub: RedisHub, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe = PubSub.subscribe
    failed: list[str] = []

    async def flaky(self: PubSub, *args: Any, **kwargs: Any) -> Any:
        if args == (f"{prefix}:b",) and not failed:
            failed.append("once")
            raise redis.ConnectionError("the network hiccupped")
        return await subscribe(self, *args, **kwargs)

    monkeypatch.setattr(PubSub, "subscribe", flaky)
    async with redis_hub.subscribe(f"{prefix}:a") as first:
        started = time.monotonic()
        async with redis_hub.subscribe(f"{prefix}:b") as second:
            assert failed and time.monotonic() - started < WAIT  # carried on, did not hang
            await resumed(redis_hub, f"{prefix}:b", second)
            await resumed(redis_hub, f"{prefix}:a", first)
            assert first.lagged and second.lagged  # both may have missed something


@pytest.mark.redis
async def test_a_subscriber_cancelled_while_subscribing_leaves_the_hub_sound(
    redis_hub: RedisHub, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe = PubSub.subscribe
    stuck = asyncio.Event()

    async def slow(self: PubSub, *args: Any, **kwargs: Any) -> Any:
        if args == (f"{prefix}:b",) and not stuck.is_set():
            stuck.set()
            await asyncio.sleep(WAIT)  # what is tested: a subscribe that hangs, to be cancelled
        return await subscribe(self, *args, **kwargs)

    async def join() -> None:
        async with redis_hub.subscribe(f"{prefix}:b"):
            raise AssertionError("never gets here")

    monkeypatch.setattr(PubSub, "subscribe", slow)
    async with redis_hub.subscribe(f"{prefix}:a") as first:
        joining = asyncio.create_task(join())
        await asyncio.wait_for(stuck.wait(), WAIT)
        joining.cancel()
        with pytest.raises(asyncio.CancelledError):
            await joining
        started = time.monotonic()
        async with redis_hub.subscribe(f"{prefix}:b") as second:
            # confirmed by Redis, not given up on after the confirmation timeout
            assert time.monotonic() - started < redis_hub_module.TIMEOUT / 2
            await redis_hub.publish(f"{prefix}:b", "b")
            assert await receive(second) == "b"
        await resumed(redis_hub, f"{prefix}:a", first)


@pytest.mark.redis
async def test_a_connection_that_stops_answering_is_replaced(
    redis_hub: RedisHub, admin: Redis, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def lost(self: PubSub, *args: Any) -> None:
        """A ping that vanishes on its way, as on a half-open TCP connection."""

    monkeypatch.setattr(redis_hub_module, "HEARTBEAT", 0.1)
    monkeypatch.setattr(PubSub, "ping", lost)
    async with redis_hub.subscribe(f"{prefix}:a") as subscription:
        [before] = await clients(admin, prefix)
        await resumed(redis_hub, f"{prefix}:a", subscription)  # still fine at first

        async def replaced() -> bool:
            return await clients(admin, prefix) not in ([], [before])

        await until(lambda: subscription.lagged, "the silent connection was kept", within=WAIT)
        await until(replaced, "no new connection", within=WAIT)
        assert subscription.lagged  # declared dead, reconnected, resynced
        assert await clients(admin, prefix) != [before]
        await resumed(redis_hub, f"{prefix}:a", subscription)
