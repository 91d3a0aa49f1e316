"""Who is online in one workshop, across every process that serves it.

Each process counts its own open sockets per person and tells the others its set of people
over the hub (``live.room`` sends it). A process that stops without saying goodbye (killed,
or cut off from the broker) is forgotten once it has not been heard from for ``EXPIRES``
seconds: the others repeat their sets every ``BEAT`` seconds while anyone is online with
them. Pure: the times are passed in (the event loop's monotonic clock).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

BEAT = 10.0  # how often a process repeats who is online with it
EXPIRES = 3 * BEAT + 5.0  # a process not heard from for this long is gone


class Presence:
    def __init__(self) -> None:
        self._local: Counter[str] = Counter()  # participant id → open sockets here
        self._remote: dict[str, tuple[frozenset[str], float]] = {}  # process → (ids, heard)
        self._everyone: frozenset[str] = frozenset()
        self.version = 0  # moves on whenever ``everyone`` changes (views keyed by it)

    @property
    def everyone(self) -> frozenset[str]:
        """Everyone with a socket open on any process."""
        return self._everyone

    @property
    def here(self) -> frozenset[str]:
        """Everyone with a socket open on this process: what it tells the others."""
        return frozenset(self._local)

    def came(self, participant_id: str) -> bool:
        """A socket opened here. True if that changed who is online here."""
        self._local[participant_id] += 1
        if self._local[participant_id] > 1:
            return False
        self._recount()
        return True

    def went(self, participant_id: str) -> bool:
        """A socket closed here. True if that changed who is online here."""
        if self._local[participant_id] > 1:
            self._local[participant_id] -= 1
            return False
        if self._local.pop(participant_id, None) is None:
            return False
        self._recount()
        return True

    def heard(self, process: str, participant_ids: Iterable[str], now: float) -> None:
        """Another process said who is online with it (an empty set: it has no one)."""
        ids = frozenset(participant_ids)
        if ids:
            self._remote[process] = (ids, now)
        else:
            self._remote.pop(process, None)
        self._recount()

    def expire(self, now: float) -> None:
        """Forget the processes not heard from for too long."""
        gone = [name for name, (_, at) in self._remote.items() if now - at > EXPIRES]
        for name in gone:
            del self._remote[name]
        if gone:
            self._recount()

    def _recount(self) -> None:
        everyone = frozenset(self._local).union(*(ids for ids, _ in self._remote.values()))
        if everyone != self._everyone:
            self._everyone = everyone
            self.version += 1
