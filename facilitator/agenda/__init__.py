"""Agendas as data: typed, frozen models of programmes, workshops and their phases.

Pure (pydantic only), so the core can use them. Reading them from YAML files, with
file-and-line errors, is ``facilitator.agenda.files``:

load_agenda(path) -> Agenda            raise AgendaError(problems) listing every problem
load_programme(path) -> Programme      also loads the workshops' agenda files
check_files(paths) -> list[Problem]    never raises for bad input
"""

from ._models import (
    Agenda,
    Audience,
    BreakPhase,
    DayLength,
    Department,
    GroupWorkPhase,
    HomeReflectionPhase,
    IndividualPhase,
    LeaderPanelPhase,
    LeaderTriagePhase,
    Phase,
    PhaseKind,
    PlenumPhase,
    Programme,
    Role,
    Text,
    VotePhase,
    WelcomePhase,
    WorkshopSpec,
    WrapUpPhase,
)
from ._problems import AgendaError, Problem

__all__ = [
    "Agenda",
    "AgendaError",
    "Audience",
    "BreakPhase",
    "DayLength",
    "Department",
    "GroupWorkPhase",
    "HomeReflectionPhase",
    "IndividualPhase",
    "LeaderPanelPhase",
    "LeaderTriagePhase",
    "Phase",
    "PhaseKind",
    "PlenumPhase",
    "Problem",
    "Programme",
    "Role",
    "Text",
    "VotePhase",
    "WelcomePhase",
    "WorkshopSpec",
    "WrapUpPhase",
]
