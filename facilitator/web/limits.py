"""Limits that protect the room from one client: command rates, guessed join codes, and how
many sockets one person holds. The figures are ``Settings.limits`` (docs/api.md §2).

Everything here counts per process, in memory: a restart forgets, which is harmless for
limits that only slow a client down.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Hashable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from facilitator.settings import Limits

log = logging.getLogger("facilitator")


class TokenBucket:
    """``rate`` commands per second sustained, bursts of ``burst``.

    Refusals are counted too, and forgiven at the same rate: a client whose refusals outrun
    that by ten bursts is flooding (``abusive``). Forgiven over time, not reset by the next
    command that passes, so the verdict does not hang on how fast the server reads: a flood
    read slowly enough to let a token refill now and then is still a flood."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst, self.tokens = rate, burst, burst
        self.stamp = time.monotonic()
        self.refused = 0.0  # refusals not yet forgiven

    def take(self) -> bool:
        now = time.monotonic()
        regained = (now - self.stamp) * self.rate
        self.tokens = min(self.burst, self.tokens + regained)
        self.refused = max(0.0, self.refused - regained)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.refused += 1
        return False

    @property
    def abusive(self) -> bool:
        return self.refused > 10 * self.burst

    def retry_after(self) -> int:
        """Whole seconds until the next command would pass."""
        return max(1, math.ceil((1 - self.tokens) / self.rate))


class Buckets:
    """A token bucket per key (an HTTP client's workshop and token), the least recently
    used forgotten beyond ``keep``."""

    def __init__(self, limits: Limits, keep: int = 10_000) -> None:
        self._limits = limits
        self._keep = keep
        self._buckets: OrderedDict[Hashable, TokenBucket] = OrderedDict()

    def __getitem__(self, key: Hashable) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = TokenBucket(self._limits.command_rate, self._limits.command_burst)
            self._buckets[key] = bucket
            if len(self._buckets) > self._keep:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        return bucket


class Window:
    """How many times something happened in the last ``seconds``."""

    def __init__(self, seconds: float = 60.0) -> None:
        self.seconds = seconds
        self._times: deque[float] = deque()

    def note(self, now: float) -> None:
        self._times.append(now)

    def count(self, now: float) -> int:
        while self._times and self._times[0] <= now - self.seconds:
            self._times.popleft()
        return len(self._times)

    def retry_after(self, now: float) -> int:
        return max(1, math.ceil(self._times[0] + self.seconds - now)) if self._times else 1


class SocketCounts:
    """Open sockets per person (or per facilitator and projector token) in this process."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: Counter[Hashable] = Counter()

    def open(self, key: Hashable) -> bool:
        """Count one more socket for ``key``; False (and not counted) if over the limit."""
        if self._open[key] >= self.limit:
            return False
        self._open[key] += 1
        return True

    def close(self, key: Hashable) -> None:
        self._open[key] -= 1
        if self._open[key] <= 0:
            del self._open[key]


_JOIN_PATH = re.compile(r"^/join(?:/[^/]*)?/?$")


class JoinGuard:
    """Slows down whoever guesses join codes: after ``wrong_codes_per_minute`` codes that
    open no workshop from one address (or ``wrong_codes_overall_per_minute`` from all
    addresses together), the join paths answer 429 with ``Retry-After`` for a while, and
    the server's log says so once a minute, where the facilitator sees it."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limits: Limits,
        refuse: Callable[[Request, int], Response],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.limits = limits
        self.refuse = refuse
        self.clock = clock
        self._by_address: OrderedDict[str, Window] = OrderedDict()
        self._overall = Window()
        self._warned = -math.inf

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _JOIN_PATH.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        address = (scope.get("client") or ("?",))[0]
        now = self.clock()
        mine = self._window(address)
        blocked = [
            window.retry_after(now)
            for window, limit in (
                (mine, self.limits.wrong_codes_per_minute),
                (self._overall, self.limits.wrong_codes_overall_per_minute),
            )
            if window.count(now) >= limit
        ]
        if blocked:
            self._warn(address, now)
            await self.refuse(Request(scope, receive), max(blocked))(scope, receive, send)
            return

        async def counting(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 404:
                mine.note(self.clock())
                self._overall.note(self.clock())
            await send(message)

        await self.app(scope, receive, counting)

    def _window(self, address: str) -> Window:
        window = self._by_address.get(address)
        if window is None:
            window = self._by_address[address] = Window()
            if len(self._by_address) > 10_000:
                self._by_address.popitem(last=False)
        return window

    def _warn(self, address: str, now: float) -> None:
        if now - self._warned >= 60:
            self._warned = now
            log.warning("join codes: too many wrong guesses (last from %s); slowing down", address)
