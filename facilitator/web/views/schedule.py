"""The day's schedule: each phase's planned clock times, and whether the day runs late.

The plan counts from the workshop's planned start (``Workshop.starts_at``, set on the
facilitator's home page), or, without one, from when it actually began. The current phase is
expected to end when its clock runs out (now, if it is over time; a pause pushes it on); the
day is as far behind as that is after the phase's planned end, and the phases after it are
expected that much later. Plain data, for the console, the wall, the editor and the home page
to render (each in its own words):

    {"start": "09.00", "start_iso": "…", "planned_end": "12.30", "expected_end": "12.42",
     "total_minutes": 210, "limit_minutes": 240, "over_limit": False,
     "delay_minutes": 12,       # > 0 behind, < 0 ahead, 0 on time; None: no plan to compare
     "state": "behind",         # behind | ahead | on_time | unknown
     "label": "12 min. bagud",  # the same, in the page's language
     "current": 3,              # the index of the phase under way, None if none
     "phases": [{"index": 0, "number": 1, "key": "welcome", "title": "Velkommen",
                 "kind": "welcome", "minutes": 15, "state": "done",   # done|current|upcoming
                 "start": "09.00", "end": "09.15",                    # planned
                 "start_iso": "…", "end_iso": "…",
                 "actual_start": "09.02", "actual_end": "09.18",      # "" until known
                 "expected_start": "", "expected_end": ""}, …]}      # current and upcoming

Clock times are Copenhagen time, as ``i18n.format_time`` writes them ("09.00" in Danish,
"09:00" in English); "" where there is nothing to count from.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from facilitator import i18n
from facilitator.agenda import Agenda
from facilitator.core.machine import MachineState, Status
from facilitator.web.views.memo import Memo

BEHIND = i18n.N_("{minutes} min behind schedule")
AHEAD = i18n.N_("{minutes} min ahead of schedule")
ON_TIME = i18n.N_("On schedule")
NO_PLAN = i18n.N_("No start time set")


def schedule(
    agenda: Agenda,
    machine: MachineState,
    *,
    starts_at: datetime | None,
    now: datetime,
    language: str,
) -> dict[str, Any]:
    """The schedule as of ``now``. While a phase runs within its time, nothing in it depends
    on ``now`` (the phase is expected to end at its deadline), so it is kept by the machine's
    identity: the console and the wall ask for it on every change, and a post leaves the
    machine as it was. Paused, over time, or before the start it moves with the clock."""
    if machine.status is Status.RUNNING and machine.time_left(now) > 0:
        return _steady.get(
            (starts_at, language),
            (agenda, machine),
            lambda: _schedule(agenda, machine, starts_at=starts_at, now=now, language=language),
        )
    return _schedule(agenda, machine, starts_at=starts_at, now=now, language=language)


_steady: Memo[dict[str, Any]] = Memo(256)


def _schedule(
    agenda: Agenda,
    machine: MachineState,
    *,
    starts_at: datetime | None,
    now: datetime,
    language: str,
) -> dict[str, Any]:
    base = starts_at or _began(machine)
    planned: list[tuple[datetime, datetime] | None] = []
    at = base
    for phase in agenda.phases:
        if at is None:
            planned.append(None)
            continue
        end = at + timedelta(minutes=phase.minutes)
        planned.append((at, end))
        at = end
    delay = _delay(machine, planned, base, now)
    expected = _expected(agenda, machine, now, base)
    phases = []
    for index, phase in enumerate(agenda.phases):
        plan = planned[index]
        clock = machine.clocks[index] if index < len(machine.clocks) else None
        guess = expected.get(index)
        phases.append(
            {
                "index": index,
                "number": index + 1,
                "key": phase.key,
                "title": phase.title.get(language),
                "kind": phase.kind.value,
                "minutes": phase.minutes,
                "state": _where(machine, index),
                "start": _clock(plan[0] if plan else None, language),
                "end": _clock(plan[1] if plan else None, language),
                "start_iso": plan[0].isoformat() if plan else "",
                "end_iso": plan[1].isoformat() if plan else "",
                "actual_start": _clock(clock.started_at if clock else None, language),
                "actual_end": _clock(_left(machine, index), language),
                "expected_start": _clock(guess[0] if guess else None, language),
                "expected_end": _clock(guess[1] if guess else None, language),
            }
        )
    total = agenda.total_minutes
    last = expected.get(len(agenda.phases) - 1)
    ended = _ended_at(machine)
    return {
        "start": _clock(base, language),
        "start_iso": base.isoformat() if base else "",
        "planned_end": _clock(planned[-1][1] if planned and planned[-1] else None, language),
        "expected_end": _clock(ended or (last[1] if last else None), language),
        "total_minutes": total,
        "limit_minutes": agenda.length.max_minutes,
        "over_limit": total > agenda.length.max_minutes,
        "delay_minutes": delay,
        "state": _state(delay),
        "label": _label(delay, language),
        "current": machine.phase if machine.status in (Status.RUNNING, Status.PAUSED) else None,
        "phases": phases,
    }


def _began(machine: MachineState) -> datetime | None:
    started = [clock.started_at for clock in machine.clocks if clock.started_at is not None]
    return min(started) if started else None


def _ended_at(machine: MachineState) -> datetime | None:
    """When an ended workshop ended; None while it has not."""
    if machine.status is not Status.ENDED or machine.phase is None:
        return None
    return machine.clocks[machine.phase].ended_at


def _where(machine: MachineState, index: int) -> str:
    if machine.status is Status.LOBBY or machine.phase is None:
        return "upcoming"
    if machine.status is Status.ENDED or index < machine.phase:
        return "done" if machine.clocks[index].started_at else "upcoming"
    return "current" if index == machine.phase else "upcoming"


def _left(machine: MachineState, index: int) -> datetime | None:
    """When a phase was last left (not the one under way: it has not been left yet)."""
    if index >= len(machine.clocks):
        return None
    under_way = machine.status in (Status.RUNNING, Status.PAUSED) and machine.phase == index
    return None if under_way else machine.clocks[index].ended_at


def _current_end(machine: MachineState, now: datetime) -> datetime:
    """When the phase under way is expected to end: when its time runs out, or now if over."""
    return now + timedelta(seconds=machine.time_left(now))


def _delay(
    machine: MachineState,
    planned: list[tuple[datetime, datetime] | None],
    base: datetime | None,
    now: datetime,
) -> int | None:
    if base is None or not planned:
        return None
    if machine.status is Status.LOBBY:
        first = planned[0]
        late = (now - first[0]).total_seconds() if first else 0.0
        return _minutes(max(0.0, late))
    if machine.status is Status.ENDED:
        end, plan = _ended_at(machine), planned[-1]
        return _minutes((end - plan[1]).total_seconds()) if end and plan else None
    assert machine.phase is not None
    plan = planned[machine.phase]
    return _minutes((_current_end(machine, now) - plan[1]).total_seconds()) if plan else None


def _expected(
    agenda: Agenda, machine: MachineState, now: datetime, base: datetime | None
) -> dict[int, tuple[datetime, datetime]]:
    """When the phase under way and those after it are expected to start and end."""
    if machine.status in (Status.RUNNING, Status.PAUSED) and machine.phase is not None:
        first = machine.phase + 1
        end = _current_end(machine, now)
        started = machine.clocks[machine.phase].started_at or now
        found = {machine.phase: (started, end)}
    elif machine.status is Status.LOBBY and base is not None:
        first, end, found = 0, max(base, now), {}
    else:
        return {}
    for index in range(first, len(agenda.phases)):
        start, end = end, end + timedelta(minutes=agenda.phases[index].minutes)
        found[index] = (start, end)
    return found


def _minutes(seconds: float) -> int:
    return round(seconds / 60)


def _state(delay: int | None) -> str:
    if delay is None:
        return "unknown"
    return "behind" if delay > 0 else "ahead" if delay < 0 else "on_time"


def _label(delay: int | None, language: str) -> str:
    if delay is None:
        return i18n.gettext(language, NO_PLAN)
    if delay == 0:
        return i18n.gettext(language, ON_TIME)
    msgid = BEHIND if delay > 0 else AHEAD
    return i18n.gettext(language, msgid).format(minutes=abs(delay))


def _clock(value: datetime | None, language: str) -> str:
    return i18n.format_time(value, language) if value is not None else ""
