"""State → template context, per role. Only what a role may see goes into its context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from facilitator.agenda import Agenda
from facilitator.core.machine import MachineState, Status
from facilitator.core.workshop import WorkshopState
from facilitator.store.tables import Workshop
from facilitator.web.views.memo import Memo, Rows


@dataclass(frozen=True)
class PhaseRow:
    index: int
    number: int
    title: str
    kind: str
    minutes: int
    state: str  # done | current | upcoming


def clock_context(machine: MachineState, now: datetime) -> dict[str, Any]:
    """What a countdown needs: the server's now, the deadline (if running), the time left."""
    deadline = machine.deadline()
    return {
        "status": machine.status.value,
        "server_now": now.isoformat(),
        "deadline": deadline.isoformat() if deadline else "",
        "time_left": round(machine.time_left(now)),
        "overrun": round(machine.overrun(now)),
    }


def agenda_context(
    agenda: Agenda, state: WorkshopState, now: datetime, language: str
) -> dict[str, Any]:
    machine = state.machine
    rows = phase_rows(agenda, machine, language)
    current = agenda.phases[machine.phase] if machine.phase is not None else None
    return {
        "agenda_title": agenda.title.get(language),
        "phases": rows,
        "total": len(rows),
        "current": None if current is None else current.title.get(language),
        "current_number": None if machine.phase is None else machine.phase + 1,
        "phase_kind_now": None if current is None else current.kind.value,
        "current_prompt": (
            current.prompt.get(language) if current is not None and current.prompt else ""
        ),
        "is_last": machine.phase == len(rows) - 1,
        **clock_context(machine, now),
    }


def console_context(
    agenda: Agenda,
    state: WorkshopState,
    row: Workshop,
    now: datetime,
    language: str,
    base_url: str,
) -> dict[str, Any]:
    """The facilitator console: the agenda, the clock and the links to hand out."""
    return {
        "workshop": row,
        "base_url": base_url,
        **agenda_context(agenda, state, now, language),
    }


# A post leaves the machine as it was: the rows are then the same object (and say their repr
# once), not a row per phase made again for every role on every change.
_rows: Memo[Rows] = Memo(256)


def phase_rows(agenda: Agenda, machine: MachineState, language: str) -> Rows:
    """A row per phase of the agenda: where the day is in it."""
    return _rows.get(language, (agenda, machine), lambda: _phase_rows(agenda, machine, language))


def _phase_rows(agenda: Agenda, machine: MachineState, language: str) -> Rows:
    rows = []
    for index, phase in enumerate(agenda.phases):
        if machine.phase is None or machine.status is Status.LOBBY:
            where = "upcoming"
        elif index == machine.phase and machine.status is not Status.ENDED:
            where = "current"
        elif index < machine.phase or machine.status is Status.ENDED:
            where = "done"
        else:
            where = "upcoming"
        rows.append(
            PhaseRow(
                index=index,
                number=index + 1,
                title=phase.title.get(language),
                kind=phase.kind.value,
                minutes=phase.minutes,
                state=where,
            )
        )
    return Rows(rows)
