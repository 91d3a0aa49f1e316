"""Events: what happened. Appended to the journal with a gap-free sequence number."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from facilitator.agenda import Agenda


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    at: datetime


class WorkshopStarted(_Event):
    type: Literal["workshop_started"] = "workshop_started"


class PhaseChanged(_Event):
    """The workshop left phase ``left`` (None from the lobby) and entered ``entered``."""

    type: Literal["phase_changed"] = "phase_changed"
    left: int | None
    entered: int


class Paused(_Event):
    type: Literal["paused"] = "paused"
    phase: int


class Resumed(_Event):
    type: Literal["resumed"] = "resumed"
    phase: int


class Extended(_Event):
    """``seconds`` is what the phase's budget grew by (an overrun is absorbed first)."""

    type: Literal["extended"] = "extended"
    phase: int
    seconds: int


class WorkshopEnded(_Event):
    type: Literal["workshop_ended"] = "workshop_ended"
    phase: int | None


class WorkshopReopened(_Event):
    type: Literal["workshop_reopened"] = "workshop_reopened"
    phase: int | None


class AgendaRevised(_Event):
    """The facilitator changed the agenda (``core.revision``): ``agenda`` is the whole new one;
    its first ``kept`` phases, those that have run or are under way, are as they were, and the
    phases after them are new. ``version`` counts the revisions: the first is 1."""

    type: Literal["agenda_revised"] = "agenda_revised"
    agenda: Agenda
    kept: int
    version: int


MachineEvent = (
    WorkshopStarted
    | PhaseChanged
    | Paused
    | Resumed
    | Extended
    | WorkshopEnded
    | WorkshopReopened
    | AgendaRevised
)
