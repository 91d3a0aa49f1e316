"""Limits that protect the room from one client: a token bucket per connection."""

from __future__ import annotations

import time

RATE = 10.0  # commands per second, sustained
BURST = 30.0


class TokenBucket:
    def __init__(self, rate: float = RATE, burst: float = BURST) -> None:
        self.rate, self.burst, self.tokens = rate, burst, burst
        self.stamp = time.monotonic()
        self.refused = 0

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.refused = 0  # only an unbroken run of refusals counts as abuse
            return True
        self.refused += 1
        return False
