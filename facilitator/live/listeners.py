"""A room's listeners, told of a change in turns: the people's screens first.

A telling pass renders each socket's view and writes it at once (``live.outbox``), so a
socket told late waits for every render before its own. The phones come first (what each
person looks at for their own idea, and cheap: one render per group), then the wall, then
the facilitator's console, the costliest view (every idea, person and form), which one
person watches. At 25 people that took the median arrival from 6.4 to 3.9 ms
(docs/performance.md, tenth stop); the last screen's arrival is the same as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

PEOPLE, WALL, CONSOLE = 0, 1, 2  # the turns, in the order they are told


class Listener(Protocol):
    """A socket of this process that follows a room (``web.socket.ClientSocket``).

    The room calls these on the event loop, right after its state has moved; they queue
    what their client should receive and return without waiting.
    """

    shows_presence: bool
    turn: int  # PEOPLE, WALL or CONSOLE: when a telling pass comes to it

    def advance(self) -> None:
        """The room has moved on (or its people came or went): send what is new."""

    def reset(self) -> None:
        """The room's history was rewritten (an erasure): send a fresh view."""


class Listeners:
    """A set of listeners whose iteration goes turn by turn."""

    def __init__(self) -> None:
        self._turns: tuple[set[Listener], ...] = (set(), set(), set())

    def add(self, listener: Listener) -> None:
        self._turns[listener.turn].add(listener)

    def discard(self, listener: Listener) -> None:
        self._turns[listener.turn].discard(listener)

    def __iter__(self) -> Iterator[Listener]:
        for turn in self._turns:
            yield from turn

    def __len__(self) -> int:
        return sum(map(len, self._turns))

    def __contains__(self, listener: object) -> bool:
        return any(listener in turn for turn in self._turns)
