from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.agenda import Role
from facilitator.core.actors import FACILITATOR, Actor
from facilitator.core.commands import (
    End,
    Extend,
    JumpTo,
    MachineCommand,
    Next,
    Pause,
    Previous,
    Reopen,
    Resume,
    Start,
)
from facilitator.core.errors import Refusal
from facilitator.core.machine import MachineState, Status, decide, evolve

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def run(state: MachineState, command: MachineCommand, now: datetime) -> MachineState:
    events = decide(state, command, FACILITATOR, now)
    assert not isinstance(events, Refusal), events
    for event in events:
        state = evolve(state, event)
    return state


def three_phases() -> MachineState:
    return MachineState.initial([10, 20, 30])


def test_a_new_workshop_waits_in_the_lobby_with_no_time_running() -> None:
    state = three_phases()
    assert state.status is Status.LOBBY
    assert state.phase is None
    assert state.time_left(at(5)) == 0


def test_starting_enters_the_first_phase_with_its_planned_time() -> None:
    state = run(three_phases(), Start(), at(0))
    assert (state.status, state.phase) == (Status.RUNNING, 0)
    assert state.time_left(at(4)) == 6 * 60
    assert state.deadline() == at(10)


def test_time_left_never_goes_below_zero_and_the_overrun_is_reported() -> None:
    state = run(three_phases(), Start(), at(0))
    assert state.time_left(at(13)) == 0
    assert state.overrun(at(13)) == 3 * 60


def test_a_paused_phase_keeps_its_time_left_however_long_the_pause() -> None:
    state = run(run(three_phases(), Start(), at(0)), Pause(), at(4))
    assert state.status is Status.PAUSED
    assert state.time_left(at(4)) == state.time_left(at(400)) == 6 * 60
    assert state.deadline() is None
    resumed = run(state, Resume(), at(30))
    assert resumed.time_left(at(31)) == 5 * 60
    assert resumed.clocks[0].pauses == 1


def test_extending_adds_minutes_to_the_running_phase() -> None:
    state = run(run(three_phases(), Start(), at(0)), Extend(minutes=5), at(2))
    assert state.time_left(at(2)) == 13 * 60


def test_extending_an_overrun_phase_gives_the_full_extension_from_now() -> None:
    state = run(run(three_phases(), Start(), at(0)), Extend(minutes=5), at(12))
    assert state.time_left(at(12)) == 5 * 60


def test_next_and_previous_move_between_phases_and_each_phase_keeps_its_own_clock() -> None:
    state = run(three_phases(), Start(), at(0))
    state = run(state, Next(), at(4))
    assert state.phase == 1
    assert state.time_left(at(4)) == 20 * 60
    state = run(state, Previous(), at(9))
    assert state.phase == 0
    assert state.time_left(at(9)) == 6 * 60
    assert state.clocks[0].started_at == at(0)
    assert state.clocks[1].ended_at == at(9)


def test_jumping_enters_the_chosen_phase() -> None:
    state = run(run(three_phases(), Start(), at(0)), JumpTo(phase=2), at(1))
    assert state.phase == 2
    assert state.time_left(at(1)) == 30 * 60


def test_moving_from_a_paused_phase_runs_the_next_one() -> None:
    state = run(run(run(three_phases(), Start(), at(0)), Pause(), at(1)), Next(), at(2))
    assert (state.status, state.phase) == (Status.RUNNING, 1)


def test_ending_stops_the_clock_and_refuses_everything_after() -> None:
    state = run(run(three_phases(), Start(), at(0)), End(), at(3))
    assert state.status is Status.ENDED
    assert state.clocks[0].used == 180
    refusal = decide(state, Next(), FACILITATOR, at(4))
    assert isinstance(refusal, Refusal) and refusal.code == "ended"


