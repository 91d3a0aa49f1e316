"""The workshop state machine: lobby → a running or paused phase → ended (→ reopened, paused).

Pure: the clock is an argument, and time left is computed from recorded facts
(when the current stretch began, what earlier stretches used, what was added),
never counted down, so a restored workshop shows exactly the time it had.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from facilitator.core.actors import Actor
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
from facilitator.core.errors import CONFLICT, NOT_ALLOWED, Refusal
from facilitator.core.events import (
    AgendaRevised,
    Extended,
    MachineEvent,
    Paused,
    PhaseChanged,
    Resumed,
    WorkshopEnded,
    WorkshopReopened,
    WorkshopStarted,
)


class Status(StrEnum):
    LOBBY = "lobby"
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


@dataclass(frozen=True)
class PhaseClock:
    """One phase's time: its budget and what it has used, kept across visits."""

    planned: int  # seconds, from the agenda
    extra: int = 0  # seconds added by extensions
    used: float = 0.0  # seconds run before the current stretch
    started_at: datetime | None = None  # first entered
    ended_at: datetime | None = None  # last left
    pauses: int = 0

    @property
    def budget(self) -> int:
        return self.planned + self.extra


@dataclass(frozen=True)
class MachineState:
    status: Status
    phase: int | None  # None in the lobby
    since: datetime | None  # start of the current running stretch; None unless running
    clocks: tuple[PhaseClock, ...]
    revision: int = 0  # the agenda's version: how many times it was revised (core.revision)

    @classmethod
    def initial(cls, planned_minutes: Sequence[int]) -> MachineState:
        clocks = tuple(PhaseClock(planned=60 * m) for m in planned_minutes)
        return cls(Status.LOBBY, None, None, clocks)

    @property
    def clock(self) -> PhaseClock | None:
        return None if self.phase is None else self.clocks[self.phase]

    def used(self, now: datetime) -> float:
        """Seconds the current phase has run, including the stretch under way."""
        clock = self.clock
        if clock is None:
            return 0.0
        return clock.used + (_seconds(self.since, now) if self.since else 0.0)

    def time_left(self, now: datetime) -> float:
        clock = self.clock
        return 0.0 if clock is None else max(0.0, clock.budget - self.used(now))

    def overrun(self, now: datetime) -> float:
        clock = self.clock
        return 0.0 if clock is None else max(0.0, self.used(now) - clock.budget)

    def deadline(self) -> datetime | None:
        """When the running phase's time runs out; browsers count down to it."""
        clock = self.clock
        if self.status is not Status.RUNNING or clock is None or self.since is None:
            return None
        return self.since + timedelta(seconds=clock.budget - clock.used)


def _seconds(start: datetime, end: datetime) -> float:
    # A clock that steps backwards must never give time back or make time negative.
    return max(0.0, (end - start).total_seconds())


# --- deciding ---------------------------------------------------------------------------

_NOT_FACILITATOR = Refusal(
    "Only the facilitator can steer the agenda.", code="forbidden", kind=NOT_ALLOWED
)


