"""The polls' state: each person's answer per poll phase, which polls are revealed, and their
results. Read-only like the board's; which events a command causes is decided in ``polls``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from statistics import fmean

from facilitator.agenda import PollPhase
from facilitator.core.frozen import frozen, put
from facilitator.core.poll_messages import PollAnswered, PollEvent, PollResults, PollRevealed

Answer = str | int | tuple[str, ...]


@dataclass(frozen=True)
class PollsState:
    answers: Mapping[str, Mapping[str, Answer]]  # phase key → person → answer, first come first
    revealed: frozenset[str]  # poll phases whose results are public (and that are closed)

    @classmethod
    def empty(cls) -> PollsState:
        return cls(frozen({}), frozenset())

    def of(self, phase: str) -> Mapping[str, Answer]:
        return self.answers.get(phase, {})


def results(phase: PollPhase, answers: Mapping[str, Answer]) -> PollResults:
    given = list(answers.values())
    match phase.answer:
        case "single" | "multiple":
            counts = {option.key: 0 for option in phase.options}
            for answer in given:
                chosen = (answer,) if isinstance(answer, str | int) else answer
                for key in chosen:
                    if isinstance(key, str) and key in counts:
                        counts[key] += 1
            return PollResults(answered=len(given), counts=counts)
        case "scale":
            assert phase.scale is not None
            values = [a for a in given if isinstance(a, int)]
            spread = range(phase.scale.min, phase.scale.max + 1)
            distribution = {value: values.count(value) for value in spread}
            mean = round(fmean(values), 2) if values else None
            return PollResults(answered=len(given), distribution=distribution, mean=mean)
        case "text":
            texts = tuple(sorted((a for a in given if isinstance(a, str)), key=str.casefold))
            return PollResults(answered=len(given), texts=texts)
    raise AssertionError(f"unhandled answer kind {phase.answer!r}")  # pragma: no cover


def evolve(state: PollsState, event: PollEvent) -> PollsState:
    """The state after an event. Total: replaying the journal rebuilds the state."""
    match event:
        case PollAnswered(phase=phase, by=by, answer=answer):
            mine = put(state.answers.get(phase, frozen({})), by, answer)
            return replace(state, answers=put(state.answers, phase, mine))
        case PollRevealed(phase=phase):
            return replace(state, revealed=state.revealed | {phase})
    raise AssertionError(f"unhandled event {event!r}")  # pragma: no cover