def test_illegal_commands_are_refused_with_a_reason_and_change_nothing() -> None:
    lobby = three_phases()
    running = run(lobby, Start(), at(0))
    last = run(running, JumpTo(phase=2), at(1))
    cases: list[tuple[MachineState, MachineCommand, str]] = [
        (lobby, Next(), "not_started"),
        (lobby, End(), "not_started"),
        (running, Start(), "already_started"),
        (running, Previous(), "first"),
        (running, Resume(), "not_paused"),
        (running, JumpTo(phase=0), "same_phase"),
        (running, JumpTo(phase=3), "no_phase"),
        (run(running, Pause(), at(1)), Pause(), "already_paused"),
        (last, Next(), "last"),
    ]
    for state, command, code in cases:
        refusal = decide(state, command, FACILITATOR, at(2))
        assert isinstance(refusal, Refusal), command
        assert refusal.code == code
        assert refusal.render()  # a readable sentence, placeholders filled


def test_only_the_facilitator_steers_the_agenda() -> None:
    for role in (Role.PARTICIPANT, Role.LEADER, Role.PROJECTOR):
        refusal = decide(three_phases(), Start(), Actor(role, "p1"), at(0))
        assert isinstance(refusal, Refusal) and refusal.code == "forbidden"


def test_a_refusal_renders_its_placeholders_through_a_translation() -> None:
    refusal = decide(run(three_phases(), Start(), at(0)), JumpTo(phase=7), FACILITATOR, at(1))
    assert isinstance(refusal, Refusal)
    assert refusal.render(lambda msgid: "Der er ingen fase {number}.") == "Der er ingen fase 8."


commands = st.one_of(
    st.just(Start()),
    st.just(Next()),
    st.just(Previous()),
    st.just(Pause()),
    st.just(Resume()),
    st.just(End()),
    st.builds(JumpTo, phase=st.integers(0, 6)),
    st.builds(Extend, minutes=st.integers(1, 120)),
)
# Steps of the clock, including backwards steps: a wall clock may be corrected.
steps = st.floats(min_value=-120, max_value=3600, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(
    planned=st.lists(st.integers(1, 240), min_size=1, max_size=6),
    script=st.lists(st.tuples(commands, steps), max_size=40),
)
def test_any_sequence_of_commands_leaves_a_valid_state(
    planned: list[int], script: list[tuple[MachineCommand, float]]
) -> None:
    state = MachineState.initial(planned)
    now = T0
    for command, step in script:
        now += timedelta(seconds=step)
        outcome = decide(state, command, FACILITATOR, now)
        if isinstance(outcome, Refusal):
            continue
        for event in outcome:
            state = evolve(state, event)
        assert_valid(state, now)


def assert_valid(state: MachineState, now: datetime) -> None:
    assert state.time_left(now) >= 0
    assert state.overrun(now) >= 0
    assert all(clock.used >= 0 and clock.extra >= 0 for clock in state.clocks)
    match state.status:
        case Status.LOBBY:
            assert state.phase is None and state.since is None
        case Status.RUNNING:
            assert state.phase is not None and 0 <= state.phase < len(state.clocks)
            assert state.since is not None
        case Status.PAUSED:
            assert state.phase is not None and state.since is None
        case Status.ENDED:
            assert state.since is None


def test_an_ended_workshop_reopens_paused_where_it_ended_and_its_clock_goes_on() -> None:
    state = run(run(three_phases(), Start(), at(0)), Next(), at(60))
    ended = run(state, End(), at(90))
    assert ended.status is Status.ENDED
    reopened = run(ended, Reopen(), at(500))
    assert reopened.status is Status.PAUSED and reopened.phase == 1
    assert reopened.used(at(600)) == 30 * 60  # paused: the time since the end is not counted
    resumed = run(reopened, Resume(), at(600))
    assert resumed.used(at(660)) == 90 * 60


def test_only_an_ended_workshop_can_be_reopened_and_only_by_the_facilitator() -> None:
    running = run(three_phases(), Start(), at(0))
    refusal = decide(running, Reopen(), FACILITATOR, at(1))
    assert isinstance(refusal, Refusal) and refusal.code == "not_ended"
    ended = run(running, End(), at(2))
    someone = decide(ended, Reopen(), Actor(Role.PARTICIPANT, "p"), at(3))
    assert isinstance(someone, Refusal) and someone.code == "forbidden"