def decide(
    state: MachineState, command: MachineCommand, actor: Actor, now: datetime
) -> list[MachineEvent] | Refusal:
    """The events a command causes, or why it is refused."""
    if not actor.is_facilitator:
        return _NOT_FACILITATOR
    if state.status is Status.ENDED:
        if isinstance(command, Reopen):
            return [WorkshopReopened(at=now, phase=state.phase)]
        return Refusal("The workshop has ended.", code="ended", kind=CONFLICT)
    if isinstance(command, Reopen):
        return Refusal("The workshop has not ended.", code="not_ended", kind=CONFLICT)
    if state.status is Status.LOBBY:
        if isinstance(command, Start):
            return [WorkshopStarted(at=now), *_move(state, 0, now)]
        return Refusal("The workshop has not started yet.", code="not_started", kind=CONFLICT)

    assert state.phase is not None
    last = len(state.clocks) - 1
    match command:
        case Start():
            return Refusal(
                "The workshop is already running.", code="already_started", kind=CONFLICT
            )
        case Next() if state.phase == last:
            return Refusal(
                "This is the last phase; end the workshop instead.", code="last", kind=CONFLICT
            )
        case Next():
            return _move(state, state.phase + 1, now)
        case Previous() if state.phase == 0:
            return Refusal("This is the first phase.", code="first", kind=CONFLICT)
        case Previous():
            return _move(state, state.phase - 1, now)
        case JumpTo(phase=target) if target > last:
            return Refusal(
                "There is no phase {number}.", {"number": target + 1}, "no_phase", kind=CONFLICT
            )
        case JumpTo(phase=target) if target == state.phase:
            return Refusal("That phase is already under way.", code="same_phase", kind=CONFLICT)
        case JumpTo(phase=target):
            return _move(state, target, now)
        case Pause() if state.status is Status.PAUSED:
            return Refusal("The phase is already paused.", code="already_paused", kind=CONFLICT)
        case Pause():
            return [Paused(at=now, phase=state.phase)]
        case Resume() if state.status is Status.RUNNING:
            return Refusal("The phase is not paused.", code="not_paused", kind=CONFLICT)
        case Resume():
            return [Resumed(at=now, phase=state.phase)]
        case Extend(minutes=minutes):
            # "+5 min" on a phase that is already over time means five minutes from now.
            grow = 60 * minutes + round(state.overrun(now))
            return [Extended(at=now, phase=state.phase, seconds=grow)]
        case End():
            return [WorkshopEnded(at=now, phase=state.phase)]
    raise AssertionError(f"unhandled command {command!r}")  # pragma: no cover


def _move(state: MachineState, target: int, now: datetime) -> list[MachineEvent]:
    """Leaving one phase and entering another: the one place such a transition is made."""
    return [PhaseChanged(at=now, left=state.phase, entered=target)]


# --- evolving ---------------------------------------------------------------------------


def evolve(state: MachineState, event: MachineEvent) -> MachineState:
    """The state after an event. Total: replaying the journal rebuilds the state."""
    match event:
        case WorkshopStarted():
            return state
        case PhaseChanged(at=at, entered=entered):
            left = _close(state, at)
            clock = left.clocks[entered]
            opened = replace(clock, started_at=clock.started_at or at)
            return replace(
                left,
                status=Status.RUNNING,
                phase=entered,
                since=at,
                clocks=_with(left.clocks, entered, opened),
            )
        case Paused(at=at):
            closed = _close(state, at)
            assert closed.clock is not None and closed.phase is not None and state.clock is not None
            # A pause is not a departure: keep the phase's record of when it was last left.
            paused = replace(
                closed.clock, pauses=closed.clock.pauses + 1, ended_at=state.clock.ended_at
            )
            return replace(
                closed, status=Status.PAUSED, clocks=_with(closed.clocks, closed.phase, paused)
            )
        case Resumed(at=at):
            return replace(state, status=Status.RUNNING, since=at)
        case Extended(phase=phase, seconds=seconds):
            clock = state.clocks[phase]
            grown = replace(clock, extra=clock.extra + seconds)
            return replace(state, clocks=_with(state.clocks, phase, grown))
        case WorkshopEnded(at=at):
            return replace(_close(state, at), status=Status.ENDED)
        case WorkshopReopened():
            # Paused in the phase it ended in; its clock goes on from where it stopped.
            return replace(state, status=Status.PAUSED, since=None)
        case AgendaRevised(agenda=agenda, kept=kept, version=version):
            # The phases that ran keep their clocks; the new ones after them start afresh.
            fresh = tuple(PhaseClock(planned=60 * phase.minutes) for phase in agenda.phases[kept:])
            return replace(state, clocks=(*state.clocks[:kept], *fresh), revision=version)
    raise AssertionError(f"unhandled event {event!r}")  # pragma: no cover


def _close(state: MachineState, at: datetime) -> MachineState:
    """Book the running stretch onto the current phase's clock and stop it."""
    if state.phase is None:
        return state
    clock = state.clocks[state.phase]
    used = clock.used + (_seconds(state.since, at) if state.since else 0.0)
    closed = replace(clock, used=used, ended_at=at)
    return replace(state, since=None, clocks=_with(state.clocks, state.phase, closed))


def _with(clocks: tuple[PhaseClock, ...], index: int, clock: PhaseClock) -> tuple[PhaseClock, ...]:
    return (*clocks[:index], clock, *clocks[index + 1 :])
