"""Revising a workshop's agenda, before it starts and while it runs.

Before the start everything may change. Once the workshop runs, the phases that have run or
are under way stay exactly as they were (their clocks, boards, polls and questions refer to
them); the phases after them may be changed, added, removed and reordered. A revision names
the agenda version it was made from, so that two facilitators editing at once never
overwrite each other unknowingly: the second is refused and shown the first one's change.

Pure: the edge has checked the new agenda in its programme (``agenda.files``, the same
checks as ``facilitator agendas check``) before it asks; the core decides whether it may be
applied now.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from facilitator.agenda import Agenda
from facilitator.core.actors import Actor
from facilitator.core.board_rules import FORBIDDEN, UNCHANGED
from facilitator.core.errors import CONFLICT, INVALID, Refusal
from facilitator.core.events import AgendaRevised
from facilitator.core.machine import MachineState, Status


class ReviseAgenda(BaseModel):
    """The whole new agenda, and the version (``MachineState.revision``) it was made from."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    type: Literal["revise_agenda"] = "revise_agenda"
    agenda: Agenda
    version: int = Field(ge=0)


ENDED = Refusal("The workshop has ended.", code="ended", kind=CONFLICT)


def stale(version: int) -> Refusal:
    return Refusal(
        "Someone else saved this agenda (version {version}) after you opened it.",
        {"version": version},
        "stale_agenda",
        kind=CONFLICT,
    )


def fixed_key(key: str) -> Refusal:
    return Refusal(
        "The agenda's key stays {key}: other workshops and files refer to it.",
        {"key": key},
        "agenda_key",
        kind=INVALID,
    )


AUDIENCE = Refusal(
    "The audience cannot change once the workshop has started.",
    code="agenda_audience",
    kind=CONFLICT,
)


def phase_ran(number: int) -> Refusal:
    return Refusal(
        "Phase {number} has run or is under way, so it cannot be changed or moved.",
        {"number": number},
        "phase_ran",
        kind=CONFLICT,
    )


def locked(machine: MachineState) -> int:
    """How many phases, from the first, may no longer change: up to the last one that has
    run or is under way (0 in the lobby)."""
    if machine.status is Status.LOBBY:
        return 0
    entered = [index for index, clock in enumerate(machine.clocks) if clock.started_at]
    if machine.phase is not None:
        entered.append(machine.phase)
    return max(entered, default=-1) + 1


def decide(
    machine: MachineState, agenda: Agenda, command: ReviseAgenda, actor: Actor, now: datetime
) -> list[AgendaRevised] | Refusal:
    """The revision, or why it is refused. ``agenda`` is the workshop's agenda now."""
    if not actor.is_facilitator:
        return FORBIDDEN
    if machine.status is Status.ENDED:
        return ENDED
    if command.version != machine.revision:
        return stale(machine.revision)
    new = command.agenda
    if new.key != agenda.key:
        return fixed_key(agenda.key)
    if new.audience != agenda.audience and machine.status is not Status.LOBBY:
        return AUDIENCE
    kept = locked(machine)
    for index in range(kept):
        if index >= len(new.phases) or new.phases[index] != agenda.phases[index]:
            return phase_ran(index + 1)
    if new == agenda:
        return UNCHANGED
    return [AgendaRevised(at=now, agenda=new, kept=kept, version=machine.revision + 1)]


def agenda_after(agenda: Agenda, events: Iterable[object]) -> Agenda:
    """The agenda once ``events`` (any events, or (seq, event) pairs) have happened."""
    for item in events:
        event = item[1] if isinstance(item, tuple) else item
        if isinstance(event, AgendaRevised):
            agenda = event.agenda
    return agenda
