"""A live workshop as one aggregate: its agenda machine, its boards and people, its
catalogue, its plenum questions, its polls and its pulse.

``decide`` routes a command to the rule set that owns it, with what that rule set needs
(the current phase; the members, whose roles are the state's, not the edge's: a member the
facilitator marked as a guest is one at once). Entering a phase has side effects, and they
are all added here, in one place: today, opening the programme's catalogue (``sources`` is
what the edge read from the earlier workshops).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Annotated

from pydantic import Field, TypeAdapter
from typing_extensions import TypeIs

from facilitator.agenda import Agenda, Phase, Role
from facilitator.core import (
    board,
    catalogue,
    initiatives,
    machine,
    outcome,
    people,
    polls,
    pulse,
    questions,
    revision,
)
from facilitator.core.actors import Actor
from facilitator.core.board_messages import BoardCommand, BoardEvent, CreateTheme
from facilitator.core.catalogue_messages import CatalogueCommand, CatalogueEvent, ImportedEntry
from facilitator.core.commands import MachineCommand
from facilitator.core.errors import CONFLICT, Refusal
from facilitator.core.events import MachineEvent, PhaseChanged
from facilitator.core.initiatives import InitiativeUpdated, UpdateInitiative
from facilitator.core.people_messages import PeopleCommand, PeopleEvent
from facilitator.core.poll_messages import PollCommand, PollEvent
from facilitator.core.pulse_messages import PulseCommand, PulseEvent
from facilitator.core.question_messages import QuestionCommand, QuestionEvent
from facilitator.core.revision import ReviseAgenda

Command = (
    MachineCommand
    | BoardCommand
    | PeopleCommand
    | CatalogueCommand
    | QuestionCommand
    | PollCommand
    | PulseCommand
    | UpdateInitiative
    | ReviseAgenda
)
# What a client may send over /commands and the websockets: an agenda revision arrives only
# through the agenda editor (web/editor.py), which first checks it in its programme.
WireCommand = (
    MachineCommand
    | BoardCommand
    | PeopleCommand
    | CatalogueCommand
    | QuestionCommand
    | PollCommand
    | PulseCommand
    | UpdateInitiative
)
Event = (
    MachineEvent
    | BoardEvent
    | PeopleEvent
    | CatalogueEvent
    | QuestionEvent
    | PollEvent
    | PulseEvent
    | InitiativeUpdated
)
COMMANDS: TypeAdapter[WireCommand] = TypeAdapter(
    Annotated[WireCommand, Field(discriminator="type")]
)
EVENTS: TypeAdapter[Event] = TypeAdapter(Annotated[Event, Field(discriminator="type")])
Sources = Mapping[str, Sequence[ImportedEntry]]

_MACHINE_COMMANDS: tuple[type, ...] = MachineCommand.__args__
_MACHINE_EVENTS: tuple[type, ...] = MachineEvent.__args__
_BOARD_COMMANDS: tuple[type, ...] = BoardCommand.__args__
_BOARD_EVENTS: tuple[type, ...] = (*BoardEvent.__args__, *PeopleEvent.__args__)
_PEOPLE_COMMANDS: tuple[type, ...] = PeopleCommand.__args__
_QUESTION_COMMANDS: tuple[type, ...] = QuestionCommand.__args__
_QUESTION_EVENTS: tuple[type, ...] = QuestionEvent.__args__
_POLL_COMMANDS: tuple[type, ...] = PollCommand.__args__
_POLL_EVENTS: tuple[type, ...] = PollEvent.__args__
_PULSE_COMMANDS: tuple[type, ...] = PulseCommand.__args__
_PULSE_EVENTS: tuple[type, ...] = PulseEvent.__args__
_CATALOGUE_EVENTS: tuple[type, ...] = CatalogueEvent.__args__


def _for_machine(command: Command) -> TypeIs[MachineCommand]:
    return isinstance(command, _MACHINE_COMMANDS)


def _for_board(command: Command) -> TypeIs[BoardCommand]:
    return isinstance(command, _BOARD_COMMANDS)


def _for_people(command: Command) -> TypeIs[PeopleCommand]:
    return isinstance(command, _PEOPLE_COMMANDS)


def _for_questions(command: Command) -> TypeIs[QuestionCommand]:
    return isinstance(command, _QUESTION_COMMANDS)


def _for_polls(command: Command) -> TypeIs[PollCommand]:
    return isinstance(command, _POLL_COMMANDS)


def _for_pulse(command: Command) -> TypeIs[PulseCommand]:
    return isinstance(command, _PULSE_COMMANDS)


def _of_machine(event: Event) -> TypeIs[MachineEvent]:
    return isinstance(event, _MACHINE_EVENTS)


def _of_board(event: Event) -> TypeIs[BoardEvent | PeopleEvent]:
    return isinstance(event, _BOARD_EVENTS)


def _of_catalogue(event: Event) -> TypeIs[CatalogueEvent]:
    return isinstance(event, _CATALOGUE_EVENTS)


def _of_questions(event: Event) -> TypeIs[QuestionEvent]:
    return isinstance(event, _QUESTION_EVENTS)


def _of_polls(event: Event) -> TypeIs[PollEvent]:
    return isinstance(event, _POLL_EVENTS)


def _of_pulse(event: Event) -> TypeIs[PulseEvent]:
    return isinstance(event, _PULSE_EVENTS)


@dataclass(frozen=True)
class WorkshopState:
    machine: machine.MachineState
    board: board.BoardState
    catalogue: catalogue.CatalogueState
    questions: questions.QuestionsState = field(default_factory=questions.QuestionsState.empty)
    polls: polls.PollsState = field(default_factory=polls.PollsState.empty)
    pulse: pulse.PulseState = field(default_factory=pulse.PulseState.empty)
    initiatives: initiatives.InitiativesState = field(
        default_factory=initiatives.InitiativesState.empty
    )

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
    actor = as_member(state, actor)
    members = state.board.members
    decided: Sequence[Event] | Refusal
    if isinstance(command, ReviseAgenda):
        revised = revision.decide(state.machine, agenda, command, actor, now)
        return revised if isinstance(revised, Refusal) else list[Event](revised)
    if isinstance(command, UpdateInitiative):
        is_published = outcome.published(state.machine, agenda)
        decided = initiatives.decide(
            state.initiatives, state.catalogue, command, actor, now, published=is_published
        )
        return decided if isinstance(decided, Refusal) else list[Event](decided)
    if _for_machine(command):
        found = machine.decide(state.machine, command, actor, now)
        if isinstance(found, Refusal):
            return found
        return _with_effects(state, agenda, list[Event](found), sources or {}, now)
    if _for_board(command):
        if isinstance(command, CreateTheme) and command.board not in (None, *agenda.boards):
            # The board rules do not see the agenda; which boards exist is the agenda's.
            return Refusal(
                "There is no board {board}.",
                {"board": command.board},
                "unknown_board",
                kind=CONFLICT,
            )
        decided = board.decide(state.board, phase, command, actor, now, command_id, paused=paused)
    elif _for_people(command):
        decided = people.decide(state.board, phase, command, actor, now)
    elif _for_questions(command):
        decided = questions.decide(
            state.questions, members, phase, command, actor, now, command_id, paused=paused
        )
    elif _for_polls(command):
        decided = polls.decide(state.polls, members, phase, command, actor, now, paused=paused)
    elif _for_pulse(command):
        decided = pulse.decide(
            state.pulse, members, phase, agenda.pulse, command, actor, now, paused=paused
        )
    else:
        decided = catalogue.decide(
            state.catalogue, phase, command, actor, now, command_id, paused=paused
        )
    return decided if isinstance(decided, Refusal) else list[Event](decided)


def as_member(state: WorkshopState, actor: Actor) -> Actor:
    """The actor with the role their membership has now (the edge knows how they joined)."""
    if actor.participant_id is None or actor.role in (Role.FACILITATOR, Role.PROJECTOR):
        return actor
    member = state.board.members.get(actor.participant_id)
    if member is None or member.role == actor.role.value:
        return actor
    return Actor(Role(member.role), actor.participant_id)


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
    if _of_catalogue(event):
        return replace(state, catalogue=catalogue.evolve(state.catalogue, event))
    if _of_questions(event):
        return replace(state, questions=questions.evolve(state.questions, event))
    if _of_polls(event):
        return replace(state, polls=polls.evolve(state.polls, event))
    if _of_pulse(event):
        return replace(state, pulse=pulse.evolve(state.pulse, event))
    if isinstance(event, InitiativeUpdated):
        return replace(state, initiatives=initiatives.evolve(state.initiatives, event))
    raise AssertionError(f"unhandled event {event!r}")  # pragma: no cover


def fold(state: WorkshopState, events: Iterable[Event]) -> WorkshopState:
    for event in events:
        state = evolve(state, event)
    return state
