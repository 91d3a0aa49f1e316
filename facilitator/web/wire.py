"""The websocket layer under Starlette: uvicorn's sans-I/O ``websockets`` protocol, with two
changes that a room's fan-out needs (docs/decisions.md, "One frame, many sockets").

1. **The same bytes to many sockets.** A room tells hundreds of sockets the same message in
   one pass. Through ASGI, every socket's send encodes the text again, frames it, joins the
   frame and runs through every middleware's wrapper and an ``Event.wait()``: about 17 µs
   per socket at a thousand sockets. This protocol offers the app an ASGI extension,
   ``facilitator.write_now``: a plain call that writes a text message at once when the
   connection can take it, framed once per message however many sockets share it (as
   ``websockets.broadcast`` frames once), and answers False when it cannot (the client
   reads slowly, the socket is closing), so that the app takes the ordinary awaitable
   send, which waits or fails.
2. **Reading paused only when the app falls behind.** uvicorn pauses the transport's
   reading after every message received and resumes it when the app takes it: two
   ``epoll_ctl`` calls per message (9 % of a post's cost in a 40-workshop run). Here it
   pauses once ``PAUSE_AT`` messages wait, and resumes as before, when the app has taken
   them all.
"""

from __future__ import annotations

from typing import Any, cast

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State

WRITE_NOW = "facilitator.write_now"
FRAME = "facilitator.frame"  # where ``write_now`` keeps a message's frame, on the message
PAUSE_AT = 8  # messages received and not yet taken by the app; each is at most ws_max_size

# uvicorn's settings for this layer; the CLI and the tests' server share them.
OPTIONS: dict[str, Any] = {
    "ws_max_size": 64 * 1024,  # commands are small; big frames are abuse
    "ws_per_message_deflate": False,  # no compression bombs (and frames stay shareable)
}


def frame(message: dict[str, Any]) -> bytes:
    """A ``websocket.send`` of text as a server's unmasked, unfragmented frame without
    extensions: the same bytes for every socket. Kept on the message itself, under
    ``FRAME``, so that a message the app shares between sockets is framed once, and a
    one-off is kept no longer than the app keeps it (a cache of frames by text held the
    last few one-off snapshots too, and cost 9 KB of RSS per socket in fragmentation)."""
    framed = message.get(FRAME)
    if framed is None:
        framed = message[FRAME] = Frame(Opcode.TEXT, message["text"].encode()).serialize(mask=False)
    return cast(bytes, framed)


class WireProtocol(WebSocketsSansIOProtocol):
    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)  # None if the handshake was refused
        if scope is not None:
            scope["extensions"][WRITE_NOW] = self.write_now

    def write_now(self, message: dict[str, Any]) -> bool:
        """Write a ``websocket.send`` of text now if nothing stands in the way; False if
        something does, for the awaitable ``send`` to wait for it or to fail."""
        if (
            message.get("text") is None
            or message["type"] != "websocket.send"
            or not self.handshake_complete
            or self.close_sent
            or self.disconnected
            or self.initial_response is not None
            or not self.writable.is_set()  # the transport pushes back: wait in ``send``
            or self.conn.state is not State.OPEN
            or self.conn.extensions  # a negotiated extension would change the frame
            or self.conn.expect_continuation_frame
            or self.transport.is_closing()
        ):
            return False
        self.transport.write(frame(message))
        return True

    def send_receive_event_to_app(self) -> None:
        # uvicorn's own queues the message and pauses reading unless it is paused already;
        # tell it reading is paused, then pause for real only if the app has fallen behind.
        # Once the close is sent the app reads no more: reading goes on, for the peer's
        # close frame (what the queue still holds then is never taken).
        paused = self.read_paused
        self.read_paused = True
        try:
            super().send_receive_event_to_app()
        finally:
            self.read_paused = paused
        if not paused and not self.close_sent and self.queue.qsize() >= PAUSE_AT:
            self.read_paused = True
            self.transport.pause_reading()
