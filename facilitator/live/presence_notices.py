"""Who is online, told between processes over the hub (``live.presence`` holds the sets).

A room's ``PresenceNotices`` publishes this process's whole set on the workshop's channel
soon after it changes (a burst in one notice) and every ``BEAT`` while anyone is online
here; asks the others (``who``) when it starts or after the hub lost notices; says goodbye
when it stops; and hands what the others say to the room's ``Presence``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable

from facilitator.live.hub import Hub
from facilitator.live.presence import BEAT, Presence

log = logging.getLogger("facilitator")

BATCH = 0.05  # a burst of sockets opening or closing here is told in one notice


class PresenceNotices:
    def __init__(
        self, presence: Presence, hub: Hub, channel: str, name: str, changed: Callable[[], None]
    ) -> None:
        self._presence, self._hub, self._channel, self._name = presence, hub, channel, name
        self._changed = changed  # everyone online may have changed: the room tells its pages
        self._due = asyncio.Event()  # who is online here changed, or someone asked
        self._telling: asyncio.Task[None] | None = None

    def soon(self) -> None:
        """Tell the others who is online here, soon."""
        self._due.set()

    async def start(self) -> None:
        self._telling = asyncio.create_task(self._tell())
        await self.ask()

    async def stop(self) -> None:
        if self._telling is None:
            return
        self._telling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._telling
        self._telling = None
        if self._presence.here:  # goodbye: the others need not wait for it to expire
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._publish(frozenset()), 1.0)

    async def ask(self) -> None:
        """Ask the other processes to say who is online with them now, not at their beat."""
        try:
            await self._hub.publish(self._channel, json.dumps({"who": self._name}))
        except Exception:  # their beat will tell
            log.warning("%s: asking for presence failed", self._channel)

    def heard(self, notice: dict[str, object]) -> None:
        """A notice on the channel: another process's set, or its question."""
        if "who" in notice and notice["who"] != self._name:
            self.soon()
        room, ids = notice.get("room"), notice.get("presence")
        if not isinstance(room, str) or room == self._name or not isinstance(ids, list):
            return
        self._presence.heard(room, (i for i in ids if isinstance(i, str)), _loop_time())
        self._changed()

    async def _tell(self) -> None:
        told_someone = False
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._due.wait(), BEAT)
                await asyncio.sleep(BATCH)  # the rest of a burst rides along
            self._due.clear()
            self._presence.expire(_loop_time())  # a process silent too long is gone
            self._changed()
            here = self._presence.here
            if here or told_someone:
                try:
                    await self._publish(here)
                except Exception:  # the hub is down a moment; the next beat tells again
                    log.warning("%s: telling presence failed", self._channel)
                    continue
                told_someone = bool(here)

    async def _publish(self, here: frozenset[str]) -> None:
        notice = {"presence": sorted(here), "room": self._name}
        await self._hub.publish(self._channel, json.dumps(notice))


def _loop_time() -> float:
    return asyncio.get_running_loop().time()
