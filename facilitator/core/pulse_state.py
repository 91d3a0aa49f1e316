"""The pulse's state in one workshop: each person's answer per measurement, and which
measurements are closed. Read-only like the board's; the rules are in ``pulse``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from facilitator.core.frozen import frozen, put
from facilitator.core.pulse_messages import PulseAnswered, PulseClosed, PulseEvent


@dataclass(frozen=True)
class PulseAnswer:
    scores: Mapping[str, int]  # item key → 1–5
    recommend: int | None  # 0–10, or None (skipped, or the pulse has no recommend question)
    why: str = ""


@dataclass(frozen=True)
class PulseState:
    answers: Mapping[str, Mapping[str, PulseAnswer]]  # measurement → member → answer
    closed: frozenset[str]

    @classmethod
    def empty(cls) -> PulseState:
        return cls(frozen({}), frozenset())

    def of(self, measurement: str) -> Mapping[str, PulseAnswer]:
        return self.answers.get(measurement, {})


def evolve(state: PulseState, event: PulseEvent) -> PulseState:
    """The state after an event. Total: replaying the journal rebuilds the state."""
    match event:
        case PulseAnswered(measurement=key, by=by, scores=scores, recommend=recommend, why=why):
            answer = PulseAnswer(frozen(dict(scores)), recommend, why)
            answers = put(state.answers.get(key, frozen({})), by, answer)
            return replace(state, answers=put(state.answers, key, answers))
        case PulseClosed(measurement=key):
            return replace(state, closed=state.closed | {key})
    raise AssertionError(f"unhandled event {event!r}")  # pragma: no cover
