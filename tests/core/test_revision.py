"""Revising an agenda: everything before the start; only what has not run once it runs;
never over another facilitator's revision unknowingly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from facilitator.agenda import Agenda, BreakPhase, Role, Text
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.commands import End, Extend, JumpTo, Next, Start
from facilitator.core.errors import Refusal
from facilitator.core.events import AgendaRevised
from facilitator.core.machine import Status
from facilitator.core.revision import ReviseAgenda, agenda_after, locked
from facilitator.core.workshop import Command, WorkshopState, decide, fold
from tests.core.decisions import accepted, refused

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def state_of(agenda: Agenda) -> WorkshopState:
    return WorkshopState.initial([phase.minutes for phase in agenda.phases])


def run(
    state: WorkshopState, agenda: Agenda, *commands: Command, at: datetime = NOW
) -> tuple[WorkshopState, Agenda]:
    for command in commands:
        events = accepted(decide(state, agenda, command, FACILITATOR, at, "c"))
        state = fold(state, events)
        agenda = agenda_after(agenda, events)
    return state, agenda


def with_phases(agenda: Agenda, *phases: object) -> Agenda:
    return agenda.model_copy(update={"phases": tuple(phases)})


def a_break(key: str, minutes: int = 10) -> BreakPhase:
    return BreakPhase(key=key, title=Text(da="Pause", en="Break"), minutes=minutes)


def test_before_the_start_everything_can_change(agenda: Agenda) -> None:
    state = state_of(agenda)
    shorter = with_phases(agenda, *reversed(agenda.phases[1:]))
    events = accepted(
        decide(state, agenda, ReviseAgenda(agenda=shorter, version=0), FACILITATOR, NOW, "r")
    )
    assert events == [AgendaRevised(at=NOW, agenda=shorter, kept=0, version=1)]
    state = fold(state, events)
    assert state.machine.revision == 1
    assert [c.planned for c in state.machine.clocks] == [60 * p.minutes for p in shorter.phases]


def test_while_it_runs_the_phases_after_the_current_one_can_change(agenda: Agenda) -> None:
    state, _ = run(state_of(agenda), agenda, Start(), Next(), Extend(minutes=5))
    assert locked(state.machine) == 2
    new = with_phases(agenda, *agenda.phases[:2], a_break("tea", 20), *agenda.phases[2:])
    events = accepted(
        decide(state, agenda, ReviseAgenda(agenda=new, version=0), FACILITATOR, NOW, "r")
    )
    assert events[0].type == "agenda_revised" and events[0].kept == 2
    after = fold(state, events)
    # The phases that ran keep their clocks (the extension too); the new ones start afresh.
    assert after.machine.clocks[:2] == state.machine.clocks[:2]
    assert after.machine.clocks[1].extra == 300
    assert after.machine.clocks[2].planned == 20 * 60 and after.machine.clocks[2].used == 0
    assert len(after.machine.clocks) == len(new.phases)
    # And the workshop goes on into the new phase.
    moved, _ = run(after, new, Next())
    assert moved.machine.phase == 2 and moved.current_phase(new) == new.phases[2]


@pytest.mark.parametrize("index", [0, 1])
def test_a_phase_that_has_run_or_is_running_is_refused(agenda: Agenda, index: int) -> None:
    state, _ = run(state_of(agenda), agenda, Start(), Next())
    phases = list(agenda.phases)
    phases[index] = phases[index].model_copy(update={"minutes": phases[index].minutes + 5})
    answer = decide(
        state,
        agenda,
        ReviseAgenda(agenda=with_phases(agenda, *phases), version=0),
        FACILITATOR,
        NOW,
        "r",
    )
    assert refused(answer) == "phase_ran"
    assert isinstance(answer, Refusal) and answer.params == {"number": index + 1}


def test_moving_or_removing_a_phase_that_ran_is_refused(agenda: Agenda) -> None:
    state, _ = run(state_of(agenda), agenda, Start(), Next())
    swapped = with_phases(agenda, agenda.phases[1], agenda.phases[0], *agenda.phases[2:])
    assert (
        refused(
            decide(state, agenda, ReviseAgenda(agenda=swapped, version=0), FACILITATOR, NOW, "r")
        )
        == "phase_ran"
    )
    gone = with_phases(agenda, agenda.phases[0], *agenda.phases[2:])
    assert (
        refused(decide(state, agenda, ReviseAgenda(agenda=gone, version=0), FACILITATOR, NOW, "r"))
        == "phase_ran"
    )


def test_a_phase_visited_by_a_jump_stays_as_it_ran(agenda: Agenda) -> None:
    state, _ = run(state_of(agenda), agenda, Start(), JumpTo(phase=4), JumpTo(phase=1))
    assert locked(state.machine) == 5
    phases = list(agenda.phases)
    phases[3] = a_break("tea")
    answer = decide(
        state,
        agenda,
        ReviseAgenda(agenda=with_phases(agenda, *phases), version=0),
        FACILITATOR,
        NOW,
        "r",
    )
    assert refused(answer) == "phase_ran"


def test_a_stale_version_is_refused_and_says_the_current_one(agenda: Agenda) -> None:
    first = with_phases(agenda, *agenda.phases[:-1])
    state, now_agenda = run(state_of(agenda), agenda, ReviseAgenda(agenda=first, version=0))
    second = with_phases(agenda, *agenda.phases[1:])
    answer = decide(
        state, now_agenda, ReviseAgenda(agenda=second, version=0), FACILITATOR, NOW, "r"
    )
    assert refused(answer) == "stale_agenda"
    assert isinstance(answer, Refusal) and answer.params == {"version": 1}
    accepted(
        decide(state, now_agenda, ReviseAgenda(agenda=second, version=1), FACILITATOR, NOW, "r")
    )


def test_who_and_when(agenda: Agenda) -> None:
    state = state_of(agenda)
    new = with_phases(agenda, *agenda.phases[1:])
    leader = Actor(Role.LEADER, "leader")
    assert (
        refused(decide(state, agenda, ReviseAgenda(agenda=new, version=0), leader, NOW, "r"))
        == "forbidden"
    )
    assert (
        refused(
            decide(state, agenda, ReviseAgenda(agenda=agenda, version=0), FACILITATOR, NOW, "r")
        )
        == "unchanged"
    )
    renamed = new.model_copy(update={"key": "another-day"})
    assert (
        refused(
            decide(state, agenda, ReviseAgenda(agenda=renamed, version=0), FACILITATOR, NOW, "r")
        )
        == "agenda_key"
    )
    ended, _ = run(state, agenda, Start(), End())
    assert ended.machine.status is Status.ENDED
    assert (
        refused(decide(ended, agenda, ReviseAgenda(agenda=new, version=0), FACILITATOR, NOW, "r"))
        == "ended"
    )


def test_the_audience_changes_only_before_the_start(agenda: Agenda) -> None:
    leaders = agenda.model_copy(update={"audience": "leaders"})
    accepted(
        decide(
            state_of(agenda), agenda, ReviseAgenda(agenda=leaders, version=0), FACILITATOR, NOW, "r"
        )
    )
    running, _ = run(state_of(agenda), agenda, Start())
    answer = decide(running, agenda, ReviseAgenda(agenda=leaders, version=0), FACILITATOR, NOW, "r")
    assert refused(answer) == "agenda_audience"


def test_a_revision_is_not_a_command_clients_may_send() -> None:
    from pydantic import ValidationError

    from facilitator.core.workshop import COMMANDS

    with pytest.raises(ValidationError):
        COMMANDS.validate_python({"type": "revise_agenda", "agenda": {}, "version": 0})


def test_the_time_left_of_the_running_phase_is_kept(agenda: Agenda) -> None:
    state, _ = run(state_of(agenda), agenda, Start())
    later = NOW + timedelta(minutes=5)
    new = with_phases(agenda, agenda.phases[0], a_break("tea"), *agenda.phases[1:])
    events = accepted(
        decide(state, agenda, ReviseAgenda(agenda=new, version=0), FACILITATOR, later, "r")
    )
    after = fold(state, events)
    assert after.machine.time_left(later) == state.machine.time_left(later)
    assert after.machine.deadline() == state.machine.deadline()
