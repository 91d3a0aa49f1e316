"""A live workshop as one aggregate: its agenda machine, its boards and its catalogue.

``decide`` routes a command to the rule set that owns it, with what that rule set needs
(the board and the catalogue get the current phase). Entering a phase has side effects,
and they are all added here, in one place: today, opening the programme's catalogue
(``sources`` is what the edge read from the earlier workshops).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated

from pydantic import Field, TypeAdapter
from typing_extensions import TypeIs

from facilitator.agenda import Agenda, Phase
from facilitator.core import board, catalogue, machine
from facilitator.core.actors import Actor
from facilitator.core.board_messages import BoardCommand, BoardEvent, CreateTheme
from facilitator.core.catalogue_messages import CatalogueCommand, CatalogueEvent, ImportedEntry
from facilitator.core.commands import MachineCommand
from facilitator.core.errors import CONFLICT, Refusal
from facilitator.core.events import MachineEvent, PhaseChanged

Command = MachineCommand | BoardCommand | CatalogueCommand
Event = MachineEvent | BoardEvent | CatalogueEvent
COMMANDS: TypeAdapter[Command] = TypeAdapter(Annotated[Command, Field(discriminator="type")])
EVENTS: TypeAdapter[Event] = TypeAdapter(Annotated[Event, Field(discriminator="type")])
Sources = Mapping[str, Sequence[ImportedEntry]]

_MACHINE_COMMANDS: tuple[type, ...] = MachineCommand.__args__
_MACHINE_EVENTS: tuple[type, ...] = MachineEvent.__args__
_BOARD_COMMANDS: tuple[type, ...] = BoardCommand.__args__
_BOARD_EVENTS: tuple[type, ...] = BoardEvent.__args__


def _for_machine(command: Command) -> TypeIs[MachineCommand]:
    return isinstance(command, _MACHINE_COMMANDS)


def _for_board(command: Command) -> TypeIs[BoardCommand]:
    return isinstance(command, _BOARD_COMMANDS)


def _of_machine(event: Event) -> TypeIs[MachineEvent]:
    return isinstance(event, _MACHINE_EVENTS)


def _of_board(event: Event) -> TypeIs[BoardEvent]:
    return isinstance(event, _BOARD_EVENTS)


@dataclass(frozen=True)
class WorkshopState:
    machine: machine.MachineState
    board: board.BoardState
    catalogue: catalogue.CatalogueState

    @classmethod
    def initial(cls, planned_minutes: Sequence[int]) -> WorkshopState:
        return cls(
            machine.MachineState.initial(planned_minutes),
            board.BoardState.empty(),
            catalogue.CatalogueState.empty(),
        )

    def current_phase(self, agenda: Agenda) -> Phase | None:
        """The phase under way (running or paused), None in the lobby and after the end."""
        if self.machine.status in (machine.Status.RUNNING, machine.Status.PAUSED):
            assert self.machine.phase is not None
            return agenda.phases[self.machine.phase]
        return None


def catalogue_needs(state: WorkshopState, agenda: Agenda) -> set[str]:
    """The catalogue sources this agenda will open and has not imported yet."""
    keys = {
        key
        for phase in agenda.phases
        for key in (getattr(phase, "catalogue", None), getattr(phase, "opens_catalogue", None))
        if isinstance(key, str)
    }
    return keys - state.catalogue.imported


def decide(
    state: WorkshopState,
    agenda: Agenda,
    command: Command,
    actor: Actor,
    now: datetime,
    command_id: str,
    sources: Sources | None = None,
) -> list[Event] | Refusal:
    paused = state.machine.status is machine.Status.PAUSED
    phase = state.current_phase(agenda)
    if _for_machine(command):
        decided = machine.decide(state.machine, command, actor, now)
        if isinstance(decided, Refusal):
            return decided
        return _with_effects(state, agenda, list[Event](decided), sources or {}, now)
    if _for_board(command):
        if isinstance(command, CreateTheme) and command.board not in (None, *agenda.boards):
            # The board rules do not see the agenda; which boards exist is the agenda's.
            return Refusal(
                "There is no board {board}.",
                {"board": command.board},
                "unknown_board",
                kind=CONFLICT,
            )
        found = board.decide(state.board, phase, command, actor, now, command_id, paused=paused)
        return found if isinstance(found, Refusal) else list[Event](found)
    found_c = catalogue.decide(
        state.catalogue, phase, command, actor, now, command_id, paused=paused
    )
    return found_c if isinstance(found_c, Refusal) else list[Event](found_c)


def _with_effects(
    state: WorkshopState, agenda: Agenda, events: list[Event], sources: Sources, now: datetime
) -> list[Event]:
    """The machine's events plus what entering each phase brings with it."""
    result: list[Event] = []
    for event in events:
        result.append(event)
        state = evolve(state, event)
        if isinstance(event, PhaseChanged):
            entered = agenda.phases[event.entered]
            for effect in catalogue.on_enter(state.catalogue, entered, sources, now):
                result.append(effect)
                state = evolve(state, effect)
    return result


def evolve(state: WorkshopState, event: Event) -> WorkshopState:
    if _of_machine(event):
        return replace(state, machine=machine.evolve(state.machine, event))
    if _of_board(event):
        return replace(state, board=board.evolve(state.board, event))
    return replace(state, catalogue=catalogue.evolve(state.catalogue, event))


def fold(state: WorkshopState, events: Iterable[Event]) -> WorkshopState:
    for event in events:
        state = evolve(state, event)
    return state
