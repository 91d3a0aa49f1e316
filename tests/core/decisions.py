"""Checks shared by the tests of every rule set: a decision was accepted, or refused well."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from facilitator.core.errors import Refusal

S = TypeVar("S")
E = TypeVar("E")


def accepted(answer: list[E] | Refusal) -> list[E]:
    assert not isinstance(answer, Refusal), answer
    return answer


def refused(answer: object) -> str:
    """The refusal's code, after checking it names a real reason that renders."""
    assert isinstance(answer, Refusal), answer
    assert answer.code != "refused" and answer.render()
    return answer.code


def folded(state: S, events: Iterable[E], evolve: Callable[[S, E], S]) -> S:
    for event in events:
        state = evolve(state, event)
    return state
