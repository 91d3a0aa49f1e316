"""The websocket layer under Starlette (``web.wire``): a text is framed once however many
sockets it goes to, written at once while the connection takes it, and reading pauses only
when the app falls behind."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from facilitator.web import wire
from tests.support import free_port, serving_asgi

TEXTS = ("kort", "Æblegrød på én linje ✓ " * 20, "ø" * 70_000)  # 7-, 16- and 64-bit lengths


class Counting(wire.WireProtocol):
    """Notes each time reading pauses, and how many messages were waiting then."""

    pauses: ClassVar[list[int]] = []

    def send_receive_event_to_app(self) -> None:
        before = self.read_paused
        super().send_receive_event_to_app()
        if self.read_paused and not before:
            Counting.pauses.append(self.queue.qsize())


def app_of(session: Callable[[Any, Any, Any], Any]) -> Any:
    """An ASGI app that accepts every websocket and hands it to ``session``."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            return
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        await session(scope, receive, send)

    return app


def text(value: str) -> dict[str, Any]:
    return {"type": "websocket.send", "text": value}


def test_one_message_is_framed_once_for_every_socket_it_goes_to() -> None:
    shared = text("Idé: " + "x" * 1_000)
    assert wire.frame(shared) is wire.frame(shared)
    assert wire.frame(shared).endswith(shared["text"].encode())


async def test_texts_written_at_once_arrive_whole_and_in_order() -> None:
    async def session(scope: Any, receive: Any, send: Any) -> None:
        write_now = scope["extensions"][wire.WRITE_NOW]
        assert all(write_now(text(value)) for value in TEXTS)
        await receive()  # until the client goes

    port = free_port()
    async with (
        serving_asgi(app_of(session), port),
        connect(f"ws://127.0.0.1:{port}/", max_size=None) as client,
    ):
        assert [await client.recv() for _ in TEXTS] == list(TEXTS)


async def test_a_client_that_stops_reading_is_not_written_to_at_once_and_loses_nothing() -> None:
    chunk = "x" * 60_000
    written: list[int] = []

    async def session(scope: Any, receive: Any, send: Any) -> None:
        write_now = scope["extensions"][wire.WRITE_NOW]
        while write_now(text(f"{len(written)}:{chunk}")):  # until the transport pushes back
            written.append(len(written))
            assert len(written) < 2_000, "the transport never pushed back"
        await send(text(f"{len(written)}:end"))  # waits until the client reads again
        await receive()

    port = free_port()
    async with (
        serving_asgi(app_of(session), port),
        connect(f"ws://127.0.0.1:{port}/", max_size=None, max_queue=1) as client,
    ):
        received = [str(await client.recv()) for _ in range(len(written) + 1)]
    assert written, "nothing was written at once"
    assert [message.split(":")[0] for message in received] == [
        str(n) for n in range(len(written) + 1)
    ]
    assert received[-1].endswith(":end")


async def test_reading_pauses_only_once_the_app_falls_behind_and_drops_nothing() -> None:
    slow = asyncio.Event()

    async def session(scope: Any, receive: Any, send: Any) -> None:
        while (message := await receive())["type"] == "websocket.receive":
            if slow.is_set():
                await asyncio.sleep(0.002)  # an app behind on its messages
            await send(text(message["text"]))

    Counting.pauses.clear()
    port = free_port()
    async with (
        serving_asgi(app_of(session), port, protocol=Counting),
        connect(f"ws://127.0.0.1:{port}/") as client,
    ):
        for n in range(50):  # one at a time: the app keeps up
            await client.send(str(n))
            assert await client.recv() == str(n)
        assert Counting.pauses == []
        slow.set()
        for n in range(200):  # all at once, to an app that takes its time
            await client.send(f"b{n}")
        assert [await client.recv() for _ in range(200)] == [f"b{n}" for n in range(200)]
    assert Counting.pauses, "reading never paused for an app 200 messages behind"
    assert min(Counting.pauses) >= wire.PAUSE_AT


async def test_an_app_that_closes_with_messages_unread_still_hears_the_clients_close() -> None:
    async def session(scope: Any, receive: Any, send: Any) -> None:
        for n in range(20):  # more than the client holds before it stops reading
            await send(text(f"news {n}"))
        await asyncio.sleep(0.3)  # an app busy elsewhere: the client's messages pile up
        await receive()  # one of them, then the app has had enough
        await send({"type": "websocket.close", "code": 1008})

    port = free_port()
    async with (
        serving_asgi(app_of(session), port),
        connect(f"ws://127.0.0.1:{port}/", max_queue=2, close_timeout=30) as client,
    ):
        for n in range(60):  # the news waits unread, so the client sees no close meanwhile
            await client.send(str(n))
            await asyncio.sleep(0.01)  # some before the app closes, some after
        assert [await client.recv() for _ in range(20)] == [f"news {n}" for n in range(20)]
        # The close handshake completes: the server still reads the client's close frame
        # (one that stopped reading would hold the socket until a 10 s timeout).
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(client.recv(), 3)
        assert client.close_code == 1008
