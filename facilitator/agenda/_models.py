"""The agenda schema: agendas and programmes (their phases are ``_phases``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import (
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from ._base import Frozen, NonEmpty, Slug, Text
from ._checks import BOARD_WRITERS, DAY_LIMITS, Issue, agenda_issues, programme_issues
from ._phases import Phase, PhaseKind, PulsePhase
from ._pulse import Pulse

Audience = Literal["leaders", "staff"]

# Passed as validation context by the loader, which runs the cross-field rules itself on the raw
# data (so it can report them with line numbers even when other fields are invalid).
DEFER_CHECKS = {"defer_checks": True}


def _deferred(info: ValidationInfo) -> bool:
    return isinstance(info.context, dict) and info.context.get("defer_checks") is True


def _raise_issues(issues: list[Issue]) -> None:
    if issues:
        raise ValueError("; ".join(issue.message for issue in issues))


class DayLength(StrEnum):
    HALF_DAY = "half_day"
    FULL_DAY = "full_day"

    @property
    def max_minutes(self) -> int:
        return DAY_LIMITS[self.value]


class Agenda(Frozen):
    key: Slug
    title: Text
    length: DayLength
    audience: Audience
    phases: Annotated[tuple[Phase, ...], Field(min_length=1)]
    # The programme's pulse, copied in by the programme for agendas with a pulse phase: an
    # agenda file never writes it (files.py says so), so its wording is defined once.
    pulse: Pulse | None = None

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Self:
        if not _deferred(info):
            _raise_issues(agenda_issues(self.model_dump(mode="json")))
        return self

    @property
    def measures(self) -> bool:
        """Whether a phase of this agenda takes the programme's pulse."""
        return any(isinstance(phase, PulsePhase) for phase in self.phases)

    @property
    def total_minutes(self) -> int:
        return sum(phase.minutes for phase in self.phases)

    @property
    def boards(self) -> tuple[str, ...]:
        """The boards phases write to, in the order they are created."""
        boards = (
            getattr(phase, "board", None) for phase in self.phases if phase.kind in BOARD_WRITERS
        )
        return tuple(dict.fromkeys(board for board in boards if isinstance(board, str)))

    def phase(self, key: str) -> Phase:
        for phase in self.phases:
            if phase.key == key:
                return phase
        raise KeyError(f"agenda {self.key!r} has no phase {key!r}")


class Department(Frozen):
    key: Slug
    name: Text


class WorkshopSpec(Frozen):
    """A workshop of a programme; `title` and `audience` default to its agenda's."""

    key: Slug
    agenda: Agenda
    title: Text
    audience: Audience
    description: Text
    participants: Annotated[int, Field(strict=True, ge=1, le=1000)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _defaults_from_agenda(cls, data: Any) -> Any:
        if isinstance(data, dict):
            agenda = data.get("agenda")
            if isinstance(agenda, Agenda):
                agenda = {"title": agenda.title, "audience": agenda.audience}
            if isinstance(agenda, dict):
                for field in ("title", "audience"):
                    if data.get(field) is None and field in agenda:
                        data = {**data, field: agenda[field]}
        return data


class Programme(Frozen):
    key: Slug
    title: Text
    organisation: NonEmpty
    departments: tuple[Department, ...] = ()
    pulse: Pulse | None = None
    workshops: Annotated[tuple[WorkshopSpec, ...], Field(min_length=1)]

    @model_validator(mode="before")
    @classmethod
    def _pulse_into_agendas(cls, data: Any) -> Any:
        """Every agenda with a pulse phase carries the programme's one pulse definition."""
        if not isinstance(data, dict) or data.get("pulse") is None:
            return data
        try:
            pulse = Pulse.model_validate(data["pulse"])
        except ValidationError:
            return data  # reported by the field's own validation
        workshops = data.get("workshops")
        if not isinstance(workshops, list | tuple):
            return data
        return {**data, "workshops": [_with_pulse(workshop, pulse) for workshop in workshops]}

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Self:
        if not _deferred(info):
            _raise_issues(programme_issues(self.model_dump(mode="json")))
        return self

    def workshop(self, key: str) -> WorkshopSpec:
        for workshop in self.workshops:
            if workshop.key == key:
                return workshop
        raise KeyError(f"programme {self.key!r} has no workshop {key!r}")


def _with_pulse(workshop: Any, pulse: Pulse) -> Any:
    if isinstance(workshop, WorkshopSpec):
        return workshop.model_copy(update={"agenda": _agenda_with_pulse(workshop.agenda, pulse)})
    if isinstance(workshop, dict):
        agenda = workshop.get("agenda")
        if isinstance(agenda, Agenda):
            return {**workshop, "agenda": _agenda_with_pulse(agenda, pulse)}
        phases = agenda.get("phases") if isinstance(agenda, dict) else None
        if isinstance(agenda, dict) and isinstance(phases, list | tuple):
            kinds = [phase.get("kind") for phase in phases if isinstance(phase, dict)]
            if PhaseKind.PULSE.value in kinds:
                return {**workshop, "agenda": {**agenda, "pulse": pulse.model_dump(mode="json")}}
    return workshop


def _agenda_with_pulse(agenda: Agenda, pulse: Pulse) -> Agenda:
    if not agenda.measures or agenda.pulse == pulse:
        return agenda
    return agenda.model_copy(update={"pulse": pulse})


class WorkshopEntry(Frozen):
    """A workshop as written in a programme file: `agenda` is a path relative to that file."""

    key: Slug
    agenda: NonEmpty
    title: Text | None = None
    audience: Audience | None = None
    description: Text
    participants: Annotated[int, Field(strict=True, ge=1, le=1000)] | None = None


class ProgrammeFile(Frozen):
    key: Slug
    title: Text
    organisation: NonEmpty
    departments: tuple[Department, ...] = ()
    pulse: Pulse | None = None
    workshops: Annotated[tuple[WorkshopEntry, ...], Field(min_length=1)]
