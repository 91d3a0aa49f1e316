"""Agendas as data: typed, frozen models of programmes, workshops and their phases.

Pure (pydantic only), so the core can use them. Reading them from YAML files, with
file-and-line errors, is ``facilitator.agenda.files``:

load_agenda(path) -> Agenda            raise AgendaError(problems) listing every problem
load_programme(path) -> Programme      also loads the workshops' agenda files
check_files(paths) -> list[Problem]    never raises for bad input
"""

from ._base import Role, Text
from ._models import Agenda, Audience, DayLength, Department, Programme, WorkshopSpec
from ._phases import (
    _PHASES,
    PHASE_SETTINGS,
    BreakPhase,
    GroupWorkPhase,
    HomeReflectionPhase,
    IndividualPhase,
    LeaderPanelPhase,
    LeaderTriagePhase,
    Phase,
    PhaseKind,
    PlenumPhase,
    PollPhase,
    PulsePhase,
    VotePhase,
    WelcomePhase,
    WrapUpPhase,
)
from ._polls import TEXT_ANSWER_LIMIT, AnswerKind, PollOption, Scale
from ._problems import AgendaError, Problem
from ._pulse import RECOMMEND, SCALE, Measurement, Pulse, PulseItem, Recommend, Reference

# Each kind of phase → its model; with PHASE_SETTINGS (kind → its settings, in order), what a
# form for a phase is made from (the agenda editor).
PHASE_MODELS: dict[str, type[Phase]] = {
    str(model.model_fields["kind"].default): model  # type: ignore[misc]
    for model in _PHASES
}

__all__ = [
    "PHASE_MODELS",
    "PHASE_SETTINGS",
    "RECOMMEND",
    "SCALE",
    "TEXT_ANSWER_LIMIT",
    "Agenda",
    "AgendaError",
    "AnswerKind",
    "Audience",
    "BreakPhase",
    "DayLength",
    "Department",
    "GroupWorkPhase",
    "HomeReflectionPhase",
    "IndividualPhase",
    "LeaderPanelPhase",
    "LeaderTriagePhase",
    "Measurement",
    "Phase",
    "PhaseKind",
    "PlenumPhase",
    "PollOption",
    "PollPhase",
    "Problem",
    "Programme",
    "Pulse",
    "PulseItem",
    "PulsePhase",
    "Recommend",
    "Reference",
    "Role",
    "Scale",
    "Text",
    "VotePhase",
    "WelcomePhase",
    "WorkshopSpec",
    "WrapUpPhase",
]
