"""A socket's outbox: written at once while the client keeps up, queued while it does not."""

from __future__ import annotations

import asyncio

from facilitator.live.outbox import Outbox


class Wire:
    """A transport that is writable until the test closes the valve (the client lags)."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.writable = asyncio.Event()
        self.writable.set()
        self.gone = False

    async def send(self, text: str) -> None:
        await self.writable.wait()
        if self.gone:
            raise ConnectionResetError("the client has gone")
        self.sent.append(text)

    def write_now(self, text: str) -> bool:
        """As ``web.wire`` offers it: writes only what nothing stands in the way of."""
        if not self.writable.is_set() or self.gone:
            return False
        self.sent.append(f"{text} (now)")
        return True


async def settle() -> None:
    """Give the outbox's drain task its turns on the loop (yields, not a timed wait)."""
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_message_to_a_client_that_keeps_up_is_on_the_wire_before_put_returns() -> None:
    wire = Wire()
    outbox = Outbox(wire.send, limit=4)
    outbox.put("one")
    outbox.put("two")
    assert wire.sent == ["one", "two"]  # no task switch in between
    assert not outbox.stopped


async def test_while_the_transport_pushes_back_messages_wait_and_then_go_in_order() -> None:
    wire = Wire()
    outbox = Outbox(wire.send, limit=4)
    wire.writable.clear()
    for text in ("a", "b", "c"):
        outbox.put(text)
    await settle()
    assert wire.sent == []
    wire.writable.set()
    await settle()
    assert wire.sent == ["a", "b", "c"]
    outbox.put("d")
    assert wire.sent == ["a", "b", "c", "d"]  # keeping up again: written at once


async def test_a_client_that_falls_too_far_behind_is_stopped_instead_of_waited_for() -> None:
    wire = Wire()
    outbox = Outbox(wire.send, limit=2)
    wire.writable.clear()
    for text in ("a", "b", "c", "d"):  # one in flight, two queued, one too many
        outbox.put(text)
    assert outbox.overflowed and outbox.stopped
    wire.writable.set()
    await settle()
    assert wire.sent == []  # the send that waited was cancelled; the client will resync
    outbox.put("e")
    assert wire.sent == []


async def test_a_client_that_has_gone_stops_its_outbox() -> None:
    wire = Wire()
    outbox = Outbox(wire.send, limit=4)
    wire.gone = True
    outbox.put("a")
    await asyncio.wait_for(outbox.done, 1)
    assert not outbox.overflowed


async def test_a_client_that_goes_while_its_messages_wait_stops_its_outbox() -> None:
    wire = Wire()
    outbox = Outbox(wire.send, limit=4)
    wire.writable.clear()
    outbox.put("a")
    outbox.put("b")
    wire.gone = True
    wire.writable.set()
    await asyncio.wait_for(outbox.done, 1)
    assert wire.sent == []


async def test_stopping_sends_nothing_more() -> None:
    wire = Wire()
    outbox = Outbox(wire.send, limit=4)
    outbox.put("a")
    outbox.stop()
    outbox.put("b")
    assert wire.sent == ["a"]
    assert outbox.done.done() and not outbox.overflowed


async def test_a_client_behind_on_a_few_large_messages_is_stopped_by_their_bytes() -> None:
    wire = Wire()
    outbox = Outbox(wire.send, limit=100, byte_limit=10_000, size=len)
    wire.writable.clear()
    outbox.put("x" * 10)  # in flight: the transport holds it
    for _ in range(3):
        outbox.put("y" * 4_000)  # the third would make 12,000 queued bytes
    assert outbox.stopped and outbox.overflowed
    wire.writable.set()
    await settle()
    assert wire.sent == []  # nothing more goes out; the client will resync


async def test_bytes_that_went_out_no_longer_count_against_the_limit() -> None:
    wire = Wire()
    outbox = Outbox(wire.send, limit=100, byte_limit=10_000, size=len)
    for _ in range(5):
        wire.writable.clear()
        outbox.put("x")
        outbox.put("y" * 6_000)
        wire.writable.set()
        await settle()
    assert not outbox.stopped
    assert len(wire.sent) == 10


async def test_where_the_server_writes_at_once_messages_skip_the_awaitable_send() -> None:
    wire = Wire()
    outbox = Outbox(wire.send, limit=4, write_now=wire.write_now)
    outbox.put("one")
    outbox.put("two")
    assert wire.sent == ["one (now)", "two (now)"]


async def test_when_writing_at_once_is_refused_the_send_waits_and_the_rest_keep_order() -> None:
    wire = Wire()
    outbox = Outbox(wire.send, limit=4, write_now=wire.write_now)
    wire.writable.clear()
    outbox.put("a")  # refused at once: the awaitable send waits for the transport
    wire.writable.set()
    outbox.put("b")  # the transport could take it, but "a" is not out yet: it queues
    await settle()
    assert wire.sent == ["a", "b"]
    outbox.put("c")
    assert wire.sent == ["a", "b", "c (now)"]


async def test_when_writing_at_once_is_refused_for_a_client_that_has_gone_the_outbox_stops() -> (
    None
):
    wire = Wire()
    outbox = Outbox(wire.send, limit=4, write_now=wire.write_now)
    wire.gone = True
    outbox.put("a")
    await asyncio.wait_for(outbox.done, 1)
    assert wire.sent == []
