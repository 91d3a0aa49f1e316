"""A live workshop as one aggregate: its agenda machine (and, as features land, its boards).

``decide`` routes a command to the rule set that owns it; ``evolve`` folds any event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from facilitator.core import machine
from facilitator.core.actors import Actor
from facilitator.core.commands import MachineCommand
from facilitator.core.errors import Refusal
from facilitator.core.events import MachineEvent

Command = MachineCommand
Event = MachineEvent


@dataclass(frozen=True)
class WorkshopState:
    machine: machine.MachineState

    @classmethod
    def initial(cls, planned_minutes: Sequence[int]) -> WorkshopState:
        return cls(machine=machine.MachineState.initial(planned_minutes))


def decide(
    state: WorkshopState, command: Command, actor: Actor, now: datetime
) -> list[Event] | Refusal:
    return machine.decide(state.machine, command, actor, now)


def evolve(state: WorkshopState, event: Event) -> WorkshopState:
    return replace(state, machine=machine.evolve(state.machine, event))


def fold(state: WorkshopState, events: Iterable[Event]) -> WorkshopState:
    for event in events:
        state = evolve(state, event)
    return state
