"""Agendas as data: YAML files validated into typed, frozen objects, with file-and-line errors.

load_agenda(path) -> Agenda            raise AgendaError(problems) listing every problem
load_programme(path) -> Programme      also loads the workshops' agenda files
check_files(paths) -> list[Problem]    never raises for bad input
"""

from ._loader import DEFAULT_PROGRAMME, check_files, load_agenda, load_programme
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
    "DEFAULT_PROGRAMME",
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
    "check_files",
    "load_agenda",
    "load_programme",
]
