"""The websocket of a workshop.

Two faces, one loop. htmx pages (``/ws``) receive the role's HTML fragment after every
committed change. API clients (``/ws?protocol=json``, see docs/api.md) send commands and
receive acknowledgements, per-role events with their seq, and snapshots.

Each socket has a bounded outbox (``live.outbox``): a client that cannot keep up is
disconnected (it reconnects and resynchronises from its last seq) instead of slowing others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import orjson
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from facilitator import i18n
from facilitator.agenda import Role
from facilitator.core.actors import Actor
from facilitator.core.board_messages import ParticipantAnonymised
from facilitator.core.errors import Refusal
from facilitator.core.workshop import Event
from facilitator.live.listeners import CONSOLE, PEOPLE, WALL
from facilitator.live.outbox import Outbox
from facilitator.live.room import Accepted, Room
from facilitator.rendering import changes
from facilitator.store import workshops
from facilitator.store.db import session_scope
from facilitator.store.tables import Workshop
from facilitator.web import privacy as erasure
from facilitator.web.auth import actor_for, is_id
from facilitator.web.commands import decode, parse, valid_client_id
from facilitator.web.errors import EdgeError, Malformed
from facilitator.web.limits import TokenBucket
from facilitator.web.services import Services, services
from facilitator.web.views import protocol
from facilitator.web.views.screens import live_fragments, personal_message
from facilitator.web.views.wall import WALL_VIEWER
from facilitator.web.wire import WRITE_NOW

log = logging.getLogger("facilitator")
CLOSE_NOT_FOUND = 4404
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_SLOW = 4408
CLOSE_ABUSE = 1008
CLOSE_SERVER_ERROR = 1011
CLOSE_TOO_MANY = 4429


class WorkshopSocket:
    """The endpoint, as a plain ASGI app: the fan-out hands its messages to ASGI's ``send``
    itself (``WebSocket.send_text`` adds two coroutines per socket and message, a tenth of
    the server's time at a thousand sockets), or writes them at once where the server
    offers that (``web.wire``)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await workshop_socket(WebSocket(scope, receive, send), send)


async def workshop_socket(websocket: WebSocket, send: Send) -> None:
    app = services(websocket)
    workshop_id = websocket.path_params["workshop_id"]
    found = await asyncio.to_thread(_authenticate, app, websocket, workshop_id)
    if isinstance(found, int):
        await websocket.accept()  # so the client sees why: 4404 or 4403, not a bare 403
        await websocket.close(found)
        return
    row, actor = found
    json_mode = websocket.query_params.get("protocol") == "json"
    if actor.is_facilitator and websocket.query_params.get("screen") == "wall":
        actor = WALL_VIEWER  # the wall in the facilitator's own browser: as the room sees it
    await websocket.accept()
    holder = (row.id, actor.role, actor.participant_id)  # one person, or one staff token
    if not app.sockets.open(holder):
        await websocket.close(CLOSE_TOO_MANY)  # a real person never has this many tabs
        return
    try:
        room = await app.rooms.get(row.id)
        language = i18n.negotiate(
            websocket.cookies.get(i18n.LANGUAGE_COOKIE),
            websocket.headers.get("accept-language"),
            websocket.query_params.get("lang"),
        )
        client = ClientSocket(websocket, send, app, room, row, actor, language, json_mode)
        await client.run()
    finally:
        app.sockets.close(holder)


def _authenticate(
    app: Services, websocket: WebSocket, workshop_id: str
) -> tuple[Workshop, Actor] | int:
    if not is_id(workshop_id):  # no lookup for what no workshop's id looks like
        return CLOSE_NOT_FOUND
    with session_scope(app.engine) as session:
        row = workshops.get_workshop_head(session, workshop_id=workshop_id)
        if row is None:
            return CLOSE_NOT_FOUND
        actor = actor_for(websocket, session, row)
        return CLOSE_FORBIDDEN if actor is None else (row, actor)


class ClientSocket:
    """One open websocket: what it has sent, and what it reads (``live.room.Listener``)."""

    def __init__(
        self,
        websocket: WebSocket,
        send: Send,
        app: Services,
        room: Room,
        row: Workshop,
        actor: Actor,
        language: str,
        json_mode: bool,
    ) -> None:
        self.websocket, self.app, self.room, self.row = websocket, app, room, row
        self.actor, self.language, self.json_mode = actor, language, json_mode
        limits = app.settings.limits
        self.outbox: Outbox[Message] = Outbox(
            send,
            limits.outbox_messages,
            limits.outbox_bytes,
            size=_size,
            write_now=websocket.scope.get("extensions", {}).get(WRITE_NOW),
        )
        self.sent_seq: int | None = None  # the last seq this client has been brought up to
        self.sent_parts: tuple[str, ...] | None = None  # the fragments this page has, as sent
        self.sent_mine: str | None = None  # … and its personal part (``mine``)
        self.bucket = TokenBucket(limits.command_rate, limits.command_burst)
        self.close_code = 1000
        self.shows_presence = actor.role is Role.FACILITATOR and not json_mode
        self.turn = _turn(actor.role, json_mode)
        self.person = actor.participant_id

    async def run(self) -> None:
        person = self.actor.participant_id
        if not self.json_mode:
            self.send({"type": "clock", "now": self.app.clock().isoformat()})
            self.push_view()
        # From here on the room hands this socket every change, as it commits it.
        self.room.attach(self, person)
        reader = asyncio.create_task(self.read())
        try:
            # Until the client goes, or this socket stops sending (too slow, or anonymised).
            await asyncio.wait([reader, self.outbox.done], return_when=asyncio.FIRST_COMPLETED)
        finally:
            self.room.detach(self, person)
            self.outbox.stop()
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await reader
        code = CLOSE_TOO_SLOW if self.outbox.overflowed else self.close_code
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await self.websocket.close(code)

    # --- out ---------------------------------------------------------------------------

    def send(self, message: dict[str, Any] | str) -> None:
        text = message if isinstance(message, str) else _json(message)
        self.outbox.put(_text(text))

    def stop(self) -> None:
        self.outbox.stop()

    def push_view(self) -> None:
        app, room = self.app, self.room
        parts = live_fragments(
            app.renderer,
            room,
            self.row,
            self.actor,
            self.language,
            base_url=app.settings.base_url(),
            now=app.clock(),
        )
        # Only the fragments whose bytes changed since this socket last had them, and of a
        # fragment made of parts only the parts that changed (``rendering.changes``): each is
        # swapped by its id, so one left out stays as it is on the page. The parts are the
        # room's shared strings, so keeping them costs a socket nothing but the tuple.
        before = self.sent_parts
        if before is None or len(before) != len(parts):
            changed = parts
        else:
            changed = ()
            for fragment, old in zip(parts, before, strict=True):
                if fragment is not old:  # most of a phone's fragments are the very same
                    changed += changes(fragment, old)
        self.sent_parts = parts
        if changed:  # sockets with the same view and the same page before send one message
            self.outbox.put(self.room.alike(("page", changed), lambda: _text("".join(changed))))
        # The page applies the last ``mine`` it has after every swap: only a changed one goes.
        mine = personal_message(room, self.actor, _json)
        if mine is not None and mine is not self.sent_mine and mine != self.sent_mine:
            self.sent_mine = mine
            self.send(mine)

    def push_snapshot(self) -> None:
        room = self.room
        self.sent_seq = room.seq
        view = protocol.snapshot(room.state, room.agenda, self.actor, self.app.clock(), room.seq)
        self.send({"type": "snapshot", "seq": room.seq, "epoch": room.epoch, "view": view})

    def catch_up(self) -> None:
        """Send what happened since the client's last seq, or a snapshot if memory is short."""
        if self.sent_seq is None:
            return
        room = self.room
        missed = room.events_after(self.sent_seq)
        if missed is None:
            self.push_snapshot()
            return
        for seq, event in missed:
            if type(event) is ParticipantAnonymised and event.participant == self.person:
                self.close_code = CLOSE_FORBIDDEN  # their token is void; so is this socket
                self.stop()
                return
            self.outbox.put(self._encoded(seq, event))
            self.sent_seq = seq

    def _encoded(self, seq: int, event: Event) -> Message:
        # One message per audience, shared by its sockets (ASGI servers only read it).
        # Redaction reads the room's state now, so the cache is keyed by that state too.
        def encode() -> Message:
            redacted = protocol.redact(event, self.actor, self.room.state)
            return _text(_json({"type": "event", "seq": seq, "event": redacted}))

        return self.room.encoded((seq, protocol.audience(event, self.actor)), encode)

    # --- what the room tells this socket (live.room.Listener) -------------------------------

    def advance(self) -> None:
        if self.json_mode:
            self.catch_up()  # which closes the socket if it carries this person's erasure
        elif self._anonymised():
            self.close_code = CLOSE_FORBIDDEN  # their token is void; so is this socket
            self.stop()
        else:
            self.push_view()  # presence lands here too: the facilitator's people list changed

    def reset(self) -> None:
        if self._anonymised():
            self.close_code = CLOSE_FORBIDDEN
            self.stop()
        elif self.json_mode:
            self.push_snapshot()  # history changed: a fresh view, not events (docs/api.md §4.5)
        else:
            self.push_view()

    def _anonymised(self) -> bool:
        person = self.actor.participant_id
        member = self.room.state.board.members.get(person) if person else None
        return member is not None and member.anonymised

    # --- in ----------------------------------------------------------------------------

    async def read(self) -> None:
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:  # a binary frame: this protocol speaks text only
                self.send(self.error("The request was malformed.", None))
                continue
            await self.handle(text)

    async def handle(self, text: str) -> None:
        # Too large, too deep or not JSON: refused, and the socket stays open.
        try:
            message = decode(text, self.app.settings.limits)
        except EdgeError as exc:
            self.send(self.error(exc.msgid, None, exc.code or "invalid"))
            return
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "ping":
            self.send({"type": "pong"})
            return
        if kind == "hello" and not self.json_mode:
            self.sent_parts = self.sent_mine = None  # a resync takes the whole view
            self.push_view()
            return
        if kind == "hello":
            last, room = message.get("last_seq"), self.room
            known = type(last) is int and 0 <= last <= room.seq
            self.sent_seq = last if known and message.get("epoch") == room.epoch else None
            self.send(
                {
                    "type": "welcome",
                    "seq": room.seq,
                    "epoch": room.epoch,
                    "role": self.actor.role.value,
                    "participant": self.actor.participant_id,
                }
            )
            if self.sent_seq is None:
                self.push_snapshot()
            else:
                self.catch_up()
            return
        # An answer echoes only a client id that is one (never text it could not send).
        client_id = valid_client_id(message.get("client_id")) if isinstance(message, dict) else None
        if not self.bucket.take():
            self.send(
                self.error(
                    "Too many requests; wait a moment and try again.", client_id, "rate_limited"
                )
            )
            if self.bucket.abusive:
                self.close_code = CLOSE_ABUSE
                raise WebSocketDisconnect(CLOSE_ABUSE)
            return
        try:
            if not isinstance(message, dict):
                raise Malformed()
            command, client_id = parse(message)
        except Malformed as exc:
            self.send(self.error(exc.msgid, client_id, exc.code or "invalid"))
            return
        try:
            # The facilitator's anonymise_participant is the whole erasure (web/privacy.py).
            outcome = await erasure.submit(
                self.app, self.room, self.row, command, self.actor, client_id
            )
        except Exception:
            # Not the client's fault and not a refusal: close with 1011 so the page
            # reconnects and resends what is still unacknowledged in its outbox.
            log.exception("command failed in workshop %s", self.row.id)
            self.close_code = CLOSE_SERVER_ERROR
            raise WebSocketDisconnect(CLOSE_SERVER_ERROR) from None
        if isinstance(outcome, Refusal):
            message_text = outcome.render(lambda msgid: i18n.gettext(self.language, msgid))
            self.send(
                {
                    "type": "refused",
                    "client_id": client_id,
                    "code": outcome.code,
                    "error": message_text,
                }
            )
        elif isinstance(outcome, Accepted):
            self.send(
                {
                    "type": "ack",
                    "client_id": client_id,
                    "seq": outcome.seq,
                    "replayed": outcome.replayed,
                }
            )

    def error(self, msgid: str, client_id: str | None, code: str = "invalid") -> dict[str, Any]:
        return {
            "type": "refused",
            "client_id": client_id,
            "code": code,
            "error": i18n.gettext(self.language, msgid),
        }


def _turn(role: Role, json_mode: bool) -> int:
    """When a telling pass comes to this socket (``live.listeners``): a JSON client's
    events are encoded once for all, so it goes with the people's phones."""
    if json_mode or role not in (Role.FACILITATOR, Role.PROJECTOR):
        return PEOPLE
    return CONSOLE if role is Role.FACILITATOR else WALL


def _json(message: dict[str, Any]) -> str:
    """A message as JSON text: orjson, a tenth of ``json.dumps``'s time, and that is paid per
    socket for each person's own part (``mine``) after every change."""
    return orjson.dumps(message, option=orjson.OPT_NON_STR_KEYS).decode()


def _text(text: str) -> Message:
    return {"type": "websocket.send", "text": text}


def _size(message: Message) -> int:
    """What a queued message holds in memory, near enough: its text's length."""
    text = message.get("text")
    return len(text) if isinstance(text, str) else len(message.get("bytes") or b"")
