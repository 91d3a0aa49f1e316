"""The websocket of a workshop: pushes each role's view after every committed change.

The hub says only "seq N"; the socket refreshes its room if another process wrote, renders
its view and sends it. htmx's ws extension swaps the fragment in by element id.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from starlette.websockets import WebSocket, WebSocketDisconnect

from facilitator.live.room import Room, channel
from facilitator.store import workshops as store
from facilitator.store.db import session_scope
from facilitator.store.tables import Workshop
from facilitator.web import i18n
from facilitator.web.auth import staff_actor
from facilitator.web.services import Services, services
from facilitator.web.views import console_context

CLOSE_NOT_FOUND = 4404
CLOSE_FORBIDDEN = 4403


async def workshop_socket(websocket: WebSocket) -> None:
    app = services(websocket)
    workshop_id = websocket.path_params["workshop_id"]

    def load() -> Workshop | None:
        with session_scope(app.engine) as session:
            return store.get_workshop(session, workshop_id=workshop_id)

    row = await asyncio.to_thread(load)
    if row is None:
        await websocket.close(CLOSE_NOT_FOUND)
        return
    actor = staff_actor(websocket, row)
    if actor is None:
        await websocket.close(CLOSE_FORBIDDEN)
        return
    await websocket.accept()
    room = await app.rooms.get(row.id)
    language = i18n.negotiate(
        websocket.cookies.get(i18n.LANGUAGE_COOKIE),
        websocket.headers.get("accept-language"),
        websocket.query_params.get("lang"),
    )
    async with app.hub.subscribe(channel(row.id)) as subscription:
        await _send_view(websocket, app, room, row, language)
        receiving = asyncio.create_task(_drain(websocket))
        try:
            while not receiving.done():
                notice = asyncio.create_task(subscription.get())
                await asyncio.wait({notice, receiving}, return_when=asyncio.FIRST_COMPLETED)
                if not notice.done():
                    notice.cancel()
                    break
                if _seq_of(notice.result()) > room.seq or subscription.lagged:
                    subscription.lagged = False
                    await room.refresh()
                await _send_view(websocket, app, room, row, language)
        except WebSocketDisconnect:
            pass
        finally:
            receiving.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
                await receiving


async def _drain(websocket: WebSocket) -> None:
    """Read until the client goes; staff pages send commands over HTTP for now."""
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            await websocket.receive_text()


def _seq_of(message: str) -> int:
    try:
        value = json.loads(message).get("seq", 0)
    except (ValueError, AttributeError):
        return 0
    return value if isinstance(value, int) else 0


async def _send_view(
    websocket: WebSocket, app: Services, room: Room, row: Workshop, language: str
) -> None:
    context = console_context(room, row, app.clock(), language, app.settings.base_url())
    await websocket.send_text(app.renderer.render("fragments/agenda.html", context, language))
