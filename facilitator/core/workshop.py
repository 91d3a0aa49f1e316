"""A live workshop as one aggregate: its agenda machine and its boards.

``decide`` routes a command to the rule set that owns it, with what that rule set needs
(the board gets the current phase of the agenda); ``evolve`` folds any event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated

from pydantic import Field, TypeAdapter
from typing_extensions import TypeIs

from facilitator.agenda import Agenda, Phase
from facilitator.core import board, machine
from facilitator.core.actors import Actor
from facilitator.core.board_messages import BoardCommand, BoardEvent
from facilitator.core.commands import MachineCommand
from facilitator.core.errors import Refusal
from facilitator.core.events import MachineEvent

Command = MachineCommand | BoardCommand
Event = MachineEvent | BoardEvent
COMMANDS: TypeAdapter[Command] = TypeAdapter(Annotated[Command, Field(discriminator="type")])
EVENTS: TypeAdapter[Event] = TypeAdapter(Annotated[Event, Field(discriminator="type")])
_MACHINE_COMMANDS: tuple[type, ...] = MachineCommand.__args__
_MACHINE_EVENTS: tuple[type, ...] = MachineEvent.__args__


def _for_machine(command: Command) -> TypeIs[MachineCommand]:
    return isinstance(command, _MACHINE_COMMANDS)


def _of_machine(event: Event) -> TypeIs[MachineEvent]:
    return isinstance(event, _MACHINE_EVENTS)


@dataclass(frozen=True)
class WorkshopState:
    machine: machine.MachineState
    board: board.BoardState

    @classmethod
    def initial(cls, planned_minutes: Sequence[int]) -> WorkshopState:
        return cls(machine.MachineState.initial(planned_minutes), board.BoardState.empty())

    def current_phase(self, agenda: Agenda) -> Phase | None:
        """The phase under way (running or paused), None in the lobby and after the end."""
        if self.machine.status in (machine.Status.RUNNING, machine.Status.PAUSED):
            assert self.machine.phase is not None
            return agenda.phases[self.machine.phase]
        return None


def decide(
    state: WorkshopState,
    agenda: Agenda,
    command: Command,
    actor: Actor,
    now: datetime,
    command_id: str,
) -> list[Event] | Refusal:
    decided: list[MachineEvent] | list[BoardEvent] | Refusal
    if _for_machine(command):
        decided = machine.decide(state.machine, command, actor, now)
    else:
        paused = state.machine.status is machine.Status.PAUSED
        phase = state.current_phase(agenda)
        decided = board.decide(state.board, phase, command, actor, now, command_id, paused=paused)
    return decided if isinstance(decided, Refusal) else list[Event](decided)


def evolve(state: WorkshopState, event: Event) -> WorkshopState:
    if _of_machine(event):
        return replace(state, machine=machine.evolve(state.machine, event))
    return replace(state, board=board.evolve(state.board, event))


def fold(state: WorkshopState, events: Iterable[Event]) -> WorkshopState:
    for event in events:
        state = evolve(state, event)
    return state
